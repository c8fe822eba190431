// Lint throughput: strata::sql::Lint over a large generated migration set,
// against bare libpg_query parsing of the same text (pg_query_parse, the
// JSON parse tree, and pg_query_parse_protobuf). Target: lint within 1.5x of
// the bare parse. BM_ParseConvert is the part of lint that parses: the raw
// parse and the conversion to the structs the rules read (sql/pg_convert.h).
// Run with
//   build/bench/strata_bench --benchmark_filter=Lint --benchmark_min_time=1
// BM_Lint also reports the ratio to both bare parses as counters.
#include <benchmark/benchmark.h>
#include <pg_query.h>

#include <time.h>

#include <string>
#include <vector>

#include "sql/lint.h"
#include "sql/pg_convert.h"
#include "sql/pg_tree.h"

namespace strata {
namespace {

// Migration `i` of the set: a realistic mix of DDL and data changes, most of
// them on tables created by earlier migrations (so the rules have work),
// about 500 bytes each.
std::string LintMigrationSql(int i) {
  std::string t = "t" + std::to_string(i - i % 5);
  std::string n = std::to_string(i);
  switch (i % 5) {
    case 0:
      return "-- a table\nCREATE TABLE " + t +
             " (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL DEFAULT 'x;y',\n"
             "  price numeric(10,2),\n  owner_id bigint REFERENCES users (id),\n"
             "  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX " +
             t + "_name ON " + t + " (name);\n";
    case 1:
      return "SET lock_timeout = '5s';\nALTER TABLE " + t + " ADD COLUMN note" + n +
             " text DEFAULT 'it''s';\nALTER TABLE " + t + " ADD CONSTRAINT " + t + "_price CHECK (price >= 0) NOT VALID;\n";
    case 2:
      return "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY ix" + n + " ON " + t + " (price, created_at);\n";
    case 3:
      return "INSERT INTO " + t + " (name, price) VALUES\n  ('a', 1.50),\n  ('b /* not a comment */', 2);\n"
             "UPDATE " + t + " SET price = price * 2 WHERE name = 'a' AND created_at < now() - interval '1 day';\n";
    default:
      return "SET lock_timeout = '5s';\nALTER TABLE " + t + " ALTER COLUMN name TYPE varchar(200);\n"
             "CREATE VIEW v" + n + " AS SELECT id, name, price FROM " + t + " WHERE price > 0;\n"
             "DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t + " WHERE price IS NULL LIMIT 100);\n";
  }
}

struct MigrationSet {
  std::vector<std::string> sql;
  std::vector<sql::LintMigration> inputs;
  size_t bytes = 0;
};

const MigrationSet& LargeSet() {
  static const MigrationSet* set = [] {
    auto* s = new MigrationSet();
    const int count = 5000;
    s->sql.reserve(count + 1);
    s->sql.push_back("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n");
    for (int i = 0; i < count; ++i) s->sql.push_back(LintMigrationSql(i));
    for (size_t i = 0; i < s->sql.size(); ++i) {
      sql::LintMigration m;
      m.version = std::to_string(i + 1);
      m.name = "m" + std::to_string(i + 1);
      m.file = m.version + "_" + m.name + ".up.sql";
      m.sql = s->sql[i];
      m.no_transaction = s->sql[i].rfind("-- strata:no-transaction", 0) == 0;
      s->inputs.push_back(std::move(m));
      s->bytes += s->sql[i].size();
    }
    return s;
  }();
  return *set;
}

// One pass of the bare parser over every migration; returns statements seen
// (so the work is not optimised away).
size_t ParseJsonOnce(const MigrationSet& set) {
  size_t n = 0;
  for (const auto& sql : set.sql) {
    PgQueryParseResult r = pg_query_parse(sql.c_str());
    n += r.error == nullptr ? 1 : 0;
    pg_query_free_parse_result(r);
  }
  return n;
}

size_t ParseProtobufOnce(const MigrationSet& set) {
  size_t n = 0;
  for (const auto& sql : set.sql) {
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
    n += r.error == nullptr ? r.parse_tree.len : 0;
    pg_query_free_protobuf_parse_result(r);
  }
  return n;
}

size_t ParseConvertOnce(const MigrationSet& set) {
  size_t n = 0;
  for (const auto& sql : set.sql) {
    sql::ParsedScript::Arena arena;
    ProtobufCAllocator allocator{[](void* a, size_t size) { return static_cast<sql::ParsedScript::Arena*>(a)->Alloc(size); },
                                 [](void*, void*) {}, &arena};
    StrataPgParse r = strata_pg_parse(sql.c_str(), &allocator);
    n += r.n_stmts;
    if (r.error != nullptr) strata_pg_free_error(r.error);
  }
  return n;
}

// CPU time of this thread: on a shared machine wall-clock ratios mostly
// measure the other processes.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double SecondsOf(size_t (*fn)(const MigrationSet&), const MigrationSet& set, int reps) {
  double start = CpuSeconds();
  for (int i = 0; i < reps; ++i) benchmark::DoNotOptimize(fn(set));
  return (CpuSeconds() - start) / reps;
}

void BM_ParseJson(benchmark::State& state) {
  const MigrationSet& set = LargeSet();
  for (auto _ : state) benchmark::DoNotOptimize(ParseJsonOnce(set));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(set.bytes));
}
BENCHMARK(BM_ParseJson)->Unit(benchmark::kMillisecond);

void BM_ParseProtobuf(benchmark::State& state) {
  const MigrationSet& set = LargeSet();
  for (auto _ : state) benchmark::DoNotOptimize(ParseProtobufOnce(set));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(set.bytes));
}
BENCHMARK(BM_ParseProtobuf)->Unit(benchmark::kMillisecond);

void BM_ParseConvert(benchmark::State& state) {
  const MigrationSet& set = LargeSet();
  for (auto _ : state) benchmark::DoNotOptimize(ParseConvertOnce(set));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(set.bytes));
}
BENCHMARK(BM_ParseConvert)->Unit(benchmark::kMillisecond);

// The whole lint: parse, convert, lock table, schema state, every rule.
void BM_Lint(benchmark::State& state) {
  const MigrationSet& set = LargeSet();
  sql::LintOptions options;
  size_t findings = 0;
  double start = CpuSeconds();
  for (auto _ : state) {
    sql::LintResult r = sql::Lint(set.inputs, options);
    findings = r.findings.size();
    benchmark::DoNotOptimize(r);
  }
  double lint_s = (CpuSeconds() - start) / static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(set.bytes));
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["MiB"] = static_cast<double>(set.bytes) / (1024.0 * 1024.0);
  // The ratio to the bare parses (CPU time), measured right here so that
  // both sides see the same machine load.
  state.counters["x_parse_json"] = lint_s / SecondsOf(ParseJsonOnce, set, 3);
  state.counters["x_parse_protobuf"] = lint_s / SecondsOf(ParseProtobufOnce, set, 3);
}
BENCHMARK(BM_Lint)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata
