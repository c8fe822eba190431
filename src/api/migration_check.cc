// Migrator::Test: every migration's down checked against its up in a dev
// database: up, inspect, down, inspect, compare with the schema before the
// up, then up again (so the next migration starts where it would in real
// life, and an up that cannot run twice after its down is caught too).
#include "api/migrator_impl.h"
#include "api/schema_compare.h"
#include "api/schema_support.h"

namespace strata::api {
namespace {

std::string Label(const source::Migration& m) { return m.version + "_" + m.name; }

MigrationTestResult ResultFor(const source::Migration& m, MigrationTestState state, std::string message = "") {
  MigrationTestResult r;
  r.version = m.version;
  r.name = m.name;
  r.state = state;
  r.message = std::move(message);
  return r;
}

// One migration's round trip; the database holds everything before it.
// Returns false when the database is no longer where the next migration
// expects it (the caller then skips the rest). A failing up is an error.
Result<bool> Check(DevDatabase& dev, const source::Migration& m, MigrationTestResult* out) {
  auto before = dev.Inspect();
  if (!before.ok()) return before.status();
  Status s = dev.ApplyUp(m);
  if (!s.ok()) return s.With("up " + Label(m));
  if (!m.down_sql) {
    *out = ResultFor(m, MigrationTestState::kNoDown, "no down file");
    return true;
  }
  s = dev.ApplyDown(m);
  if (!s.ok()) {
    // A transactional down rolled back: the database is as after the up, so
    // later migrations can still be tested. A no-transaction one may have
    // stopped half way.
    *out = ResultFor(m, MigrationTestState::kFailed, "down failed: " + s.ToString());
    return !m.down_annotations.no_transaction;
  }
  auto after = dev.Inspect();
  if (!after.ok()) return after.status();
  bool postgres = dev.conn().dialect() == driver::Dialect::kPostgres;
  out->differences =
      CompareSchemas(*before, *after, DownWords(postgres ? schema::Dialect::kPostgres : schema::Dialect::kSqlite));
  bool restored = out->differences.empty();
  s = dev.ApplyUp(m);
  if (!s.ok()) {
    auto differences = std::move(out->differences);
    *out = ResultFor(m, MigrationTestState::kFailed, "up after down failed: " + s.ToString());
    out->differences = std::move(differences);
    return false;
  }
  if (!restored) {
    auto differences = std::move(out->differences);
    *out = ResultFor(m, MigrationTestState::kFailed, "down does not restore the schema");
    out->differences = std::move(differences);
    return true;
  }
  *out = ResultFor(m, MigrationTestState::kOk);
  return true;
}

}  // namespace

Result<TestReport> MigratorImpl::Test(const TestOptions& options) {
  auto migrations = LoadForReplay(config_.dir);
  if (!migrations.ok()) return Scrub(migrations.status());
  auto dialect = EnvironmentDialect(config_);
  if (!dialect.ok()) return Scrub(dialect.status());
  TestReport report;
  if (migrations->empty()) return report;
  auto dev = DevDatabase::Create(MakeDevTarget(config_, *dialect, options.dev_url));
  if (!dev.ok()) return Scrub(dev.status());
  bool usable = true;
  for (const auto& m : *migrations) {
    if (!usable) {
      report.migrations.push_back(ResultFor(m, MigrationTestState::kSkipped, "not tested: an earlier migration failed"));
      continue;
    }
    MigrationTestResult result;
    auto next = Check(**dev, m, &result);
    if (!next.ok()) return Scrub(next.status());
    usable = *next;
    if (result.state == MigrationTestState::kFailed) ++report.failed;
    report.migrations.push_back(std::move(result));
  }
  Status s = (*dev)->Drop();
  if (!s.ok()) return Scrub(s);
  return report;
}

}  // namespace strata::api
