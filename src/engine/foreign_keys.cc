#include "engine/foreign_keys.h"

#include <string>

#include "engine/transaction_control.h"

namespace strata::engine {

ForeignKeysOff::ForeignKeysOff(driver::Connection& conn, bool wanted) : conn_(conn) {
  if (!wanted || conn_.dialect() != driver::Dialect::kSqlite) return;
  // Restored as it was, not forced on: an embedding application may run
  // with foreign keys off on purpose.
  auto now = conn_.Query("PRAGMA foreign_keys");
  if (!now.ok()) {
    status_ = now.status();
    return;
  }
  if (now->rows.empty() || now->rows[0].empty() || now->rows[0][0].value_or("0") == "0") return;  // off already
  status_ = conn_.ExecScript("PRAGMA foreign_keys = OFF");
  active_ = status_.ok();
}

ForeignKeysOff::~ForeignKeysOff() {
  if (!active_) return;
  Status s = conn_.ExecScript("PRAGMA foreign_keys = ON");
  (void)s;  // the connection is going away or broken; nothing better to do
}

Status CheckForeignKeys(driver::Connection& conn) {
  if (conn.dialect() != driver::Dialect::kSqlite) return Status::Ok();
  // Columns: table, rowid, parent, fkid.
  auto rows = conn.Query("PRAGMA foreign_key_check");
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return Status::Ok();
  std::string detail;
  size_t shown = 0;
  for (const auto& row : rows->rows) {
    if (shown == 5) break;
    if (!detail.empty()) detail += "; ";
    detail += "table " + row[0].value_or("?") + " row " + row[1].value_or("(no rowid)") + " references a missing row in " +
              row[2].value_or("?");
    ++shown;
  }
  if (rows->rows.size() > shown) detail += "; and " + std::to_string(rows->rows.size() - shown) + " more";
  return Status::Validation(std::to_string(rows->rows.size()) + " foreign key violation" +
                            (rows->rows.size() == 1 ? "" : "s") + " after the migration: " + detail)
      .WithHint("the migration was rolled back; fix or delete the rows that reference missing parents, then run it again");
}

Status ApplyScript(driver::Connection& conn, std::string_view sql, const source::Annotations& annotations) {
  if (annotations.no_transaction) return conn.ExecEach(std::string(sql));
  // The file's own BEGIN/COMMIT wrapper and foreign-key pragmas mean here
  // what they mean to the runner.
  auto prepared = PrepareScript(sql, annotations.foreign_keys_off,
                                conn.dialect() == driver::Dialect::kSqlite ? sql::Dialect::kSqlite
                                                                           : sql::Dialect::kPostgres,
                                "", "the migration");
  if (!prepared.ok()) return prepared.status();
  ForeignKeysOff fk(conn, prepared->foreign_keys_off);
  if (!fk.status().ok()) return fk.status();
  Status s = conn.Begin();
  if (!s.ok()) return s;
  s = conn.ExecScript(std::string(prepared->text()));
  if (s.ok() && prepared->foreign_keys_off) s = CheckForeignKeys(conn);
  if (s.ok()) s = conn.Commit();
  if (!s.ok()) {
    Status r = conn.Rollback();
    (void)r;
  }
  return s;
}

}  // namespace strata::engine
