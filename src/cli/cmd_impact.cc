// strata impact [VERSION...]: what pending migrations create, change or drop,
// and the lines of a notes file that mention it (Migrator::Impact).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct ImpactArgs {
  std::vector<std::string> versions;
  std::string notes;
};

// "column users.email (type text)", "index users_email_idx on users"
std::string Describe(const ImpactChange& c) {
  std::string what = c.kind + " " + (c.name.empty() ? "(unnamed)" : c.name);
  if ((c.kind == "index" || c.kind == "constraint") && !c.table.empty()) what += " on " + c.table;
  if (!c.detail.empty()) what += " (" + c.detail + ")";
  return what;
}

std::string RenderText(const ImpactReport& report) {
  std::string out;
  size_t notes = 0;
  for (const auto& m : report.migrations) {
    out += fmt::format("{}  {}\n", m.name.empty() ? m.version : m.version + "_" + m.name, m.file);
    if (m.changes.empty()) out += "  no table, column, index or constraint changes found\n";
    for (const auto& c : m.changes) {
      out += fmt::format("  {:<9} {:<60} line {}\n", c.action, Describe(c), c.line);
    }
    if (m.unparsed > 0) {
      out += fmt::format("  ({} not understood, not analysed)\n", Plural(m.unparsed, "statement"));
    }
    for (const auto& n : m.notes) {
      out += fmt::format("  note {}:{}: {}\n", n.file, n.line, n.text);
    }
    notes += m.notes.size();
  }
  if (report.migrations.empty()) {
    out += "Nothing to analyse: no pending migrations.\n";
  } else if (!report.notes_file.empty()) {
    out += fmt::format("{}; {} of {} {} what {}.\n", Plural(report.migrations.size(), "migration"),
                       Plural(notes, "line"), report.notes_file, notes == 1 ? "mentions" : "mention",
                       report.migrations.size() == 1 ? "it touches" : "they touch");
  } else {
    out += fmt::format("{} (no notes file: set impact_notes in strata.toml or pass --notes).\n",
                       Plural(report.migrations.size(), "migration"));
  }
  return out;
}

Outcome RunImpact(const ImpactArgs& args, Context& ctx) {
  ImpactOptions options;
  options.versions = args.versions;
  options.notes_file = args.notes;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Impact(options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else {
    ctx.Print(RenderText(*report));
  }
  return {};
}
}  // namespace

Command AddImpact(CLI::App& root) {
  auto args = std::make_shared<ImpactArgs>();
  CLI::App* sub =
      root.add_subcommand("impact", "Show what pending migrations change, and the notes that mention it");
  sub->footer(
      "For each pending migration (or each VERSION given): the tables, columns, indexes,\n"
      "constraints and views it creates, alters, renames or drops, the tables whose rows it\n"
      "writes, with the line of each statement; then the lines of the notes file (a bug\n"
      "list, open issues: impact_notes in strata.toml, or --notes) that mention any of\n"
      "them, as file:line (whole words, any case; a column also by its bare name). Reads\n"
      "only; pending migrations need the database, given versions do not.");
  sub->add_option("VERSION", args->versions, "Migrations to analyse; default the pending ones")->type_name("");
  sub->add_option("--notes", args->notes, "Notes file to search; overrides impact_notes")->type_name("FILE");
  return {sub, [args](Context& ctx) { return RunImpact(*args, ctx); }};
}

}  // namespace strata::cli
