// InspectPostgres, part one: the entry point, and tables with their columns
// and constraints, sequences, views and indexes (postgres_inspect_internal.h
// says which file reads what).
#include "driver/postgres/postgres_inspect.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <string>
#include <utility>

#include "driver/postgres/postgres_inspect_internal.h"
#include "util/strings.h"

namespace strata::driver {

namespace pg_inspect {

std::string NotInExtension(const char* cls, const char* oid) {
  return std::string(" AND NOT EXISTS (SELECT 1 FROM pg_depend ext WHERE ext.classid = '") + cls +
         "'::regclass AND ext.objid = " + oid + " AND ext.deptype = 'e')";
}

std::string Text(const Row& row, size_t i) { return i < row.size() && row[i] ? *row[i] : std::string(); }
bool Bool(const Row& row, size_t i) { return Text(row, i) == "t"; }
// pg_sequence numbers; from_chars rather than stoll, which throws.
int64_t Int(const Row& row, size_t i) {
  std::string text = Text(row, i);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}
bool IsNull(const Row& row, size_t i) { return i >= row.size() || !row[i]; }

std::vector<std::string> SplitList(const Row& row, size_t i) {
  std::vector<std::string> out;
  if (IsNull(row, i)) return out;
  const std::string& s = *row[i];
  size_t start = 0;
  for (size_t pos; (pos = s.find(kSep, start)) != std::string::npos; start = pos + 1) out.push_back(s.substr(start, pos - start));
  out.push_back(s.substr(start));
  return out;
}

// Folding keeps pg_get_viewdef's pretty layout out of the canonical text.
std::string FoldWhitespace(std::string_view text) {
  std::string out;
  char quote = 0;
  bool pending_space = false;
  for (char c : text) {
    if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
    } else if (quote == c) {
      quote = 0;
    }
    out += c;
  }
  return out;
}

std::string TrimDefinition(std::string text) {
  while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';')) text.pop_back();
  return text;
}

std::string Qualified(const std::string& nsp, const std::string& name) { return QuoteIdent(nsp) + "." + QuoteIdent(name); }

Result<Rows> Inspector::Q(const std::string& sql) {
  auto rows = conn.Query(sql);
  if (!rows.ok()) return rows.status().With("inspecting the PostgreSQL schema");
  return rows;
}

bool Inspector::Excluded(const std::string& table) const {
  std::string lower = util::ToLower(table);
  return std::any_of(exclude.begin(), exclude.end(), [&](const std::string& e) { return util::ToLower(e) == lower; });
}

schema::Table* Inspector::TableOf(const Row& row, size_t i) {
  auto it = table_by_oid.find(Text(row, i));
  return it == table_by_oid.end() ? nullptr : &out.tables[it->second];
}

bool Inspector::TableOrViewRead(const Row& row, size_t i) {
  return TableOf(row, i) != nullptr || view_by_oid.count(Text(row, i)) > 0;
}

namespace {

schema::FkAction FkActionFromCode(const std::string& code) {
  if (code == "r") return schema::FkAction::kRestrict;
  if (code == "c") return schema::FkAction::kCascade;
  if (code == "n") return schema::FkAction::kSetNull;
  if (code == "d") return schema::FkAction::kSetDefault;
  return schema::FkAction::kNoAction;
}

// A column that owns `sequence` and defaults to its nextval is what serial
// creates; reported as serial so that the rendered DDL recreates both.
bool ToSerial(schema::Table& t, const std::string& column, const std::string& sequence) {
  for (auto& c : t.columns) {
    if (c.name != column || c.default_expr != "nextval(" + QuoteLiteral(sequence) + "::regclass)") continue;
    static const std::map<std::string, std::string> kSerial = {
        {"integer", "serial"}, {"bigint", "bigserial"}, {"smallint", "smallserial"}};
    auto it = kSerial.find(c.type);
    if (it == kSerial.end()) return false;
    c.type = it->second;
    c.default_expr.reset();
    return true;
  }
  return false;
}

}  // namespace

// Ordinary and partitioned tables, and partitions with their parent and bound.
Status Inspector::Tables() {
  auto rows = Q(std::string(
                    "SELECT c.oid, n.nspname, c.relname, pg_get_partkeydef(c.oid), pi.inhparent, pn.nspname, pc.relname,"
                    " pg_get_expr(c.relpartbound, c.oid)"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " LEFT JOIN pg_inherits pi ON c.relispartition AND pi.inhrelid = c.oid"
                    " LEFT JOIN pg_class pc ON pc.oid = pi.inhparent LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace"
                    " WHERE c.relkind IN ('r', 'p') AND ") +
                kUserNamespace + NotInExtension("pg_class", "c.oid") + " ORDER BY n.nspname, c.relname");
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    if (Excluded(Text(r, 2))) {
      excluded_schemas.push_back(Text(r, 1));
      continue;
    }
    table_by_oid[Text(r, 0)] = out.tables.size();
    schema::Table t;
    t.schema = Text(r, 1);
    t.name = Text(r, 2);
    t.partition_by = Text(r, 3);
    if (!IsNull(r, 4)) {
      parent_oid[out.tables.size()] = Text(r, 4);
      t.partition_of_schema = Text(r, 5);
      t.partition_of = Text(r, 6);
      t.partition_bound = Text(r, 7);
    }
    out.tables.push_back(std::move(t));
  }
  return Status::Ok();
}

Status Inspector::Columns() {
  auto rows = Q(std::string(
                    "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                    " pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
                    " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END"
                    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
                    " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                    " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ") +
                kUserNamespace + " ORDER BY a.attrelid, a.attnum");
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    schema::Table* t = TableOf(r, 0);
    if (t == nullptr) continue;
    schema::Column c;
    c.name = Text(r, 1);
    c.type = Text(r, 2);
    c.not_null = Bool(r, 3);
    c.collation = Text(r, 7);
    std::string identity = Text(r, 5);
    if (identity == "a") c.identity = schema::Identity::kAlways;
    if (identity == "d") c.identity = schema::Identity::kByDefault;
    if (!IsNull(r, 4)) {
      if (Text(r, 6) == "s") {
        c.generated_expr = Text(r, 4);
        c.generated_stored = true;
      } else {
        c.default_expr = Text(r, 4);
      }
    }
    t->columns.push_back(std::move(c));
  }
  return Status::Ok();
}

// A partition's columns all come from its parent (PARTITION OF cannot add
// any); what it may have of its own is NOT NULL or a default. Only columns
// that differ in those are kept, and rendered WITH OPTIONS. A partition
// that lacks its parent's default (ATTACH PARTITION of a table without it)
// is not represented: PARTITION OF would copy the default anyway.
// Runs before Sequences(), while serial defaults are still nextval text.
void Inspector::KeepOwnPartitionColumns() {
  for (const auto& [index, parent] : parent_oid) {
    auto it = table_by_oid.find(parent);
    if (it == table_by_oid.end()) continue;
    const schema::Table& p = out.tables[it->second];
    std::erase_if(out.tables[index].columns, [&](const schema::Column& c) {
      const schema::Column* pc = p.FindColumn(c.name);
      if (pc == nullptr) return false;
      bool own_not_null = c.not_null && !pc->not_null;
      bool own_default = c.default_expr && c.default_expr != pc->default_expr;
      return !own_not_null && !own_default;
    });
  }
}

Status Inspector::Constraints() {
  // Key columns in key order, by name.
  auto cols = [](const char* keys, const char* rel) {
    return std::string("(SELECT string_agg(a.attname, E'\\x01' ORDER BY k.ord) FROM unnest(con.") + keys +
           ") WITH ORDINALITY AS k(num, ord) JOIN pg_attribute a ON a.attrelid = con." + rel +
           " AND a.attnum = k.num)";
  };
  auto rows = Q("SELECT con.conrelid, con.conname, con.contype, " + cols("conkey", "conrelid") + ", rn.nspname, rc.relname, " +
                cols("confkey", "confrelid") +
                ", con.confupdtype, con.confdeltype, con.condeferrable, con.condeferred, con.convalidated,"
                " pg_get_expr(con.conbin, con.conrelid), pg_get_constraintdef(con.oid), con.coninhcount"
                " FROM pg_constraint con LEFT JOIN pg_class rc ON rc.oid = con.confrelid"
                " LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
                // A clone (conparentid) is what a constraint on a partitioned
                // table creates on each partition, or what a foreign key to a
                // partitioned table creates per partition: the parent's.
                " WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND con.conrelid <> 0 AND con.conparentid = 0"
                " ORDER BY con.conrelid, con.conname");
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    schema::Table* t = TableOf(r, 0);
    if (t == nullptr) continue;
    std::string type = Text(r, 2);
    // A partition's inherited checks come back with PARTITION OF.
    if (type == "c" && !t->partition_of.empty() && Int(r, 14) > 0) continue;
    if (type == "x") {
      t->exclusions.push_back({Text(r, 1), Text(r, 13)});
    } else if (type == "p") {
      t->primary_key = schema::PrimaryKey{Text(r, 1), SplitList(r, 3), false};
    } else if (type == "u") {
      t->uniques.push_back({Text(r, 1), SplitList(r, 3)});
    } else if (type == "c") {
      t->checks.push_back({Text(r, 1), Text(r, 12), !Bool(r, 11)});
    } else {
      schema::ForeignKey fk;
      fk.name = Text(r, 1);
      fk.columns = SplitList(r, 3);
      fk.ref_schema = Text(r, 4);
      fk.ref_table = Text(r, 5);
      fk.ref_columns = SplitList(r, 6);
      fk.on_update = FkActionFromCode(Text(r, 7));
      fk.on_delete = FkActionFromCode(Text(r, 8));
      fk.deferrable = Bool(r, 9);
      fk.initially_deferred = Bool(r, 10);
      fk.not_valid = !Bool(r, 11);
      t->foreign_keys.push_back(std::move(fk));
    }
  }
  return Status::Ok();
}

// Sequences; and serial columns, whose owned sequence is implied by the type.
Status Inspector::Sequences() {
  auto rows = Q(std::string(
                    "SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,"
                    " c.oid::regclass::text, dep.deptype, dep.refobjid, tn.nspname, tc.relname, a.attname"
                    " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " LEFT JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid"
                    "  AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')"
                    " LEFT JOIN pg_class tc ON tc.oid = dep.refobjid"
                    " LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
                    " LEFT JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid WHERE ") +
                kUserNamespace + NotInExtension("pg_class", "c.oid"));
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    std::string deptype = Text(r, 6);
    if (deptype == "i") continue;  // an identity column's own sequence
    schema::Sequence seq;
    seq.schema = Text(r, 0);
    seq.name = Text(r, 1);
    seq.type = Text(r, 2);
    seq.start = Int(r, 3);
    seq.increment = Int(r, 4);
    if (deptype == "a") {
      if (Excluded(Text(r, 9))) continue;
      schema::Table* t = TableOf(r, 7);
      if (t != nullptr && ToSerial(*t, Text(r, 10), Text(r, 5))) continue;
      seq.owned_by = Qualified(Text(r, 8), Text(r, 9)) + "." + QuoteIdent(Text(r, 10));
    }
    out.sequences.push_back(std::move(seq));
  }
  return Status::Ok();
}

Status Inspector::Views() {
  auto rows = Q(std::string(
                    "SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid, true),"
                    " (SELECT string_agg(DISTINCT dn.nspname || '.' || dc.relname, E'\\x01')"
                    "  FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid"
                    "   AND d.refclassid = 'pg_class'::regclass"
                    "  JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace"
                    "  WHERE rw.ev_class = c.oid AND dc.oid <> c.oid AND dc.relkind IN ('v', 'm'))"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ") +
                kUserNamespace + NotInExtension("pg_class", "c.oid"));
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    schema::View v;
    v.schema = Text(r, 1);
    v.name = Text(r, 2);
    v.materialized = Text(r, 3) == "m";
    std::string body = FoldWhitespace(Text(r, 4));
    while (!body.empty() && body.back() == ';') body.pop_back();
    v.sql = std::string(v.materialized ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ") + Qualified(v.schema, v.name) +
            " AS " + body;
    v.depends_on = SplitList(r, 5);
    std::sort(v.depends_on.begin(), v.depends_on.end());
    view_by_oid[Text(r, 0)] = out.views.size();
    out.views.push_back(std::move(v));
  }
  return Status::Ok();
}

Status Inspector::Indexes() {
  // Indexes of primary key, unique and exclusion constraints belong to the
  // constraint (a foreign key's conindid is the referenced index: not ours).
  auto rows = Q(std::string(
                    "SELECT i.indrelid, n.nspname, ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid),"
                    " pg_get_expr(i.indpred, i.indrelid), tc.relname,"
                    " (SELECT string_agg(CASE WHEN i.indoption[k - 1] & 1 = 1 THEN 'd' ELSE 'a' END ||"
                    "   CASE WHEN i.indkey[k - 1] = 0 THEN 'e' || pg_get_indexdef(i.indexrelid, k, true)"
                    "   ELSE 'c' || (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid"
                    "    AND attnum = i.indkey[k - 1]) END, E'\\x01' ORDER BY k)"
                    "  FROM generate_series(1, i.indnkeyatts) AS k), tc.relkind, i.indexrelid"
                    " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                    " JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_class tc ON tc.oid = i.indrelid"
                    " WHERE tc.relkind IN ('r', 'p', 'm') AND NOT EXISTS (SELECT 1 FROM pg_constraint con"
                    "  WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))"
                    // A partition's index attached to its parent's is created
                    // by the parent's CREATE INDEX.
                    " AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) AND ") +
                kUserNamespace);
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    if (!TableOrViewRead(r, 0)) continue;
    schema::Index idx;
    index_by_oid[Text(r, 9)] = out.indexes.size();
    idx.schema = Text(r, 1);
    idx.name = Text(r, 2);
    idx.table = Text(r, 6);
    idx.unique = Bool(r, 3);
    idx.definition = Text(r, 4);
    // pg_get_indexdef says ON ONLY for a partitioned table's index, which
    // would leave the partitions unindexed and the index invalid.
    if (Text(r, 8) == "p") {
      size_t only = idx.definition.find(" ON ONLY ");
      if (only != std::string::npos) idx.definition.erase(only + 3, 5);
    }
    idx.where = Text(r, 5);
    for (const std::string& part : SplitList(r, 7)) {
      if (part.size() < 2) continue;
      schema::IndexPart p;
      p.desc = part[0] == 'd';
      (part[1] == 'e' ? p.expr : p.column) = part.substr(2);
      idx.parts.push_back(std::move(p));
    }
    out.indexes.push_back(std::move(idx));
  }
  return Status::Ok();
}

}  // namespace pg_inspect

Result<schema::Schema> InspectPostgres(Connection& conn, const std::vector<std::string>& exclude_tables) {
  pg_inspect::Inspector in{conn, exclude_tables};
  // Order matters: columns and constraints attach to the tables read first,
  // partitions drop inherited columns before sequences rewrite serial
  // columns, indexes, triggers and comments need tables and views, and the
  // routines' callers are found among everything read before Calls().
  Status s = in.Schemas();
  if (s.ok()) s = in.Extensions();
  if (s.ok()) s = in.Enums();
  if (s.ok()) s = in.Domains();
  if (s.ok()) s = in.Tables();
  if (s.ok()) s = in.Columns();
  if (s.ok()) in.KeepOwnPartitionColumns();
  if (s.ok()) s = in.Constraints();
  if (s.ok()) s = in.Sequences();
  if (s.ok()) s = in.Views();
  if (s.ok()) s = in.Indexes();
  if (s.ok()) s = in.Routines();
  if (s.ok()) s = in.Triggers();
  if (s.ok()) s = in.Comments();
  if (s.ok()) s = in.Calls();
  if (!s.ok()) return s;
  in.DropBookkeepingSchemas();
  schema::Canonicalize(in.out);
  for (auto& t : in.out.tables) {
    // pg_constraint has no declaration order; by name is stable.
    std::sort(t.checks.begin(), t.checks.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  return std::move(in.out);
}

}  // namespace strata::driver
