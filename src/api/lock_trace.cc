#include "api/lock_trace.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <map>
#include <set>

#include "sql/lock_rows.h"

namespace strata::api {
namespace {

// The relations a statement can lock, read or rewrite: every user relation,
// with what the trace compares (file, scans) and its parent (partition or
// INHERITS parent, or the table owning a sequence).
constexpr const char* kRelationsSql =
    "SELECT c.oid::text, CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END,"
    " c.relkind::text, pg_relation_filenode(c.oid)::text,"
    " (coalesce(s.seq_scan, 0) + coalesce(s.idx_scan, 0))::text,"
    " coalesce((SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid LIMIT 1),"
    "  (SELECT d.refobjid FROM pg_depend d WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass"
    "   AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1),"
    "  (SELECT x.indrelid FROM pg_index x WHERE x.indexrelid = c.oid))::text"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " LEFT JOIN pg_stat_xact_user_tables s ON s.relid = c.oid"
    " WHERE c.relkind IN ('r', 'p', 'm', 'v', 'S', 'f', 'i', 'I')"
    " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
    " AND n.nspname NOT LIKE 'pg\\_temp%'";

constexpr const char* kLocksSql =
    "SELECT relation::text, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

sql::LockMode ModeOf(const std::string& mode) {
  static const std::map<std::string, sql::LockMode> kModes = {
      {"AccessShareLock", sql::LockMode::kAccessShare},
      {"RowShareLock", sql::LockMode::kRowShare},
      {"RowExclusiveLock", sql::LockMode::kRowExclusive},
      {"ShareUpdateExclusiveLock", sql::LockMode::kShareUpdateExclusive},
      {"ShareLock", sql::LockMode::kShare},
      {"ShareRowExclusiveLock", sql::LockMode::kShareRowExclusive},
      {"ExclusiveLock", sql::LockMode::kExclusive},
      {"AccessExclusiveLock", sql::LockMode::kAccessExclusive}};
  auto it = kModes.find(mode);
  return it == kModes.end() ? sql::LockMode::kNone : it->second;
}

std::string Text(const driver::Row& row, size_t i) { return i < row.size() && row[i] ? *row[i] : std::string(); }

int64_t ToInt(const std::string& text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

std::string Abbreviate(std::string_view statement) {
  size_t eol = statement.find('\n');
  std::string line(statement.substr(0, eol));
  bool more = eol != std::string_view::npos;
  if (line.size() > 80) {
    line.resize(77);
    more = true;
  }
  return more ? line + " ..." : line;
}

// SAVEPOINT, RELEASE and ROLLBACK TO stay inside the trace's transaction;
// BEGIN, COMMIT and ROLLBACK would end it.
bool Savepoint(std::string_view text) {
  std::string upper;
  for (char c : text.substr(0, 40)) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.rfind("SAVEPOINT", 0) == 0 || upper.rfind("RELEASE", 0) == 0 ||
         (upper.rfind("ROLLBACK", 0) == 0 && upper.find(" TO ") != std::string::npos);
}

std::string OidByName(const std::map<std::string, std::string>& names, const std::string& name) {
  auto it = names.find(name);
  return it == names.end() ? "" : it->second;
}

bool IsTable(char kind) { return kind == 'r' || kind == 'p' || kind == 'm'; }
bool IsIndex(char kind) { return kind == 'i' || kind == 'I'; }

// What the rows of a statement say the trace cannot check about rewrites.
std::string TraceNote(const sql::StatementInfo& predicted) {
  for (const auto& id : predicted.forms) {
    const sql::LockRow* row = sql::FindLockRow(id);
    if (row != nullptr && !row->trace_note.empty()) return std::string(row->trace_note);
  }
  return "";
}

}  // namespace

Result<std::unique_ptr<LockTracer>> LockTracer::Begin(driver::Connection& conn, const std::string& lock_timeout) {
  std::unique_ptr<LockTracer> t(new LockTracer(conn));
  Status s = conn.Begin();
  if (!s.ok()) return s.With("starting the trace's transaction");
  t->open_ = true;
  t->lock_timeout_ = lock_timeout;
  if (!lock_timeout.empty()) {
    s = conn.ExecScript("SET LOCAL lock_timeout = '" + lock_timeout + "'");
    if (!s.ok()) return s.With("setting the trace's lock_timeout");
  }
  auto rel = t->Relations();
  if (!rel.ok()) return rel.status();
  t->snapshot_ = std::move(*rel);
  for (const auto& [oid, r] : t->snapshot_) t->existing_.insert(oid);
  auto locks = t->HeldLocks();
  if (!locks.ok()) return locks.status();
  t->locks_ = std::move(*locks);
  return t;
}

LockTracer::~LockTracer() { (void)Rollback(); }

Status LockTracer::Rollback() {
  if (!open_) return Status::Ok();
  open_ = false;
  return conn_.Rollback();
}

Result<LockTracer::Snapshot> LockTracer::Relations() {
  auto rows = conn_.Query(kRelationsSql);
  if (!rows.ok()) return rows.status().With("reading relations for the trace");
  Snapshot out;
  for (const auto& r : rows->rows) {
    Relation rel;
    rel.name = Text(r, 1);
    rel.kind = Text(r, 2).empty() ? 'r' : Text(r, 2)[0];
    rel.filenode = Text(r, 3);
    rel.scans = ToInt(Text(r, 4));
    rel.parent = Text(r, 5);
    out[Text(r, 0)] = std::move(rel);
  }
  return out;
}

Result<LockTracer::Locks> LockTracer::HeldLocks() {
  auto rows = conn_.Query(kLocksSql);
  if (!rows.ok()) return rows.status().With("reading pg_locks for the trace");
  Locks out;
  for (const auto& r : rows->rows) out.insert({Text(r, 0), Text(r, 1)});
  return out;
}

TraceMigration LockTracer::Trace(const TraceInput& m) {
  TraceMigration out;
  out.version = m.version;
  out.name = m.name;
  out.file = m.file;
  if (m.no_transaction) {
    out.note = "not traced: a no-transaction migration runs each statement on its own, which a trace would commit";
    return out;
  }
  if (m.predicted == nullptr) {
    out.note = "not traced: the file does not parse";
    return out;
  }
  out.traced = !failed_;
  if (failed_) out.note = "not traced: an earlier statement failed";
  for (const sql::StatementInfo& p : *m.predicted) {
    std::string_view text = m.sql.substr(std::min(p.offset, m.sql.size()), p.length);
    TraceStatement st;
    if (failed_) {
      st.status = "not traced: an earlier statement failed";
    } else if (p.kind == "TRANSACTION" && !Savepoint(text)) {
      st.status = "not traced: transaction control (the trace runs the file in a transaction of its own)";
    } else if (!p.in_transaction) {
      st.status = "not traced: runs outside a transaction";
    } else {
      // Again before every statement: a migration's own SET LOCAL
      // lock_timeout (even = 0) must not let the trace queue behind traffic.
      Status s = lock_timeout_.empty() ? Status::Ok()
                                       : conn_.ExecScript("SET LOCAL lock_timeout = '" + lock_timeout_ + "'");
      if (s.ok()) s = conn_.ExecScript(std::string(text));
      if (!s.ok()) {
        failed_ = true;
        st.status = "failed: " + s.message();
      } else {
        auto after = Relations();
        auto locks = HeldLocks();
        if (!after.ok() || !locks.ok()) {
          failed_ = true;
          st.status = "failed: " + (after.ok() ? locks.status() : after.status()).message();
        } else {
          Locks taken;
          std::set_difference(locks->begin(), locks->end(), locks_.begin(), locks_.end(),
                              std::inserter(taken, taken.end()));
          TraceStatement compared = Compare(p, snapshot_, *after, taken);
          compared.status = "traced";
          st = std::move(compared);
          snapshot_ = std::move(*after);
          locks_ = std::move(*locks);
        }
      }
    }
    st.line = p.line;
    st.kind = p.kind;
    st.text = Abbreviate(text);
    st.forms = p.forms;
    out.statements.push_back(std::move(st));
  }
  return out;
}

TraceStatement LockTracer::Compare(const sql::StatementInfo& predicted, const Snapshot& before, const Snapshot& after,
                                   const Locks& taken) {
  TraceStatement st;
  std::map<std::string, std::string> oid_of;  // name before the statement -> oid
  for (const auto& [oid, r] : before) oid_of[r.name] = oid;
  auto name_of = [&](const std::string& oid) {
    auto it = before.find(oid);
    if (it != before.end()) return it->second.name;
    auto now = after.find(oid);
    return now != after.end() ? now->second.name : oid;
  };
  auto kind_of = [&](const std::string& oid) {
    auto it = before.find(oid);
    return it != before.end() ? it->second.kind : 'r';
  };
  std::map<std::string, sql::LockMode> observed;
  for (const auto& [oid, mode] : taken) {
    if (!existing_.count(oid)) continue;  // made inside the trace: nobody else's yet
    observed[oid] = std::max(observed[oid], ModeOf(mode));
  }
  auto lock = [&](const std::string& name, sql::LockMode mode, sql::LockMode want, std::string verdict) {
    TraceLock l;
    l.relation = name;
    l.mode = mode == sql::LockMode::kNone ? "" : std::string(sql::ToString(mode));
    l.predicted = want == sql::LockMode::kNone ? "" : std::string(sql::ToString(want));
    l.blocks_reads = sql::BlocksReads(mode);
    l.blocks_writes = sql::BlocksWrites(mode);
    l.verdict = std::move(verdict);
    st.locks.push_back(std::move(l));
  };
  // What earlier statements of the transaction hold already: a statement
  // that asks for it again shows nothing new.
  std::map<std::string, sql::LockMode> held;
  for (const auto& [oid, mode] : locks_) held[oid] = std::max(held[oid], ModeOf(mode));
  std::map<std::string, sql::LockMode> predicted_oids;
  for (const sql::RelationLock& p : predicted.locks) {
    std::string oid = OidByName(oid_of, p.relation);
    if (oid.empty() || !existing_.count(oid)) continue;
    predicted_oids[oid] = p.mode;
    auto it = observed.find(oid);
    sql::LockMode got = it == observed.end() ? sql::LockMode::kNone : it->second;
    if (got < p.mode && held[oid] >= p.mode) {
      lock(p.relation, held[oid], p.mode, "held earlier");
    } else if (got == p.mode) {
      ++st.confirmed;
      lock(p.relation, got, p.mode, "confirmed");
    } else {
      lock(p.relation, got, p.mode, "mismatch");
      st.mismatches.push_back(predicted.kind + ": the lock table predicts " + std::string(sql::ToString(p.mode)) +
                              " on " + p.relation + ", PostgreSQL took " +
                              (got == sql::LockMode::kNone ? std::string("no lock on it") : std::string(sql::ToString(got))));
    }
  }
  for (const auto& [oid, mode] : observed) {
    if (predicted_oids.count(oid)) continue;
    char kind = kind_of(oid);
    if (IsIndex(kind)) continue;  // comes with its table's lock
    // A partition, child or owned sequence of a relation locked as predicted.
    std::string up = before.count(oid) ? before.at(oid).parent : "";
    bool via_parent = false;
    for (int depth = 0; !up.empty() && depth < 32; ++depth) {
      auto p = predicted_oids.find(up);
      if (p != predicted_oids.end() && p->second >= mode) via_parent = true;
      up = before.count(up) ? before.at(up).parent : "";
    }
    if (via_parent) {
      lock(name_of(oid), mode, sql::LockMode::kNone, "via parent");
    } else if (sql::BlocksWrites(mode)) {
      lock(name_of(oid), mode, sql::LockMode::kNone, "mismatch");
      st.mismatches.push_back(predicted.kind + ": PostgreSQL took " + std::string(sql::ToString(mode)) + " on " +
                              name_of(oid) + ", which the lock table does not predict");
    } else {
      lock(name_of(oid), mode, sql::LockMode::kNone, "unpredicted");
    }
  }
  // Rewrites (a table with a new file) and scans (its read counters grew).
  for (const auto& [oid, r] : before) {
    auto now = after.find(oid);
    if (!existing_.count(oid) || !IsTable(r.kind) || now == after.end()) continue;
    if (now->second.filenode != r.filenode) st.rewritten.push_back(r.name);
    if (now->second.scans > r.scans) st.scanned.push_back(r.name);
  }
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  auto existing_table = [&](const std::string& name) {
    std::string oid = OidByName(oid_of, name);
    return !oid.empty() && existing_.count(oid) && IsTable(kind_of(oid));
  };
  std::string note = TraceNote(predicted);
  for (const auto& r : predicted.rewrites) {
    if (!existing_table(r)) continue;
    if (has(st.rewritten, r)) {
      ++st.confirmed;
    } else if (note.empty()) {
      st.mismatches.push_back(predicted.kind + ": the lock table predicts a rewrite of " + r +
                              ", PostgreSQL kept its file");
    }
  }
  for (const auto& r : st.rewritten) {
    if (!has(predicted.rewrites, r)) {
      st.mismatches.push_back(predicted.kind + ": PostgreSQL rewrote " + r + ", which the lock table does not predict");
    }
  }
  for (const auto& r : predicted.scans) {
    if (!existing_table(r)) continue;
    if (has(st.scanned, r)) {
      ++st.confirmed;
    } else if (note.empty()) {
      st.mismatches.push_back(predicted.kind + ": the lock table predicts a scan of " + r + ", PostgreSQL read none");
    }
  }
  for (const auto& r : st.scanned) {
    std::string oid = OidByName(oid_of, r);
    auto held = observed.find(oid);
    if (!has(predicted.scans, r) && held != observed.end() && sql::BlocksWrites(held->second)) {
      st.mismatches.push_back(predicted.kind + ": PostgreSQL read " + r + " while holding " +
                              std::string(sql::ToString(held->second)) + ", a scan the lock table does not predict");
    }
  }
  return st;
}

}  // namespace strata::api
