// strata plan: what `up` would run, with locks and lint findings
// (Migrator::Plan). Touches nothing. Exits 4 when lint errors would block
// `up` in this environment.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/json.h"

namespace strata::cli {

namespace {

struct PlanArgs {
  std::string to;
  bool out_of_order = false;
  std::vector<std::string> allow;
  bool no_semantic = false;
  std::string dev_url;
  bool trace = false;
};

// "in a transaction, foreign keys off" / "no transaction".
std::string Mode(const PlanMigration& m) {
  std::string out = m.no_transaction ? "no transaction: each statement on its own" : "in a transaction";
  if (m.foreign_keys_off) out += ", foreign keys off";
  return out;
}

std::string RenderMigration(const PlanMigration& m, const Style& style) {
  std::string out =
      fmt::format("{}  {} ({})\n", style.Paint(m.version + "_" + m.name, Color::kBold), m.file, Mode(m));
  for (const auto& note : m.notes) out += fmt::format("  note: {}\n", note);
  if (!m.refused.empty()) out += fmt::format("  {} {}\n", style.Paint("refused:", Color::kRed), m.refused);
  for (const auto& s : m.statements) {
    out += fmt::format("  {:>4}  {}\n", s.line, s.text);
    for (const auto& lock : s.locks) out += fmt::format("        lock: {} on {}\n", lock.mode, lock.relation);
  }
  if (m.statements_omitted > 0) {
    out += fmt::format("        ... and {} more data statements (INSERT, UPDATE, DELETE, ...) of {} in all\n",
                       m.statements_omitted, m.statements_total);
  }
  for (const auto& f : m.findings) {
    // file:line:column as `strata lint` prints it.
    out += fmt::format("  {} {}:{}:{}: {}: {}\n", style.Paint(ToString(f.severity), SeverityColor(f.severity)), f.file,
                       f.line, f.column, style.Paint(f.rule, Color::kBold), f.message);
    out += fmt::format("    hint: {}\n", f.hint);
  }
  return out;
}

std::string RenderText(const PlanReport& report, const Style& style) {
  if (report.migrations.empty()) return "Nothing to apply.\n";
  std::string out;
  for (const auto& m : report.migrations) out += RenderMigration(m, style) + "\n";
  std::string lint = fmt::format("{}, {}, {}", Plural(report.errors, "error"), Plural(report.warnings, "warning"),
                                 Plural(report.infos, "info", "infos"));
  if (report.allowed > 0) lint += fmt::format(" ({} allowed)", report.allowed);
  std::string semantic = report.semantic ? "semantic check done" : "semantic check skipped: " + report.semantic_skipped;
  out += fmt::format("{} pending; lint: {}; {}.\n", Plural(report.migrations.size(), "migration"), lint, semantic);
  if (!report.pooler.empty()) out += fmt::format("Connection: {}.\n", report.pooler);
  if (report.traced) out += RenderTrace(report.trace, style);
  if (report.dialect == "postgres") {
    auto timeout = [](int64_t ms) { return ms > 0 ? FormatDuration(ms) : std::string("server default"); };
    out += fmt::format("Timeouts per statement: lock_timeout {}, statement_timeout {}.\n",
                       timeout(report.lock_timeout_ms), timeout(report.statement_timeout_ms));
  }
  std::string env = report.environment.empty() ? "" : " in environment '" + report.environment + "'";
  if (report.refused) {
    out += fmt::format("`strata up` would refuse{} before running anything (see `refused:` above).\n", env);
  } else if (report.blocked) {
    out += fmt::format("`strata up` would refuse{} ({}).\n", env,
                       report.lint_policy == "error" ? "lint = \"error\""
                                                     : "an error of a rule that blocks under every lint policy");
  }
  return out;
}

Outcome RunPlan(const PlanArgs& args, Context& ctx) {
  PlanOptions options;
  if (!args.to.empty()) options.to = args.to;
  options.out_of_order = args.out_of_order;
  options.allow = args.allow;
  options.semantic = !args.no_semantic;
  options.dev_url = args.dev_url;
  options.trace = args.trace;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Plan(options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else {
    ctx.Print(RenderText(*report, ctx.style()));
  }
  if (report->refused) return Outcome::Exit(ExitCode(Status::Code::kValidation));
  return report->blocked ? Outcome::Exit(ExitCode(Status::Code::kLint)) : Outcome();
}

}  // namespace

Command AddPlan(CLI::App& root) {
  auto args = std::make_shared<PlanArgs>();
  CLI::App* sub = root.add_subcommand("plan", "Show what `up` would run, with locks and lint findings");
  sub->footer(
      "Lists each pending migration: its statements (file:line), whether it runs in a\n"
      "transaction, the lock each statement takes on PostgreSQL, and its lint findings,\n"
      "including the semantic check (the migrations replayed in a dev database: SQLite\n"
      "in memory, PostgreSQL on dev_url). Reads the tracking table only: no lock, no\n"
      "writes. Exits 4 when lint errors would block `up` here (lint = \"error\").\n"
      "\n"
      "--trace (PostgreSQL) runs the pending migrations inside a transaction that is\n"
      "rolled back: in a dev database on dev_url (the applied migrations replayed\n"
      "first), or without one on the target itself, under lock_timeout (the\n"
      "environment's, else 2s) so that it never queues behind traffic; its locks are\n"
      "held until the rollback. Per statement it shows the locks PostgreSQL took\n"
      "(pg_locks of its own backend), which block reads or writes, and the tables\n"
      "rewritten (a new relfilenode) or scanned, each prediction marked confirmed or\n"
      "mismatch; a mismatch is a lock-trace-mismatch finding. No-transaction\n"
      "migrations are listed as not traced.");
  sub->add_option("--to", args->to, "Plan up to and including this version")->type_name("VERSION");
  sub->add_flag("--out-of-order", args->out_of_order, "Also plan pending migrations older than the newest applied one");
  sub->add_option("--allow", args->allow, "Lint rule that may not block (repeatable); see docs/lint/")
      ->type_name("RULE");
  sub->add_flag("--no-semantic", args->no_semantic, "Skip the semantic check (no dev database)");
  sub->add_option("--dev-url", args->dev_url, "PostgreSQL server for the dev database (default: dev_url)")
      ->type_name("URL");
  sub->add_flag("--trace", args->trace,
                "PostgreSQL: run the pending migrations in a rolled-back transaction and check the predicted locks");
  return {sub, [args](Context& ctx) { return RunPlan(*args, ctx); }};
}

}  // namespace strata::cli
