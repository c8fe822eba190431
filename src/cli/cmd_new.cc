// strata new NAME: create the next empty up/down pair (Migrator::New).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct NewArgs {
  std::vector<std::string> words;
  bool sequence = false;
  bool timestamp = false;
};

Outcome RunNew(const NewArgs& args, Context& ctx) {
  if (args.sequence && args.timestamp) {
    return Status::InvalidArgument("use only one of --sequence and --timestamp")
        .WithHint("run 'strata new --help' for usage");
  }
  NewOptions options;
  for (const auto& w : args.words) options.name += (options.name.empty() ? "" : " ") + w;
  if (args.sequence) options.style = "sequence";
  if (args.timestamp) options.style = "timestamp";
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->New(options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  ctx.Print(fmt::format("created  {}\ncreated  {}\n", report->up_path, report->down_path));
  return {};
}
}  // namespace

Command AddNew(CLI::App& root) {
  auto args = std::make_shared<NewArgs>();
  CLI::App* sub = root.add_subcommand("new", "Create the next empty up/down migration pair");
  sub->footer(
      "Creates VERSION_NAME.up.sql and VERSION_NAME.down.sql in the migrations directory.\n"
      "NAME may be several words (\"add user email\" -> add_user_email). The version is a\n"
      "UTC timestamp (YYYYMMDDHHMMSS) or the next sequence number; a directory that\n"
      "already uses one style keeps it.");
  sub->add_option("NAME", args->words, "Name of the migration (one or more words)")->required()->type_name("");
  sub->add_flag("--sequence", args->sequence, "Number versions 0001, 0002, ...");
  sub->add_flag("--timestamp", args->timestamp, "Version by UTC timestamp (the default)");
  return {sub, [args](Context& ctx) { return RunNew(*args, ctx); }};
}

}  // namespace strata::cli
