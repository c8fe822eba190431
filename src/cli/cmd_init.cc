// strata init: scaffold strata.toml, migrations/ and schema.sql (strata::Init).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct InitArgs {
  std::string url;
};

Outcome RunInit(const InitArgs& args, Context& ctx) {
  InitOptions options;
  options.url = args.url.empty() ? ctx.global().url : args.url;
  auto report = Init(options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  std::string out;
  for (const auto& path : report->created) out += fmt::format("created  {}\n", path);
  for (const auto& path : report->skipped) out += fmt::format("skipped  {} (already exists)\n", path);
  if (!report->created.empty()) out += "Next: strata new create_users\n";
  ctx.Print(out);
  return {};
}
}  // namespace

Command AddInit(CLI::App& root) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* sub = root.add_subcommand("init", "Scaffold strata.toml, migrations/ and schema.sql here");
  sub->footer(
      "Creates strata.toml (with a dev environment), an empty migrations/ folder and\n"
      "schema.sql in the current directory. Never overwrites a file: existing ones are\n"
      "reported as skipped.");
  sub->add_option("--url", args->url, "URL of the dev environment; default sqlite:dev.db")->type_name("URL");
  return {sub, [args](Context& ctx) { return RunInit(*args, ctx); }};
}

}  // namespace strata::cli
