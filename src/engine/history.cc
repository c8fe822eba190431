#include "engine/history.h"

#include <algorithm>

#include <strata/redact.h>
#include <strata/types.h>

#include "source/migration.h"
#include "util/clock.h"

namespace strata::engine {
namespace {

using driver::Dialect;
using driver::Value;

Value Int(std::optional<int64_t> v) { return v ? Value(std::to_string(*v)) : Value(); }

int64_t ToInt(const Value& v) {
  if (!v || v->empty()) return 0;
  try {
    return std::stoll(*v);
  } catch (...) {
    return 0;
  }
}

}  // namespace

History::History(driver::Connection& conn, TableNames names, std::string environment)
    : conn_(conn),
      names_(std::move(names)),
      environment_(std::move(environment)),
      actor_(util::UserAtHost()),
      host_(util::HostName()) {}

std::string History::Qualify(const std::string& table) const {
  if (names_.schema.empty()) return driver::QuoteIdent(table);
  return driver::QuoteIdent(names_.schema) + "." + driver::QuoteIdent(table);
}
std::string History::migrations_table() const { return Qualify(names_.migrations); }
std::string History::events_table() const { return Qualify(names_.events); }
std::string History::lock_table() const { return Qualify(names_.lock); }

Status History::Ensure() {
  bool pg = conn_.dialect() == Dialect::kPostgres;
  std::string ts = pg ? "TIMESTAMPTZ" : "TEXT";
  // SQLite: a plain rowid key. Events are never deleted, so ids never repeat,
  // and AUTOINCREMENT would cost a sqlite_sequence write in every commit.
  std::string id = pg ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY";
  std::string script;
  if (pg && !names_.schema.empty()) {
    script += "CREATE SCHEMA IF NOT EXISTS " + driver::QuoteIdent(names_.schema) + ";\n";
  }
  script += "CREATE TABLE IF NOT EXISTS " + migrations_table() +
            " (\n"
            "  version TEXT PRIMARY KEY,\n"
            "  name TEXT NOT NULL,\n"
            "  checksum TEXT NOT NULL,\n"
            "  down_sql TEXT,\n"
            "  down_checksum TEXT,\n"
            "  batch BIGINT NOT NULL,\n"
            "  applied_at " + ts + " NOT NULL,\n"
            "  applied_by TEXT NOT NULL,\n"
            "  duration_ms BIGINT NOT NULL,\n"
            "  state TEXT NOT NULL DEFAULT 'clean' CHECK (state IN ('clean', 'dirty')),\n"
            "  strata_version TEXT NOT NULL\n"
            ");\n";
  script += "CREATE TABLE IF NOT EXISTS " + events_table() +
            " (\n"
            "  id " + id + ",\n"
            "  occurred_at " + ts + " NOT NULL,\n"
            "  kind TEXT NOT NULL,\n"
            "  outcome TEXT NOT NULL,\n"
            "  version TEXT,\n"
            "  name TEXT,\n"
            "  batch BIGINT,\n"
            "  duration_ms BIGINT,\n"
            "  actor TEXT NOT NULL,\n"
            "  db_user TEXT,\n"
            "  host TEXT NOT NULL,\n"
            "  environment TEXT,\n"
            "  strata_version TEXT NOT NULL,\n"
            "  error TEXT,\n"
            "  statement TEXT,\n"
            "  detail TEXT\n"
            ");\n";
  auto exists = Exists();
  if (!exists.ok()) return exists.status();
  if (*exists) {
    // Only the event table may be missing (e.g. renamed in strata.toml).
    auto events = conn_.TableExists(names_.schema, names_.events);
    if (events.ok() && *events) return Status::Ok();
  }
  // SQLite: both tables in one transaction (one commit on a fresh file, not
  // one per table). PostgreSQL runs a script as one transaction already.
  bool own_transaction = !pg && !conn_.in_transaction();
  Status s = own_transaction ? conn_.Begin() : Status::Ok();
  if (s.ok()) s = conn_.ExecScript(script);
  if (own_transaction && s.ok()) s = conn_.Commit();
  if (own_transaction && !s.ok() && conn_.in_transaction()) (void)conn_.Rollback();
  // "schema ... already exists, skipping" is strata's, not a migration's.
  (void)conn_.TakeNotices();
  if (!s.ok()) return s.With("create the tracking tables");
  return Status::Ok();
}

Result<bool> History::Exists() { return conn_.TableExists(names_.schema, names_.migrations); }

Result<std::vector<AppliedRow>> History::Load(bool with_down_sql) {
  auto exists = Exists();
  if (!exists.ok()) return exists.status();
  if (!*exists) return std::vector<AppliedRow>{};
  std::string applied_at = conn_.dialect() == Dialect::kPostgres
                               ? "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                               : "applied_at";
  std::string down_sql = with_down_sql ? "down_sql" : "CASE WHEN down_sql IS NULL THEN NULL ELSE '' END";
  auto rows = conn_.Query("SELECT version, name, checksum, " + down_sql + ", down_checksum, batch, " + applied_at +
                          ", applied_by, duration_ms, state, strata_version FROM " + migrations_table() + " ORDER BY version");
  if (!rows.ok()) return rows.status().With("read " + names_.migrations);
  std::vector<AppliedRow> out;
  out.reserve(rows->rows.size());
  auto take = [](Value& v) { return v ? std::move(*v) : std::string(); };
  for (auto& r : rows->rows) {
    AppliedRow a;
    a.version = take(r[0]);
    a.name = take(r[1]);
    a.checksum = take(r[2]);
    a.down_sql = std::move(r[3]);
    a.down_checksum = take(r[4]);
    a.batch = ToInt(r[5]);
    a.applied_at = take(r[6]);
    a.applied_by = take(r[7]);
    a.duration_ms = ToInt(r[8]);
    a.dirty = r[9].value_or("clean") == "dirty";
    a.strata_version = take(r[10]);
    out.push_back(std::move(a));
  }
  // Usually already in order (versions of one width sort as text): check
  // before sorting.
  auto less = [](const AppliedRow& x, const AppliedRow& y) { return source::CompareVersions(x.version, y.version) < 0; };
  if (!std::is_sorted(out.begin(), out.end(), less)) std::sort(out.begin(), out.end(), less);
  return out;
}

Result<std::optional<AppliedRow>> History::Find(const std::string& version) {
  auto rows = conn_.Query("SELECT version, state, batch, checksum FROM " + migrations_table() + " WHERE version = $1",
                          {version});
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return std::optional<AppliedRow>();
  AppliedRow a;
  a.version = rows->rows[0][0].value_or("");
  a.dirty = rows->rows[0][1].value_or("") == "dirty";
  a.batch = ToInt(rows->rows[0][2]);
  a.checksum = rows->rows[0][3].value_or("");
  return std::optional<AppliedRow>(std::move(a));
}

Result<int64_t> History::MaxBatch() {
  auto rows = conn_.Query("SELECT COALESCE(MAX(batch), 0) FROM " + migrations_table());
  if (!rows.ok()) return rows.status();
  return rows->rows.empty() ? 0 : ToInt(rows->rows[0][0]);
}

namespace {
// "$first, $first+1, ..., $first+count-1"
std::string Placeholders(size_t first, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? ", $" : "$") + std::to_string(first + i);
  return out;
}
}  // namespace

History::Statement History::InsertStatement(const AppliedRow& row, size_t first) {
  Statement st;
  st.params = {row.version, row.name, row.checksum, row.down_sql,
               row.down_sql ? Value(row.down_checksum) : Value(), std::to_string(row.batch),
               row.applied_at.empty() ? util::NowRfc3339() : row.applied_at,
               row.applied_by.empty() ? actor_ : row.applied_by, std::to_string(row.duration_ms),
               std::string(row.dirty ? "dirty" : "clean"), std::string(Version())};
  st.sql = "INSERT INTO " + migrations_table() +
           " (version, name, checksum, down_sql, down_checksum, batch, applied_at, applied_by, duration_ms, state,"
           " strata_version) VALUES (" + Placeholders(first, st.params.size()) + ")";
  return st;
}

History::Statement History::DeleteStatement(const std::string& version, size_t first) {
  return {"DELETE FROM " + migrations_table() + " WHERE version = $" + std::to_string(first), {version}};
}

History::Statement History::EventStatement(const EventRecord& e, size_t first, EventRow* row) {
  auto redacted = [](const std::optional<std::string>& s) -> Value {
    if (!s) return Value();
    return Redact(*s);
  };
  Statement st;
  std::string now = util::NowRfc3339(true);
  if (row) {
    *row = {e, now, actor_, DbUser(), host_, environment_, std::string(Version())};
    if (e.error) row->record.error = Redact(*e.error);
    if (e.statement) row->record.statement = Redact(*e.statement);
  }
  st.params = {now, e.kind, e.outcome, e.version.empty() ? Value() : Value(e.version),
               e.name.empty() ? Value() : Value(e.name), Int(e.batch), Int(e.duration_ms), actor_,
               Value(DbUser()), host_, environment_.empty() ? Value() : Value(environment_),
               std::string(Version()), redacted(e.error), redacted(e.statement), e.detail};
  st.sql = "INSERT INTO " + events_table() +
           " (occurred_at, kind, outcome, version, name, batch, duration_ms, actor, db_user, host, environment,"
           " strata_version, error, statement, detail) VALUES (" + Placeholders(first, st.params.size()) + ")";
  return st;
}

Status History::WithEvent(const Statement& change, const EventRecord& event, const std::string& what) {
  if (conn_.dialect() == Dialect::kPostgres) {
    // One round trip instead of two: on PostgreSQL each statement of a
    // migration's bookkeeping is a network round trip, and they add up over
    // a thousand migrations.
    EventRow row;
    Statement e = EventStatement(event, change.params.size() + 1, &row);
    std::vector<Value> params = change.params;
    params.insert(params.end(), e.params.begin(), e.params.end());
    auto r = conn_.Query("WITH change AS (" + change.sql + ") " + e.sql, params);
    Notify(row);
    return r.ok() ? Status::Ok() : r.status().With(what);
  }
  auto r = conn_.Query(change.sql, change.params);
  if (!r.ok()) return r.status().With(what);
  return RecordEvent(event);
}

Status History::Insert(const AppliedRow& row) {
  Statement st = InsertStatement(row, 1);
  auto r = conn_.Query(st.sql, st.params);
  return r.ok() ? Status::Ok() : r.status().With("record " + row.version + " in " + names_.migrations);
}

Status History::InsertWithEvent(const AppliedRow& row, const EventRecord& event) {
  return WithEvent(InsertStatement(row, 1), event, "record " + row.version + " in " + names_.migrations);
}

Status History::DeleteWithEvent(const std::string& version, const EventRecord& event) {
  return WithEvent(DeleteStatement(version, 1), event, "remove " + version + " from " + names_.migrations);
}

Status History::MarkClean(const std::string& version, int64_t duration_ms) {
  auto r = conn_.Query("UPDATE " + migrations_table() + " SET state = 'clean', duration_ms = $2 WHERE version = $1",
                       {version, std::to_string(duration_ms)});
  return r.ok() ? Status::Ok() : r.status();
}

Status History::MarkDirty(const std::string& version) {
  auto r = conn_.Query("UPDATE " + migrations_table() + " SET state = 'dirty' WHERE version = $1", {version});
  return r.ok() ? Status::Ok() : r.status();
}

Status History::Delete(const std::string& version) {
  Statement st = DeleteStatement(version, 1);
  auto r = conn_.Query(st.sql, st.params);
  return r.ok() ? Status::Ok() : r.status();
}

Status History::UpdateFromFile(const std::string& version, const std::string& name, const std::string& checksum,
                               const std::optional<std::string>& down_sql, const std::string& down_checksum) {
  auto r = conn_.Query("UPDATE " + migrations_table() +
                           " SET name = $2, checksum = $3, down_sql = $4, down_checksum = $5 WHERE version = $1",
                       {version, name, checksum, down_sql, down_sql ? Value(down_checksum) : Value()});
  return r.ok() ? Status::Ok() : r.status();
}

const std::string& History::DbUser() {
  if (!db_user_) db_user_ = conn_.session_user();
  return *db_user_;
}

Status History::RecordEvent(const EventRecord& e) {
  EventRow row;
  Statement st = EventStatement(e, 1, &row);
  auto r = conn_.Query(st.sql, st.params);
  Notify(row);
  return r.ok() ? Status::Ok() : r.status().With("record event in " + names_.events);
}

void History::Notify(const EventRow& row) {
  if (observer_) observer_->OnEventRow(row, conn_.in_transaction());
}

}  // namespace strata::engine
