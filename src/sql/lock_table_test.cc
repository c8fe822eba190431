#include <gtest/gtest.h>

#include <string>

#include "sql/lint.h"

namespace strata::sql {
namespace {

// "users=SHARE orders=ACCESS SHARE" for the single statement in `sql`.
std::string Locks(const std::string& sql) {
  auto r = AnalyzePostgres(sql, /*no_transaction=*/false);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || r->empty()) return "";
  std::string out;
  for (const RelationLock& l : r->back().locks) {
    if (!out.empty()) out += " ";
    out += l.relation + "=" + std::string(ToString(l.mode));
  }
  return out;
}

TEST(LockTableTest, CommonStatements) {
  EXPECT_EQ(Locks("SELECT * FROM users JOIN orders ON true"), "users=ACCESS SHARE orders=ACCESS SHARE");
  EXPECT_EQ(Locks("SELECT * FROM users FOR UPDATE"), "users=ROW SHARE");
  EXPECT_EQ(Locks("INSERT INTO users (id) VALUES (1)"), "users=ROW EXCLUSIVE");
  EXPECT_EQ(Locks("UPDATE users SET a = 1 FROM orders WHERE true"), "users=ROW EXCLUSIVE orders=ACCESS SHARE");
  EXPECT_EQ(Locks("DELETE FROM users WHERE id = 1"), "users=ROW EXCLUSIVE");
  EXPECT_EQ(Locks("CREATE INDEX i ON users (a)"), "users=SHARE");
  EXPECT_EQ(Locks("CREATE INDEX CONCURRENTLY i ON users (a)"), "users=SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(Locks("ALTER TABLE users ADD COLUMN a text"), "users=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("ALTER TABLE orders ADD FOREIGN KEY (u) REFERENCES users (id)"),
            "orders=SHARE ROW EXCLUSIVE users=SHARE ROW EXCLUSIVE");
  EXPECT_EQ(Locks("ALTER TABLE orders VALIDATE CONSTRAINT fk"), "orders=SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(Locks("ALTER TABLE orders SET (fillfactor = 70)"), "orders=SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(Locks("ALTER TABLE orders DISABLE TRIGGER ALL"), "orders=SHARE ROW EXCLUSIVE");
  EXPECT_EQ(Locks("ALTER TABLE orders ADD CHECK (a > 0), DISABLE TRIGGER ALL"), "orders=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("CREATE TABLE t (id bigint, u bigint REFERENCES users)"), "users=SHARE ROW EXCLUSIVE");
  // A self-reference locks only the new table: nothing anyone waits for.
  EXPECT_EQ(Locks("CREATE TABLE t (id bigint PRIMARY KEY, parent bigint REFERENCES t, u bigint REFERENCES users)"),
            "users=SHARE ROW EXCLUSIVE");
  EXPECT_EQ(Locks("CREATE TABLE app.t (id bigint PRIMARY KEY, FOREIGN KEY (id) REFERENCES app.t (id))"), "");
  EXPECT_EQ(Locks("DROP TABLE users, orders"), "users=ACCESS EXCLUSIVE orders=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("TRUNCATE users"), "users=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("ALTER TABLE users RENAME TO people"), "users=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("ALTER INDEX i RENAME TO j"), "i=SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(Locks("VACUUM users"), "users=SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(Locks("VACUUM FULL users"), "users=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("ANALYZE users"), "users=SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(Locks("CLUSTER users USING i"), "users=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("REFRESH MATERIALIZED VIEW mv"), "mv=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("REFRESH MATERIALIZED VIEW CONCURRENTLY mv"), "mv=EXCLUSIVE");
  EXPECT_EQ(Locks("REINDEX TABLE users"), "users=SHARE");
  EXPECT_EQ(Locks("REINDEX TABLE CONCURRENTLY users"), "users=SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(Locks("CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f()"),
            "users=SHARE ROW EXCLUSIVE");
  EXPECT_EQ(Locks("LOCK TABLE users IN SHARE MODE"), "users=SHARE");
  EXPECT_EQ(Locks("LOCK TABLE users"), "users=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("CREATE TABLE app.t (id bigint)"), "");
  EXPECT_EQ(Locks("ALTER TABLE app.users ADD COLUMN a text"), "app.users=ACCESS EXCLUSIVE");
}

TEST(LockTableTest, DropIndexLocksItsTableWhenKnown) {
  EXPECT_EQ(Locks("CREATE INDEX i ON users (a); DROP INDEX i"), "users=ACCESS EXCLUSIVE i=ACCESS EXCLUSIVE");
  EXPECT_EQ(Locks("CREATE INDEX i ON users (a); DROP INDEX CONCURRENTLY i"),
            "users=SHARE UPDATE EXCLUSIVE i=SHARE UPDATE EXCLUSIVE");
  EXPECT_EQ(Locks("CREATE INDEX i ON users (a); REINDEX INDEX i"), "users=SHARE i=ACCESS EXCLUSIVE");
}

TEST(AnalyzeTest, KindsLocationsAndTransactions) {
  std::string sql =
      "-- strata:no-transaction\n"
      "CREATE INDEX CONCURRENTLY i ON users (a);\n"
      "BEGIN;\n"
      "  ALTER TABLE users ADD COLUMN b text;\n"
      "COMMIT;\n"
      "VACUUM users;";
  auto r = AnalyzePostgres(sql, /*no_transaction=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0].kind, "CREATE INDEX");
  EXPECT_EQ((*r)[0].line, 2);
  EXPECT_EQ((*r)[0].column, 1);
  EXPECT_FALSE((*r)[0].in_transaction);
  EXPECT_EQ((*r)[2].kind, "ALTER TABLE");
  EXPECT_EQ((*r)[2].line, 4);
  EXPECT_EQ((*r)[2].column, 3);
  EXPECT_TRUE((*r)[2].in_transaction);
  EXPECT_EQ(sql.substr((*r)[2].offset, (*r)[2].length), "ALTER TABLE users ADD COLUMN b text");
  EXPECT_EQ((*r)[4].kind, "VACUUM");
  EXPECT_FALSE((*r)[4].in_transaction);

  auto bad = AnalyzePostgres("SELECT 1;\nSELEC 2;", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kParse);
  EXPECT_EQ(bad.status().line(), 2);
}

}  // namespace
}  // namespace strata::sql
