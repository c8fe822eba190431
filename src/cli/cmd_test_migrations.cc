// strata test (file not named cmd_test.cc: the build treats *_test.cc as unit tests):
// each migration up, down, up again in a dev database; the
// schema after down must equal the one before up (Migrator::Test).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct TestArgs {
  TestOptions options;
};

std::string Render(const TestReport& report, const Style& style) {
  std::string out;
  int no_down = 0;
  for (const auto& m : report.migrations) {
    std::string label = m.version + "_" + m.name;
    switch (m.state) {
      case MigrationTestState::kOk:
        out += style.Paint("ok     ", Color::kGreen) + "  " + label + "\n";
        break;
      case MigrationTestState::kNoDown:
        ++no_down;
        out += style.Paint("no down", Color::kYellow) + "  " + label + "  (up checked only)\n";
        break;
      case MigrationTestState::kSkipped:
        out += style.Paint("skipped", Color::kDim) + "  " + label + "  (" + m.message + ")\n";
        break;
      case MigrationTestState::kFailed:
        out += style.Paint("FAILED ", Color::kRed) + "  " + label + ": " + m.message + "\n";
        for (const auto& d : m.differences) out += "           " + d.ToString() + "\n";
        break;
    }
  }
  size_t n = report.migrations.size();
  if (n == 0) return "No migrations to test.\n";
  if (report.failed > 0) {
    out += fmt::format("{} of {} failed.\n", report.failed, Plural(n, "migration"));
  } else {
    out += fmt::format("{} tested: every down restores the schema", Plural(n, "migration"));
    out += no_down > 0 ? fmt::format(" ({} without a down file).\n", no_down) : ".\n";
  }
  return out;
}

Outcome RunTest(const TestArgs& args, Context& ctx) {
  DropDevDatabasesOnSignal();
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Test(args.options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else {
    ctx.Print(Render(*report, ctx.style()));
  }
  return Outcome::Exit(report->ok() ? kExitOk : ExitCode(Status::Code::kValidation));
}
}  // namespace

Command AddTest(CLI::App& root) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* sub = root.add_subcommand("test", "Check every migration's down in a throwaway database (exit 6 on failure)");
  sub->footer(
      "In a throwaway dev database, for each migration in version order: inspect, up,\n"
      "down, inspect, compare with the schema before the up, then up again. Names every\n"
      "migration whose down fails or does not restore the schema, and what differs;\n"
      "exits 6 when any does. A migration without a down file is reported (\"no down\")\n"
      "but does not fail. A failing up is an error (exit 1) naming file:line.\n"
      "Dev databases: SQLite in memory; PostgreSQL strata_dev_<random> created on the\n"
      "server of --dev-url (or dev_url in strata.toml) and dropped afterwards.");
  sub->add_option("--dev-url", args->options.dev_url, "PostgreSQL server for dev databases (overrides dev_url)")
      ->type_name("URL");
  return {sub, [args](Context& ctx) { return RunTest(*args, ctx); }};
}

}  // namespace strata::cli
