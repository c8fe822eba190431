#include "sql/pg_tree.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>

#include "sql/pg_convert.h"
#include "sql/split.h"

namespace strata::sql {
namespace {

// Byte offset of the 1-based character position `pos` that libpg_query
// reports for errors.
size_t CharPositionToOffset(std::string_view text, int pos) {
  size_t i = 0;
  for (int chars = 1; chars < pos && i < text.size(); ++chars) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

}  // namespace

void* ParsedScript::Arena::Alloc(size_t size) {
  constexpr size_t kAlign = alignof(std::max_align_t);
  size = (size + kAlign - 1) & ~(kAlign - 1);
  if (size > left_) {
    size_t block = std::max(size, min_block_);
    blocks_.emplace_back(new unsigned char[block]);
    next_ = blocks_.back().get();
    left_ = block;
    min_block_ = block * 2;
  }
  void* out = next_;
  next_ += size;
  left_ -= size;
  return out;
}

namespace {
// protobuf-c's allocator callbacks over an Arena.
void* ArenaAlloc(void* arena, size_t size) { return static_cast<ParsedScript::Arena*>(arena)->Alloc(size); }
void ArenaFree(void*, void*) {}
}  // namespace

Result<std::unique_ptr<ParsedScript>> ParsedScript::Parse(std::string_view script) {
  std::string text(script);  // libpg_query wants a NUL-terminated string
  std::unique_ptr<ParsedScript> out(new ParsedScript());
  // The structs take several times the text's size; blocks double from
  // there, so a large data migration does not reserve it all up front.
  out->arena_.Reserve(std::clamp<size_t>(script.size() * 4, 16 * 1024, 1024 * 1024));
  ProtobufCAllocator allocator{ArenaAlloc, ArenaFree, &out->arena_};
  StrataPgParse parsed = strata_pg_parse(text.c_str(), &allocator);
  if (parsed.error != nullptr) {
    size_t offset =
        parsed.error->cursorpos > 0 ? CharPositionToOffset(script, parsed.error->cursorpos) : script.size();
    LineCol at = LocateOffset(script, offset);
    Status status = Status::Parse(parsed.error->message).At("", at.line, at.column);
    strata_pg_free_error(parsed.error);
    return status;
  }
  out->statements_.reserve(parsed.n_stmts);
  for (size_t i = 0; i < parsed.n_stmts; ++i) {
    const PgQuery__RawStmt* raw = parsed.stmts[i];
    if (raw == nullptr || raw->stmt == nullptr) continue;
    // stmt_location is where the previous statement's ';' ended, so it
    // includes the comments between statements; stmt_len 0 means "to the end".
    size_t from = static_cast<size_t>(raw->stmt_location);
    size_t to = raw->stmt_len > 0 ? from + static_cast<size_t>(raw->stmt_len) : script.size();
    if (from > script.size()) from = script.size();
    if (to > script.size()) to = script.size();
    size_t begin = SkipSpaceAndComments(script, from);
    if (begin > to) begin = to;
    out->statements_.push_back(ParsedStatement{raw->stmt, begin, to - begin});
  }
  return out;
}

ParsedScript::~ParsedScript() = default;

size_t SkipSpaceAndComments(std::string_view s, size_t i) {
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.compare(i, 2, "--") == 0) {
      size_t nl = s.find_first_of("\n\r", i);  // PostgreSQL ends a comment at either
      i = nl == std::string_view::npos ? s.size() : nl + 1;
    } else if (s.compare(i, 2, "/*") == 0) {
      int depth = 0;
      while (i < s.size()) {
        if (s.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (s.compare(i, 2, "*/") == 0) {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
    } else {
      break;
    }
  }
  return i;
}

std::string_view StringValue(const PgNode* node) {
  if (node == nullptr || node->node_case != PG_QUERY__NODE__NODE_STRING || node->string == nullptr) return {};
  return node->string->sval ? std::string_view(node->string->sval) : std::string_view();
}

std::string RelationName(const PgQuery__RangeVar* rv) {
  if (rv == nullptr || rv->relname == nullptr) return "";
  std::string name;
  if (rv->schemaname != nullptr && rv->schemaname[0] != '\0' && std::string_view(rv->schemaname) != "public") {
    name = std::string(rv->schemaname) + ".";
  }
  return name + rv->relname;
}

std::string QualifiedName(PgNode* const* names, size_t n) {
  if (n == 0) return "";
  std::string last(StringValue(names[n - 1]));
  if (n >= 2) {
    std::string_view schema = StringValue(names[n - 2]);
    if (!schema.empty() && schema != "public") return std::string(schema) + "." + last;
  }
  return last;
}

std::string TypeNameOf(const PgQuery__TypeName* type) {
  if (type == nullptr || type->n_names == 0) return "";
  std::string_view last = StringValue(type->names[type->n_names - 1]);
  std::string name(last);
  if (type->n_array_bounds > 0) name += "[]";
  return name;
}

std::vector<int> TypeModifiers(const PgQuery__TypeName* type) {
  std::vector<int> out;
  if (type == nullptr) return out;
  for (size_t i = 0; i < type->n_typmods; ++i) {
    const PgNode* m = type->typmods[i];
    if (m && m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const &&
        m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL && m->a_const->ival) {
      out.push_back(m->a_const->ival->ival);
    }
  }
  return out;
}

bool HasOption(PgNode* const* options, size_t n, std::string_view name) {
  for (size_t i = 0; i < n; ++i) {
    const PgNode* o = options[i];
    if (!o || o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || !o->def_elem || !o->def_elem->defname) continue;
    if (name != o->def_elem->defname) continue;
    const PgNode* arg = o->def_elem->arg;
    if (arg == nullptr) return true;
    if (arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return arg->boolean && arg->boolean->boolval;
    if (arg->node_case == PG_QUERY__NODE__NODE_INTEGER) return arg->integer && arg->integer->ival != 0;
    std::string_view v = StringValue(arg);
    return v != "false" && v != "off" && v != "0";
  }
  return false;
}

namespace {

// Functions known to be immutable or stable (pg_proc.provolatile 'i' or
// 's' in PostgreSQL 15) that people put in column defaults. A default that
// calls only these is evaluated once by ADD COLUMN (PostgreSQL 11+: stored
// in the catalog, no rewrite). Any other function call, including the
// application's own functions, counts as volatile: a rewrite claimed wrongly
// is a warning to read, a rewrite missed locks production.
bool IsKnownNonVolatile(std::string_view name) {
  static constexpr std::string_view kKnown[] = {
      // date and time (stable: evaluated once per statement)
      "now", "statement_timestamp", "transaction_timestamp", "localtimestamp", "current_timestamp",
      "current_date", "date_trunc", "date_part", "extract", "timezone", "make_date", "make_time",
      "make_timestamp", "make_timestamptz", "make_interval", "to_timestamp", "to_date", "to_char",
      "to_number", "age", "date", "overlaps",
      // session (stable)
      "current_setting", "current_user", "session_user", "current_schema", "current_database",
      "current_role", "user",
      // text
      "lower", "upper", "initcap", "trim", "btrim", "ltrim", "rtrim", "length", "char_length", "substr",
      "substring", "replace", "concat", "concat_ws", "format", "left", "right", "lpad", "rpad", "repeat",
      "md5", "encode", "decode", "convert_to", "convert_from", "translate", "split_part", "regexp_replace",
      "quote_ident", "quote_literal", "to_hex", "chr", "ascii", "reverse", "normalize", "sha256", "sha512",
      // numbers
      "abs", "ceil", "ceiling", "floor", "round", "trunc", "mod", "power", "sqrt", "greatest", "least",
      // json, arrays, ranges, misc
      "to_json", "to_jsonb", "json_build_object", "jsonb_build_object", "json_build_array",
      "jsonb_build_array", "json_object", "jsonb_object", "array_fill", "array_length", "cardinality",
      "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange", "point", "inet", "cidr",
      "uuid_nil", "uuid_ns_dns", "uuid_ns_url", "uuid_ns_oid", "uuid_ns_x500", "uuid_generate_v3",
      "uuid_generate_v5", "nullif", "coalesce", "to_tsvector", "to_tsquery", "bool", "text", "int4",
      "int8", "numeric", "float8",
  };
  for (std::string_view k : kKnown) {
    if (name == k) return true;
  }
  return false;
}

bool AnyVolatile(PgNode* const* nodes, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (IsVolatileDefault(nodes[i])) return true;
  }
  return false;
}

}  // namespace

bool IsVolatileDefault(const PgNode* expr) {
  if (expr == nullptr) return false;
  switch (expr->node_case) {
    case PG_QUERY__NODE__NODE_FUNC_CALL: {
      const PgQuery__FuncCall* f = expr->func_call;
      if (f == nullptr) return false;
      std::string_view name = f->n_funcname ? StringValue(f->funcname[f->n_funcname - 1]) : std::string_view();
      return !IsKnownNonVolatile(name) || AnyVolatile(f->args, f->n_args);
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: return expr->type_cast && IsVolatileDefault(expr->type_cast->arg);
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
      return expr->collate_clause && IsVolatileDefault(expr->collate_clause->arg);
    case PG_QUERY__NODE__NODE_A_EXPR:
      return expr->a_expr && (IsVolatileDefault(expr->a_expr->lexpr) || IsVolatileDefault(expr->a_expr->rexpr));
    case PG_QUERY__NODE__NODE_BOOL_EXPR: return expr->bool_expr && AnyVolatile(expr->bool_expr->args, expr->bool_expr->n_args);
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
      return expr->coalesce_expr && AnyVolatile(expr->coalesce_expr->args, expr->coalesce_expr->n_args);
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
      return expr->min_max_expr && AnyVolatile(expr->min_max_expr->args, expr->min_max_expr->n_args);
    case PG_QUERY__NODE__NODE_NULL_TEST: return expr->null_test && IsVolatileDefault(expr->null_test->arg);
    case PG_QUERY__NODE__NODE_CASE_EXPR:
      return expr->case_expr && (IsVolatileDefault(expr->case_expr->arg) ||
                                 AnyVolatile(expr->case_expr->args, expr->case_expr->n_args) ||
                                 IsVolatileDefault(expr->case_expr->defresult));
    case PG_QUERY__NODE__NODE_CASE_WHEN:
      return expr->case_when && (IsVolatileDefault(expr->case_when->expr) || IsVolatileDefault(expr->case_when->result));
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
      return expr->a_array_expr && AnyVolatile(expr->a_array_expr->elements, expr->a_array_expr->n_elements);
    case PG_QUERY__NODE__NODE_ROW_EXPR: return expr->row_expr && AnyVolatile(expr->row_expr->args, expr->row_expr->n_args);
    case PG_QUERY__NODE__NODE_SUB_LINK: return true;  // PostgreSQL refuses it in a default; err on the finding
    default: return false;  // constants, CURRENT_TIMESTAMP and the other SQL value functions, column refs
  }
}

}  // namespace strata::sql
