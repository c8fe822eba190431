// strata lint: safety findings for migration files (Migrator::Lint), as
// text, JSON or GitHub workflow annotations. Exits 4 when any finding is an
// error.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/fleet.h"
#include "cli/json.h"

namespace strata::cli {

namespace {

struct LintArgs {
  std::vector<std::string> files;
  std::string format = "text";
  std::vector<std::string> allow;
  std::string dialect;
  bool idempotent = false;
  bool table_sizes = false;
  bool semantic = false;
  std::string dev_url;
  bool trace = false;
  FleetFlags fleet;
};

std::string Summary(const LintReport& report) {
  std::string counts = fmt::format("{}, {}, {}", Plural(report.errors, "error"), Plural(report.warnings, "warning"),
                                   Plural(report.infos, "info", "infos"));
  std::string out = fmt::format("{} in {} ({})", Plural(report.findings.size(), "finding"),
                                Plural(report.files, "file"), counts);
  if (report.allowed > 0) out += fmt::format("; {} allowed", report.allowed);
  return out + ".\n";
}

// file:line:col: severity rule: message, then the hint indented.
std::string RenderText(const LintReport& report, const Style& style) {
  std::string out;
  for (const auto& e : report.empty) {
    out += fmt::format("{}: empty: no SQL yet, nothing to lint (`up` refuses until it has SQL)\n", e);
  }
  if (report.findings.empty()) {
    out += fmt::format("OK: no findings in {}", Plural(report.files, "file"));
    if (!report.empty.empty()) out += fmt::format(", {} empty", report.empty.size());
    if (report.allowed > 0) out += fmt::format(" ({} allowed)", report.allowed);
    return out + ".\n";
  }
  for (const auto& f : report.findings) {
    out += fmt::format("{}:{}:{}: {} {}: {}\n", f.file, f.line, f.column,
                       style.Paint(ToString(f.severity), SeverityColor(f.severity)), style.Paint(f.rule, Color::kBold),
                       f.message);
    out += fmt::format("  hint: {}\n", f.hint);
  }
  return out + Summary(report);
}

// GitHub's workflow command escaping: data escapes %, CR, LF; property
// values also ':' and ','.
std::string Escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderGithub(const LintReport& report) {
  std::string out;
  for (const auto& f : report.findings) {
    const char* level = f.severity == LintSeverity::kError     ? "error"
                        : f.severity == LintSeverity::kWarning ? "warning"
                                                               : "notice";
    out += fmt::format("::{} file={},line={},col={},title={}::{}\n", level, Escape(f.file, true), f.line, f.column,
                       Escape(f.rule, true), Escape(f.message + " (hint: " + f.hint + ")", false));
  }
  return out;
}

Outcome RunLint(const LintArgs& args, Context& ctx) {
  std::string format = ctx.json() ? "json" : args.format;
  if (format != "text" && format != "json" && format != "github") {
    return Status::InvalidArgument("unknown --format '" + args.format + "'").WithHint("use text, json or github");
  }
  LintOptions options;
  options.files = args.files;
  options.allow = args.allow;
  options.dialect = args.dialect;
  options.require_idempotent = args.idempotent;
  options.use_database = args.table_sizes;
  options.semantic = args.semantic;
  options.dev_url = args.dev_url;
  options.trace = args.trace;
  if (Status s = CheckFleetFlags(args.fleet); !s.ok()) return s;
  if (args.fleet.active()) {
    if (format == "github") {
      return Status::InvalidArgument("--format github cannot be combined with --targets or --fleet")
          .WithHint("use --json for one document with every target's findings");
    }
    FleetOptions fleet;
    fleet.command = FleetCommand::kLint;
    fleet.lint = options;
    FleetFlags flags = args.fleet;
    flags.json = format == "json";
    return RunFleet(ctx, flags, std::move(fleet));
  }
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Lint(options);
  if (!report.ok()) return report.status();
  if (format == "json") {
    ctx.PrintJson(ToJson(*report));
  } else if (format == "github") {
    WriteOut(RenderGithub(*report));  // annotations are the point: never --quiet
  } else {
    ctx.Print(RenderText(*report, ctx.style()));
    if (report->traced) ctx.Print(RenderTrace(report->trace, ctx.style()));
  }
  return report->ok() ? Outcome() : Outcome::Exit(ExitCode(Status::Code::kLint));
}

}  // namespace

Command AddLint(CLI::App& root) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* sub = root.add_subcommand("lint", "Check migrations for dangerous SQL (locks, data loss, ...)");
  sub->footer(
      "Parses each migration with PostgreSQL's parser and reports statements that\n"
      "lose data, break running code, fail on existing data, lock tables for long\n"
      "on PostgreSQL, or cannot run in a transaction. Rules and their safe forms:\n"
      "docs/lint/. Silence a rule in one migration with -- strata:allow RULE.\n"
      "Without FILES, lints every migration in the directory. The dialect comes\n"
      "from the configured URL (PostgreSQL without one). Exits 4 on any error.\n"
      "--trace (PostgreSQL, needs dev_url or --dev-url) runs each migration in a dev\n"
      "database inside a transaction that is rolled back, then applies it for the\n"
      "next, and checks every statement's predicted locks, rewrites and scans\n"
      "against PostgreSQL's pg_locks and relfilenodes (see `strata plan --help`).\n"
      "With --targets FILE or --fleet NAME: lints for each listed database (its dialect,\n"
      "--table-sizes from it); a target with errors counts as failed.");
  sub->add_option("files", args->files, "Up files to lint (default: every migration)")->type_name("FILE");
  sub->add_option("--format", args->format, "Output: text (default), json or github (workflow annotations)")
      ->type_name("FORMAT");
  sub->add_option("--allow", args->allow, "Silence a rule id (repeatable)")->type_name("RULE");
  sub->add_option("--dialect", args->dialect, "postgres or sqlite; default from the URL")->type_name("DIALECT");
  sub->add_flag("--idempotent", args->idempotent, "Also report DDL that fails when run twice");
  sub->add_flag("--table-sizes", args->table_sizes,
                "Read table sizes from the database (PostgreSQL); small tables get warnings, not errors");
  sub->add_flag("--semantic", args->semantic,
                "Also replay the migrations in a dev database and report what each one drops or narrows");
  sub->add_option("--dev-url", args->dev_url,
                  "PostgreSQL server for the --semantic / --trace dev database (default: dev_url)")
      ->type_name("URL");
  sub->add_flag("--trace", args->trace,
                "PostgreSQL: trace each migration's locks in a dev database and check the predictions");
  AddFleetFlags(sub, args->fleet);
  return {sub, [args](Context& ctx) { return RunLint(*args, ctx); }};
}

}  // namespace strata::cli
