// Micro-benchmarks for the parts of every strata command that do not touch a
// database: reading a migrations directory (list, read, checksum, parse
// annotations) and splitting a script into statements. Run with
//   build/bench/strata_bench --benchmark_min_time=1
// bench/apply measures whole commands against real databases.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>  // mkdtemp
#include <filesystem>
#include <fstream>
#include <string>

#include "source/migration.h"
#include "sql/split.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

// The SQL of migration `i`: a realistic mix, like bench/apply generates.
std::string MigrationSql(int i) {
  switch (i % 4) {
    case 0:
      return "-- a table\nCREATE TABLE t" + std::to_string(i) +
             " (\n  id INTEGER PRIMARY KEY,\n  name VARCHAR(100) NOT NULL DEFAULT 'x;y',\n"
             "  price NUMERIC(10,2),\n  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP\n);\n";
    case 1:
      return "ALTER TABLE t" + std::to_string(i - 1) + " ADD COLUMN note TEXT DEFAULT 'it''s';\n";
    case 2:
      return "-- strata:no-transaction\nCREATE INDEX ix" + std::to_string(i) + " ON t" + std::to_string(i - 2) +
             " (name);\n";
    default:
      return "INSERT INTO t" + std::to_string(i - 3) + " (id, name) VALUES\n  (1, 'a'),\n  (2, 'b /* not a comment */');\n";
  }
}

// A directory of `count` up/down pairs, created once per process and removed
// at exit.
class MigrationDir {
 public:
  explicit MigrationDir(int count) {
    char tmpl[] = "/tmp/strata-source-bench.XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    path_ = tmpl;
    for (int i = 1; i <= count; ++i) {
      char version[16];
      std::snprintf(version, sizeof(version), "%04d", i);
      std::string base = path_ + "/" + version + "_migration_" + std::to_string(i);
      std::ofstream(base + ".up.sql") << MigrationSql(i);
      std::ofstream(base + ".down.sql") << "-- undo\nSELECT 1;\n";
    }
  }
  ~MigrationDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  MigrationDir(const MigrationDir&) = delete;
  MigrationDir& operator=(const MigrationDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The whole directory, as every command reads it.
void BM_LoadMigrations(benchmark::State& state) {
  static MigrationDir dir(1000);
  size_t loaded = 0;
  for (auto _ : state) {
    auto set = source::LoadMigrations(dir.path());
    if (!set.ok() || !set->problems.empty()) {
      state.SkipWithError("LoadMigrations failed");
      return;
    }
    loaded = set->migrations.size();
    benchmark::DoNotOptimize(set);
  }
  state.counters["migrations"] = static_cast<double>(loaded);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(loaded));
}
BENCHMARK(BM_LoadMigrations)->Unit(benchmark::kMillisecond);

// One large script: the 1,000 migrations above concatenated (about 100 KiB),
// as `strata up --single-transaction` or a big generated migration sees it.
std::string LargeScript() {
  std::string script;
  for (int i = 1; i <= 1000; ++i) script += MigrationSql(i);
  return script;
}

void BM_Split(benchmark::State& state, sql::Dialect dialect) {
  static const std::string script = LargeScript();
  size_t statements = 0;
  for (auto _ : state) {
    auto parts = sql::Split(script, dialect);
    if (!parts.ok()) {
      state.SkipWithError("Split failed");
      return;
    }
    statements = parts->size();
    benchmark::DoNotOptimize(parts);
  }
  state.counters["statements"] = static_cast<double>(statements);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(script.size()));
}
BENCHMARK_CAPTURE(BM_Split, sqlite, sql::Dialect::kSqlite)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Split, postgres, sql::Dialect::kPostgres)->Unit(benchmark::kMillisecond);

// Checksums are taken of every file on every command.
void BM_Checksum(benchmark::State& state) {
  static const std::string script = LargeScript();
  for (auto _ : state) benchmark::DoNotOptimize(source::Checksum(script));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(script.size()));
}
BENCHMARK(BM_Checksum)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace strata
