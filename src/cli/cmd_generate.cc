// strata generate NAME: the next migration pair, from the migrations'
// schema to schema.sql (Migrator::Generate). Asks about possible renames on
// a terminal.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct GenerateArgs {
  std::vector<std::string> words;
  GenerateOptions options;
  bool sequence = false;
  bool timestamp = false;
};

// "Is users.email renamed to users.mail? [y/N] "; a table: "Is table users
// renamed to customers? [y/N] ". Anything but y/yes (or end of input) is no.
bool AskRename(const SchemaRename& r) {
  if (r.table.empty()) {
    WriteErr(fmt::format("Is table {} renamed to {}? [y/N] ", r.from, r.to));
  } else {
    WriteErr(fmt::format("Is {}.{} renamed to {}.{}? [y/N] ", r.table, r.from, r.table, r.to));
  }
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "Yes";
}

std::string ChangeLines(const std::vector<SchemaChange>& changes) {
  std::string out;
  for (const auto& c : changes) {
    out += "  " + c.summary;
    if (c.destructive) out += "  (DESTRUCTIVE: " + c.destructive_reason + ")";
    out += "\n";
  }
  return out;
}

Outcome RunGenerate(GenerateArgs& args, Context& ctx) {
  if (args.sequence && args.timestamp) {
    return Status::InvalidArgument("use only one of --sequence and --timestamp")
        .WithHint("run 'strata generate --help' for usage");
  }
  GenerateOptions options = args.options;
  for (const auto& w : args.words) options.name += (options.name.empty() ? "" : " ") + w;
  if (args.sequence) options.style = "sequence";
  if (args.timestamp) options.style = "timestamp";
  bool interactive = StdinIsTerminal() && !ctx.json();
  if (interactive) options.confirm_rename = AskRename;
  DropDevDatabasesOnSignal();
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Generate(options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  if (!interactive) {
    for (const auto& r : report->rename_candidates) {
      WriteErr(fmt::format("warning: {} may be a rename, generated as a drop and an add (data loss); "
                           "pass --rename {} to rename instead\n",
                           ToString(r), ToString(r)));
    }
  }
  if (!report->generated) {
    ctx.Print("Nothing to generate: the migrations already produce the schema file.\n");
    return {};
  }
  bool destructive = false;
  for (const auto& c : report->changes) destructive = destructive || c.destructive;
  if (destructive) WriteErr("warning: the migration loses data; see the DESTRUCTIVE comments in the up file\n");
  ctx.Print(fmt::format("created  {}\ncreated  {}\n{}", report->up_path, report->down_path, ChangeLines(report->changes)));
  return {};
}
}  // namespace

Command AddGenerate(CLI::App& root) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* sub = root.add_subcommand("generate", "Write the next migration pair from schema.sql");
  sub->footer(
      "Replays the migrations in a throwaway dev database, loads the schema file\n"
      "(schema.sql, or `schema` in strata.toml) in another, and writes the up file\n"
      "that turns the first into the second and the down file that undoes it, numbered\n"
      "like `strata new`. Before printing the paths it replays every migration plus\n"
      "the new pair in a fresh dev database and checks the result; if that fails, the\n"
      "files are deleted. Prints \"Nothing to generate\" when there is no change.\n"
      "A dropped and an added column (or table) that look like a rename: on a terminal\n"
      "strata asks; otherwise it keeps the drop and add, warns, and takes --rename\n"
      "hints. Every statement that loses data is marked -- DESTRUCTIVE in the file.\n"
      "Dev databases: SQLite in memory; PostgreSQL strata_dev_<random> created on the\n"
      "server of --dev-url (or dev_url in strata.toml) and dropped afterwards.");
  sub->add_option("NAME", args->words, "Name of the migration (one or more words)")->required()->type_name("");
  sub->add_option("--rename", args->options.renames, "Rename instead of drop + add: TABLE.OLD=NEW or OLD=NEW (repeatable)")
      ->type_name("HINT");
  sub->add_option("--schema", args->options.schema_file, "Desired schema file (default: `schema` in strata.toml, schema.sql)")
      ->type_name("FILE");
  sub->add_option("--dev-url", args->options.dev_url, "PostgreSQL server for dev databases (overrides dev_url)")
      ->type_name("URL");
  sub->add_flag("--sequence", args->sequence, "Number versions 0001, 0002, ...");
  sub->add_flag("--timestamp", args->timestamp, "Version by UTC timestamp (the default)");
  return {sub, [args](Context& ctx) { return RunGenerate(*args, ctx); }};
}

}  // namespace strata::cli
