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
      "NAME may be several words (\"add user email\" -> add_user_email).\n"
      "The version follows the folder: after sequence numbers (0012_...) it is the next\n"
      "number (0013), after timestamps a new UTC timestamp (YYYYMMDDHHMMSS).\n"
      "--sequence and --timestamp choose only in a folder without migrations yet;\n"
      "there the default is a timestamp.");
  sub->add_option("NAME", args->words, "Name of the migration (one or more words)")->required()->type_name("");
  sub->add_flag("--sequence", args->sequence, "In an empty folder: number versions 0001, 0002, ...");
  sub->add_flag("--timestamp", args->timestamp, "In an empty folder: version by UTC timestamp (the default there)");
  return {sub, [args](Context& ctx) { return RunNew(*args, ctx); }};
}

}  // namespace strata::cli
