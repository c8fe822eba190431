// InspectPostgres, part one: the entry point, and tables with their columns
// and constraints, and sequences (postgres_inspect_internal.h says which file
// reads what).
#include "driver/postgres/postgres_inspect.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <string>
#include <utility>

#include "driver/postgres/postgres_inspect_internal.h"
#include "schema/render_postgres.h"
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

// A column that owns `seq` and defaults to its nextval is what serial
// creates, when the sequence is exactly serial's: its name, in the table's
// schema, of the column's type, with the default options. Reported as serial
// so that the rendered DDL recreates both; any other owned sequence stays a
// sequence of its own (with OWNED BY), so that nothing about it is lost.
bool ToSerial(schema::Table& t, const std::string& column, const schema::Sequence& seq, const std::string& regclass) {
  if (seq.schema != t.schema || seq.name != schema::PostgresSerialSequenceName(t.name, column) || seq.start != 1 ||
      seq.increment != 1 || seq.min_value || seq.max_value || seq.cache != 1 || seq.cycle) {
    return false;
  }
  for (auto& c : t.columns) {
    if (c.name != column || c.default_expr != "nextval(" + QuoteLiteral(regclass) + "::regclass)") continue;
    static const std::map<std::string, std::string> kSerial = {
        {"integer", "serial"}, {"bigint", "bigserial"}, {"smallint", "smallserial"}};
    auto it = kSerial.find(c.type);
    if (it == kSerial.end() || seq.type != c.type) return false;
    c.type = it->second;
    c.default_expr.reset();
    return true;
  }
  return false;
}

// Stored MINVALUE / MAXVALUE that equal what the type and direction give by
// default read as unset.
void SequenceBounds(schema::Sequence& seq, int64_t min, int64_t max) {
  int64_t type_max = schema::PostgresTypeMax(seq.type);
  int64_t default_min = seq.increment > 0 ? 1 : -type_max - 1;
  int64_t default_max = seq.increment > 0 ? type_max : -1;
  if (min != default_min) seq.min_value = min;
  if (max != default_max) seq.max_value = max;
}

// What pg_get_constraintdef writes for a primary key or unique constraint
// after its column list, less the deferrability the model holds apart, with
// its index's storage parameters where pg_dump puts them:
// "INCLUDE (note) WITH (fillfactor='70') USING INDEX TABLESPACE x".
std::string KeyOptions(const std::string& def, const std::string& index_options) {
  size_t close = def.find(')');
  if (close == std::string::npos) return "";
  std::string rest = def.substr(close + 1);
  for (const char* clause : {" INITIALLY DEFERRED", " DEFERRABLE"}) {
    size_t at = rest.rfind(clause);
    if (at != std::string::npos && at + std::strlen(clause) == rest.size()) rest.erase(at);
  }
  size_t start = rest.find_first_not_of(' ');
  rest = start == std::string::npos ? "" : rest.substr(start);
  if (index_options.empty()) return rest;
  // "fillfactor=70, deduplicate_items=off" -> WITH (fillfactor='70', ...),
  // before USING INDEX TABLESPACE as pg_dump writes it.
  std::string with;
  size_t from = 0;
  while (from <= index_options.size()) {
    size_t comma = index_options.find(", ", from);
    std::string option = index_options.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    size_t eq = option.find('=');
    with += (with.empty() ? "" : ", ") + option.substr(0, eq) + "=" + QuoteLiteral(option.substr(eq + 1));
    if (comma == std::string::npos) break;
    from = comma + 2;
  }
  size_t tablespace = rest.find("USING INDEX TABLESPACE");
  std::string clause = "WITH (" + with + ")";
  if (tablespace == std::string::npos) return rest.empty() ? clause : rest + " " + clause;
  return rest.substr(0, tablespace) + clause + " " + rest.substr(tablespace);
}

int64_t ToInt(const std::string& text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The options of an identity column's sequence (name, schema, type, start,
// increment, min, max, cache, cycle as the Columns query lists them) that
// differ from what GENERATED ... AS IDENTITY gives by default, in the order
// CREATE SEQUENCE takes them; "" when all are defaults.
std::string IdentityOptions(const schema::Table& t, const schema::Column& c, const std::vector<std::string>& seq) {
  if (seq.size() < 9) return "";
  schema::Sequence s;
  s.schema = seq[0];
  s.name = seq[1];
  s.type = seq[2];
  s.start = ToInt(seq[3]);
  s.increment = ToInt(seq[4]);
  SequenceBounds(s, ToInt(seq[5]), ToInt(seq[6]));
  s.cache = ToInt(seq[7]);
  s.cycle = seq[8] == "t";
  std::vector<std::string> parts;
  if (s.schema != t.schema || s.name != schema::PostgresSerialSequenceName(t.name, c.name)) {
    parts.push_back("SEQUENCE NAME " + Qualified(s.schema, s.name));
  }
  int64_t default_start = s.increment > 0 ? s.min_value.value_or(1) : s.max_value.value_or(-1);
  if (s.start != default_start) parts.push_back("START WITH " + std::to_string(s.start));
  if (s.increment != 1) parts.push_back("INCREMENT BY " + std::to_string(s.increment));
  if (s.min_value) parts.push_back("MINVALUE " + std::to_string(*s.min_value));
  if (s.max_value) parts.push_back("MAXVALUE " + std::to_string(*s.max_value));
  if (s.cache != 1) parts.push_back("CACHE " + std::to_string(s.cache));
  if (s.cycle) parts.push_back("CYCLE");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

}  // namespace

// Ordinary and partitioned tables, and partitions with their parent and bound.
Status Inspector::Tables() {
  auto index_named = [](const char* flag) {
    return std::string("(SELECT ic.relname FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid"
                       " WHERE ix.indrelid = c.oid AND ix.") + flag + " LIMIT 1)";
  };
  auto rows = Q(std::string(
                    "SELECT c.oid, n.nspname, c.relname, pg_get_partkeydef(c.oid), pi.inhparent, pn.nspname, pc.relname,"
                    " pg_get_expr(c.relpartbound, c.oid), c.relpersistence, c.relrowsecurity, c.relforcerowsecurity,"
                    " array_to_string(c.reloptions, E'\\x01'), c.relreplident, ") +
                index_named("indisreplident") + ", " + index_named("indisclustered") +
                ", (SELECT string_agg(qn.nspname || E'\\x02' || qc.relname, E'\\x01' ORDER BY qi.inhseqno)"
                "  FROM pg_inherits qi JOIN pg_class qc ON qc.oid = qi.inhparent"
                "  JOIN pg_namespace qn ON qn.oid = qc.relnamespace WHERE qi.inhrelid = c.oid AND NOT c.relispartition)"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " LEFT JOIN pg_inherits pi ON c.relispartition AND pi.inhrelid = c.oid"
                " LEFT JOIN pg_class pc ON pc.oid = pi.inhparent LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace"
                " WHERE c.relkind IN ('r', 'p') AND " +
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
    t.unlogged = Text(r, 8) == "u";
    t.row_security = Bool(r, 9);
    t.force_row_security = Bool(r, 10);
    t.options = SplitList(r, 11);
    std::string replident = Text(r, 12);
    if (replident == "f") t.replica_identity = "FULL";
    if (replident == "n") t.replica_identity = "NOTHING";
    if (replident == "i") t.replica_identity = Text(r, 13);
    t.cluster_on = Text(r, 14);
    for (const std::string& parent : SplitList(r, 15)) {
      size_t sep = parent.find('\x02');
      t.inherits.push_back({parent.substr(0, sep), sep == std::string::npos ? "" : parent.substr(sep + 1)});
    }
    out.tables.push_back(std::move(t));
  }
  return Status::Ok();
}

Status Inspector::Columns() {
  auto rows = Q(std::string(
                    "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                    " pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
                    " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END,"
                    " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation"
                    "  AND co.collnamespace <> 'pg_catalog'::regnamespace THEN con.nspname END,"
                    " CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END, a.attcompression, a.attstattarget,"
                    " a.attislocal, a.attinhcount,"
                    // The identity's sequence: name, schema, type and options.
                    " (SELECT sn.nspname || E'\\x01' || sc.relname || E'\\x01' || format_type(sq.seqtypid, NULL) ||"
                    "   E'\\x01' || sq.seqstart || E'\\x01' || sq.seqincrement || E'\\x01' || sq.seqmin ||"
                    "   E'\\x01' || sq.seqmax || E'\\x01' || sq.seqcache || E'\\x01' || sq.seqcycle"
                    "  FROM pg_depend sd JOIN pg_sequence sq ON sq.seqrelid = sd.objid JOIN pg_class sc ON sc.oid = sq.seqrelid"
                    "  JOIN pg_namespace sn ON sn.oid = sc.relnamespace WHERE a.attidentity <> ''"
                    "  AND sd.classid = 'pg_class'::regclass AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum"
                    "  AND sd.deptype = 'i' LIMIT 1)"
                    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
                    " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                    " LEFT JOIN pg_namespace con ON con.oid = co.collnamespace"
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
    c.collation_schema = Text(r, 8);
    static const std::map<std::string, std::string> kStorage = {
        {"p", "PLAIN"}, {"e", "EXTERNAL"}, {"x", "EXTENDED"}, {"m", "MAIN"}};
    auto storage = kStorage.find(Text(r, 9));
    if (storage != kStorage.end()) c.storage = storage->second;
    if (Text(r, 10) == "p") c.compression = "pglz";
    if (Text(r, 10) == "l") c.compression = "lz4";
    c.statistics = static_cast<int>(Int(r, 11));
    // A column of an INHERITS child that only its parent declares; a
    // partition's columns are handled by KeepOwnPartitionColumns.
    c.inherited = !Bool(r, 12) && Int(r, 13) > 0 && t->partition_of.empty();
    c.identity_options = IdentityOptions(*t, c, SplitList(r, 14));
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
                " pg_get_expr(con.conbin, con.conrelid), pg_get_constraintdef(con.oid), con.coninhcount,"
                " con.conislocal, con.connoinherit,"
                " (SELECT array_to_string(ic.reloptions, ', ') FROM pg_class ic WHERE ic.oid = con.conindid)"
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
    // Checks a partition or an INHERITS child only inherits come back with
    // PARTITION OF / INHERITS.
    if (type == "c" && !Bool(r, 15)) continue;
    if (type == "x") {
      t->exclusions.push_back({Text(r, 1), Text(r, 13)});
    } else if (type == "p") {
      schema::PrimaryKey pk{Text(r, 1), SplitList(r, 3), false};
      pk.deferrable = Bool(r, 9);
      pk.initially_deferred = Bool(r, 10);
      pk.options = KeyOptions(Text(r, 13), Text(r, 17));
      t->primary_key = std::move(pk);
    } else if (type == "u") {
      schema::UniqueConstraint u{Text(r, 1), SplitList(r, 3)};
      u.deferrable = Bool(r, 9);
      u.initially_deferred = Bool(r, 10);
      u.options = KeyOptions(Text(r, 13), Text(r, 17));
      u.nulls_not_distinct = Text(r, 13).rfind("UNIQUE NULLS NOT DISTINCT", 0) == 0;
      t->uniques.push_back(std::move(u));
    } else if (type == "c") {
      schema::CheckConstraint c{Text(r, 1), Text(r, 12), !Bool(r, 11)};
      c.no_inherit = Bool(r, 16);
      t->checks.push_back(std::move(c));
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
                    " c.oid::regclass::text, dep.deptype, dep.refobjid, tn.nspname, tc.relname, a.attname,"
                    " s.seqmin, s.seqmax, s.seqcache, s.seqcycle"
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
    SequenceBounds(seq, Int(r, 11), Int(r, 12));
    seq.cache = Int(r, 13);
    seq.cycle = Bool(r, 14);
    if (deptype == "a") {
      if (Excluded(Text(r, 9))) continue;
      schema::Table* t = TableOf(r, 7);
      if (t != nullptr && ToSerial(*t, Text(r, 10), seq, Text(r, 5))) continue;
      seq.owned_by = Qualified(Text(r, 8), Text(r, 9)) + "." + QuoteIdent(Text(r, 10));
    }
    out.sequences.push_back(std::move(seq));
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
  if (s.ok()) s = in.Collations();
  if (s.ok()) s = in.Enums();
  if (s.ok()) s = in.Composites();
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
  if (s.ok()) s = in.Policies();
  if (s.ok()) s = in.Comments();
  if (s.ok()) s = in.Calls();
  if (s.ok()) s = in.Uncovered();
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
