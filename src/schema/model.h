// schema::Schema: a database schema as plain values, the same for every
// dialect. Inspection (driver/<dialect>/..._inspect.cc) fills one from a live
// database, renderers (render_<dialect>.cc) turn one into DDL, and diff (a
// later slice) compares two. Parts that only one dialect has are optional or
// empty on the other: SQLite has no schemas, sequences, enums or identity
// columns; PostgreSQL has no WITHOUT ROWID, STRICT or AUTOINCREMENT.
//
// Expressions (defaults, checks, generated columns, index expressions, WHERE)
// are kept as SQL text in the inspected dialect, whitespace-normalized, not
// parsed. Two schemas compare equal with operator== once both are in
// canonical order (Canonicalize()). Plain copyable values; no thread-safety
// concerns beyond those of std::vector.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::schema {

enum class FkAction { kNoAction, kRestrict, kCascade, kSetNull, kSetDefault };
// "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT".
std::string_view ToString(FkAction action);
// Case-insensitive inverse of ToString; unknown text is kNoAction.
FkAction ParseFkAction(std::string_view text);

// PostgreSQL identity columns (GENERATED ... AS IDENTITY); unused on SQLite.
enum class Identity { kNone, kAlways, kByDefault };

struct Column {
  std::string name;
  std::string type;                    // as declared ("VARCHAR(255)", "" when none)
  bool not_null = false;
  std::optional<std::string> default_expr;  // SQL text ("0", "'x'", "CURRENT_TIMESTAMP", "1+2")
  std::string collation;               // "" = the default
  std::optional<std::string> generated_expr;  // GENERATED ALWAYS AS (expr)
  bool generated_stored = false;       // STORED; false = VIRTUAL
  bool hidden = false;                 // hidden column of a virtual table
  Identity identity = Identity::kNone;
  // PostgreSQL only from here on (`= {}`: brace-initializers written before
  // these fields existed need not name them).
  // The collation's schema when it is not pg_catalog's ("public" for a
  // CREATE COLLATION of the application's); "" otherwise.
  std::string collation_schema = {};
  // SET STORAGE, when it differs from the type's default: "PLAIN",
  // "EXTERNAL", "EXTENDED", "MAIN"; "" = the default.
  std::string storage = {};
  // COMPRESSION ("pglz", "lz4"); "" = default_toast_compression.
  std::string compression = {};
  // SET STATISTICS target; -1 = the default.
  int statistics = -1;
  // Identity sequence options that differ from what GENERATED ... AS
  // IDENTITY gives by default, as its option list: "SEQUENCE NAME
  // "public"."x" START WITH 100 INCREMENT BY 10"; "" = the defaults.
  std::string identity_options = {};
  // A table's column that it inherits (INHERITS) and does not declare itself
  // (pg_attribute.attislocal false): CREATE TABLE leaves it out.
  bool inherited = false;
  bool operator==(const Column&) const = default;
};

struct PrimaryKey {
  std::string name;                    // constraint name; "" when unnamed
  std::vector<std::string> columns;    // key order
  bool autoincrement = false;          // SQLite INTEGER PRIMARY KEY AUTOINCREMENT
  // PostgreSQL: DEFERRABLE [INITIALLY DEFERRED].
  bool deferrable = false;
  bool initially_deferred = false;
  // PostgreSQL: what pg_get_constraintdef writes after the column list
  // other than deferrability: "INCLUDE (a) WITH (fillfactor='70')"; "" = none.
  std::string options = {};
  bool operator==(const PrimaryKey&) const = default;
};

struct UniqueConstraint {
  std::string name;
  std::vector<std::string> columns;
  // PostgreSQL, as on PrimaryKey; and UNIQUE NULLS NOT DISTINCT (15+).
  bool deferrable = false;
  bool initially_deferred = false;
  std::string options = {};
  bool nulls_not_distinct = false;
  bool operator==(const UniqueConstraint&) const = default;
};

struct CheckConstraint {
  std::string name;
  std::string expr;                    // the text inside CHECK ( ... )
  bool not_valid = false;              // PostgreSQL NOT VALID (added, not yet validated)
  bool no_inherit = false;             // PostgreSQL NO INHERIT
  bool operator==(const CheckConstraint&) const = default;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_schema;              // "" = same schema
  std::string ref_table;
  std::vector<std::string> ref_columns;  // empty: the referenced table's primary key
  FkAction on_delete = FkAction::kNoAction;
  FkAction on_update = FkAction::kNoAction;
  bool deferrable = false;
  bool initially_deferred = false;
  bool not_valid = false;              // PostgreSQL NOT VALID
  bool operator==(const ForeignKey&) const = default;
};

// PostgreSQL EXCLUDE constraint, kept as pg_get_constraintdef text
// ("EXCLUDE USING gist (room WITH =, during WITH &&)").
struct ExclusionConstraint {
  std::string name;
  std::string definition;
  bool operator==(const ExclusionConstraint&) const = default;
};

// A table named by schema and name (PostgreSQL INHERITS).
struct TableRef {
  std::string schema;
  std::string name;
  bool operator==(const TableRef&) const = default;
};

struct Table {
  std::string schema;                  // "" on SQLite; "public", ... on PostgreSQL
  std::string name;
  std::vector<Column> columns;         // declared order
  std::optional<PrimaryKey> primary_key;
  std::vector<UniqueConstraint> uniques;   // canonical: by columns
  std::vector<CheckConstraint> checks;     // declared order
  std::vector<ForeignKey> foreign_keys;    // canonical: by columns, then referenced table
  bool without_rowid = false;          // SQLite
  bool strict = false;                 // SQLite
  // PostgreSQL only from here on.
  std::vector<ExclusionConstraint> exclusions = {};
  // Partitioned table: the partition key (pg_get_partkeydef: "RANGE (created_at)").
  std::string partition_by = {};
  // A partition: its parent and bound ("FOR VALUES FROM ('2024-01-01') TO
  // ('2025-01-01')", "DEFAULT"). `columns` then holds only the columns whose
  // NOT NULL or default differs from the parent's (rendered as "col" WITH
  // OPTIONS ...); constraints, indexes and triggers cloned from the parent
  // are not listed.
  std::string partition_of_schema = {};
  std::string partition_of = {};
  std::string partition_bound = {};
  // PostgreSQL: "schema.name(arguments)" (Routine's key) of the routines that
  // its defaults, generated columns, constraints and partition key call, as
  // pg_depend records them (a partition's include what it got from its
  // parent), sorted; renderers create those first.
  std::vector<std::string> calls = {};
  // PostgreSQL: CREATE UNLOGGED TABLE.
  bool unlogged = false;
  // PostgreSQL INHERITS (...), in declaration order; `columns` then marks the
  // columns that only come from a parent (Column::inherited).
  std::vector<TableRef> inherits = {};
  // PostgreSQL ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY.
  bool row_security = false;
  bool force_row_security = false;
  // PostgreSQL storage parameters (WITH (...)), "name=value" as
  // pg_class.reloptions holds them, in its order (which pg_dump keeps).
  std::vector<std::string> options = {};
  // PostgreSQL REPLICA IDENTITY: "" (DEFAULT), "FULL", "NOTHING", or the
  // name of the index for USING INDEX.
  std::string replica_identity = {};
  // PostgreSQL CLUSTER ON: the index's name; "" = none.
  std::string cluster_on = {};
  bool operator==(const Table&) const = default;

  const Column* FindColumn(std::string_view column) const;
};

// One key part of an index: a column or an expression.
struct IndexPart {
  std::string column;                  // set for a plain column
  std::string expr;                    // set for an expression ("lower(email)")
  bool desc = false;
  std::string collation;               // "" = the column's or the default
  bool operator==(const IndexPart&) const = default;
};

struct Index {
  std::string schema;
  std::string name;
  std::string table;
  bool unique = false;
  std::vector<IndexPart> parts;
  std::string where;                   // partial index predicate; "" = none
  // PostgreSQL: the whole CREATE INDEX statement (pg_get_indexdef), no ';'.
  // When set, renderers print it as is (it carries the method, opclasses,
  // INCLUDE, NULLS FIRST/LAST that `parts` does not model).
  std::string definition = {};
  // PostgreSQL: the routines its expressions and predicate call, as on Table.
  std::vector<std::string> calls = {};
  bool operator==(const Index&) const = default;
};

struct View {
  std::string schema;
  std::string name;
  std::string sql;                     // the whole CREATE VIEW statement, no ';'
  bool materialized = false;           // PostgreSQL materialized view
  // PostgreSQL: "schema.name" of the views and materialized views this one
  // reads, sorted; renderers create those first.
  // (`= {}` here and on Index::definition: brace-initializers written before
  // these fields existed then need not name them.)
  std::vector<std::string> depends_on = {};
  // PostgreSQL: the routines its query calls, as on Table.
  std::vector<std::string> calls = {};
  bool operator==(const View&) const = default;
};

struct Trigger {
  std::string schema;
  std::string name;
  std::string table;
  std::string sql;                     // the whole CREATE TRIGGER statement, no ';'
  // PostgreSQL: how ALTER TABLE left it: "" (ENABLE: fires in origin and
  // local sessions), "DISABLE", "ENABLE REPLICA", "ENABLE ALWAYS".
  std::string enabled = {};
  bool operator==(const Trigger&) const = default;
};

// PostgreSQL only.
struct Sequence {
  std::string schema;
  std::string name;
  std::string type = "bigint";
  int64_t start = 1;
  int64_t increment = 1;
  std::optional<std::string> owned_by;  // "table.column" (PostgreSQL: "schema.table.column", quoted)
  // MINVALUE / MAXVALUE; nullopt = the default for the type and direction.
  std::optional<int64_t> min_value = {};
  std::optional<int64_t> max_value = {};
  int64_t cache = 1;
  bool cycle = false;
  bool operator==(const Sequence&) const = default;
};

// PostgreSQL row-level security policy (CREATE POLICY).
struct Policy {
  std::string schema;                  // the table's
  std::string table;
  std::string name;
  bool permissive = true;              // false: AS RESTRICTIVE
  std::string command = "ALL";         // ALL, SELECT, INSERT, UPDATE, DELETE
  std::vector<std::string> roles;      // role names as written (PUBLIC for public), sorted
  std::string using_expr;              // "" = none
  std::string check_expr;              // WITH CHECK; "" = none
  bool operator==(const Policy&) const = default;
};

// PostgreSQL CREATE COLLATION.
struct Collation {
  std::string schema;
  std::string name;
  std::string provider;                // "icu", "libc"
  std::string locale;                  // ICU locale, or libc's when LC_COLLATE = LC_CTYPE
  std::string lc_collate;              // libc, when they differ ("" otherwise)
  std::string lc_ctype;
  bool deterministic = true;
  bool operator==(const Collation&) const = default;
};

// PostgreSQL composite type (CREATE TYPE ... AS (...)): attributes in order;
// only name, type, collation and collation_schema of each are used.
struct CompositeType {
  std::string schema;
  std::string name;
  std::vector<Column> attributes;
  bool operator==(const CompositeType&) const = default;
};

// PostgreSQL only.
struct EnumType {
  std::string schema;
  std::string name;
  std::vector<std::string> values;     // declared order
  bool operator==(const EnumType&) const = default;
};

// PostgreSQL extension (CREATE EXTENSION name SCHEMA schema). The version is
// not part of the schema: it differs between servers.
struct Extension {
  std::string name;
  std::string schema;
  bool operator==(const Extension&) const = default;
};

// PostgreSQL domain.
struct Domain {
  std::string schema;
  std::string name;
  std::string type;                    // format_type of the base type
  bool not_null = false;
  std::optional<std::string> default_expr;
  std::string collation;               // "" = the default
  std::string collation_schema = {};   // as on Column
  std::vector<CheckConstraint> checks;  // by name
  // The routines its default and checks call, as on Table.
  std::vector<std::string> calls = {};
  bool operator==(const Domain&) const = default;
};

// PostgreSQL function or procedure, kept as its whole definition. Aggregate
// and window functions are not read.
struct Routine {
  std::string schema;
  std::string name;
  std::string arguments;               // pg_get_function_identity_arguments ("a integer, b text")
  bool procedure = false;
  std::string definition;              // pg_get_functiondef: "CREATE OR REPLACE FUNCTION ...", no ';'
  // What it needs to exist when it is created, as pg_depend records it,
  // sorted: "schema.name" of relations and types (argument, result and
  // default types, a table's row type by the table's name, an array by its
  // element type) and "schema.name(arguments)" of routines (Routine's key:
  // overloads share a name). A BEGIN ATOMIC body adds what it reads and
  // calls; a body written as a string adds nothing (PostgreSQL does not
  // record it), so renderers must look at the text.
  std::vector<std::string> depends_on = {};
  bool operator==(const Routine&) const = default;
};

// PostgreSQL COMMENT ON. `object` is the target as COMMENT ON spells it,
// quoted and qualified: TABLE "public"."users", COLUMN "public"."users"."email",
// VIEW ..., INDEX ..., FUNCTION "public"."f"(integer), TYPE ..., ...
// Functions and procedures are named by their argument types only.
struct Comment {
  std::string object;
  std::string text;
  bool operator==(const Comment&) const = default;
};

struct Schema {
  std::vector<std::string> schemas;    // PostgreSQL namespaces; empty on SQLite
  std::vector<EnumType> enums;
  std::vector<Sequence> sequences;
  std::vector<Table> tables;
  std::vector<Index> indexes;
  std::vector<View> views;
  std::vector<Trigger> triggers;      // SQLite and PostgreSQL (pg_get_triggerdef)
  // PostgreSQL only.
  std::vector<Extension> extensions = {};  // by name
  std::vector<Domain> domains = {};
  std::vector<Routine> routines = {};      // by (schema, name, arguments)
  std::vector<Comment> comments = {};      // by object
  std::vector<Policy> policies = {};       // by (schema, table, name)
  std::vector<Collation> collations = {};  // by (schema, name)
  std::vector<CompositeType> composites = {};  // by (schema, name)
  // PostgreSQL objects and properties that inspection found and the model
  // does not hold, so that they are named instead of passing as equal: "rule
  // r on public.t", "aggregate public.agg(integer)", "privileges on table
  // public.t", "owner of table public.t (alice)", ... (docs/schema.md lists
  // the kinds). Sorted.
  std::vector<std::string> not_compared = {};
  bool operator==(const Schema&) const = default;

  const Table* FindTable(std::string_view name) const;
};

// Puts `s` in canonical order: every object list by (schema, name), unique
// constraints and foreign keys by columns; column and check order is kept
// (it is part of the definition).
void Canonicalize(Schema& s);

// Double-quotes an identifier ("a""b"); the same rule in both dialects.
std::string QuoteIdent(std::string_view ident);
// Quoted identifiers joined by ", ": "a", "b".
std::string QuoteIdentList(const std::vector<std::string>& idents);
// "schema"."name", or "name" when the schema is empty.
std::string QuoteQualified(std::string_view schema, std::string_view name);
// Single-quotes a string literal ('it''s'); the same rule in both dialects
// (PostgreSQL with standard_conforming_strings, the default since 9.1).
std::string QuoteLiteral(std::string_view text);

}  // namespace strata::schema
