// Shared fixture for integration tests: one real database per test (a SQLite
// file in a temp dir, or a fresh database on the test PostgreSQL server), a
// migrations folder, and helpers to run the strata binary or the library
// against them. Tests are instantiated for both engines.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "testing/test_support.h"

namespace strata::integration {

class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (pg()) {
      pg_ = std::make_unique<testing::ScopedPgDatabase>();
      ASSERT_TRUE(pg_->ok());
      url_ = pg_->url();
    } else {
      url_ = "sqlite:" + dir_.Path("app.db");
    }
  }

  bool pg() const { return GetParam() == "postgres"; }
  const std::string& url() const { return url_; }
  std::string migrations() const { return dir_.Path("migrations"); }
  void Write(const std::string& file, const std::string& sql) const { dir_.Write("migrations/" + file, sql); }

  // Runs `strata ARGS --url URL --dir DIR` in the temp dir.
  testing::CommandResult Strata(std::vector<std::string> args, testing::CommandOptions options = {}) const {
    args.insert(args.end(), {"--url", url_, "--dir", migrations()});
    if (options.cwd.empty()) options.cwd = dir_.path();
    return testing::RunStrata(args, options);
  }

  std::vector<std::string> Rows(const std::string& sql) const { return testing::QueryRows(url_, sql); }

  bool HasTable(const std::string& table) const {
    std::string sql = pg() ? "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '" + table + "'"
                           : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'";
    auto rows = Rows(sql);
    return !rows.empty() && rows[0] == "1";
  }

  // Versions recorded in the tracking table, with their state: "0001:clean".
  std::vector<std::string> Recorded() const {
    if (!HasTable("strata_migrations")) return {};
    return Rows("SELECT version || ':' || state FROM strata_migrations ORDER BY version");
  }

  // Everything a user could see change: every table's columns and every
  // tracking row (events excluded: failures are recorded on purpose).
  std::string Snapshot() const {
    std::string sql =
        pg() ? "SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns"
               " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
             : "SELECT type || ':' || name || ':' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name";
    std::string out;
    for (const auto& r : Rows(sql)) out += r + "\n";
    if (HasTable("strata_migrations")) {
      for (const auto& r : Rows("SELECT version || '|' || checksum || '|' || state || '|' || batch FROM "
                                "strata_migrations ORDER BY version"))
        out += r + "\n";
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ScopedPgDatabase> pg_;
  std::string url_;
};

inline std::string EngineName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace strata::integration
