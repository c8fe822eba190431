// strata baseline VERSION: mark migrations as applied without running them
// (Migrator::Baseline), for databases that predate strata.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct BaselineArgs {
  std::string version;
  bool yes = false;
};

Outcome RunBaseline(const BaselineArgs& args, Context& ctx) {
  BaselineOptions options;
  options.version = args.version;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  options.yes = ctx.Confirm(**migrator, args.yes);
  auto report = (*migrator)->Baseline(options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else if (report->versions.empty()) {
    ctx.Print(fmt::format("Nothing to baseline: every migration up to {} is already applied.\n", report->version));
  } else {
    std::string out;
    for (const auto& v : report->versions) out += fmt::format("  baseline  {}\n", v);
    out += fmt::format("Marked {} as applied up to {} without running them (batch {}).\n",
                       Plural(report->versions.size(), "migration"), report->version, report->batch);
    ctx.Print(out);
  }
  return {};
}
}  // namespace

Command AddBaseline(CLI::App& root) {
  auto args = std::make_shared<BaselineArgs>();
  CLI::App* sub = root.add_subcommand("baseline", "Mark every migration up to VERSION as applied without running it");
  sub->footer(
      "For a database whose schema already exists (created before strata, or restored):\n"
      "records each migration up to and including VERSION as applied, in one batch,\n"
      "without executing its SQL. In a protected environment it asks for the\n"
      "environment's name on a terminal, or needs --yes.");
  sub->add_option("VERSION", args->version, "Last version to mark as applied")->required()->type_name("");
  sub->add_flag("-y,--yes", args->yes, "Confirm in a protected environment");
  return {sub, [args](Context& ctx) { return RunBaseline(*args, ctx); }};
}

}  // namespace strata::cli
