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
      size_t nl = s.find('\n', i);
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

bool IsVolatileDefault(const PgNode* expr) {
  if (expr == nullptr) return false;
  if (expr->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && expr->type_cast) {
    return IsVolatileDefault(expr->type_cast->arg);
  }
  if (expr->node_case != PG_QUERY__NODE__NODE_FUNC_CALL || !expr->func_call) return false;
  const PgQuery__FuncCall* f = expr->func_call;
  std::string_view name = f->n_funcname ? StringValue(f->funcname[f->n_funcname - 1]) : std::string_view();
  // The volatile functions people put in defaults. now(), current_timestamp
  // and other stable functions are evaluated once for ADD COLUMN (no rewrite
  // since PostgreSQL 11).
  static constexpr std::string_view kVolatile[] = {
      "random",           "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
      "clock_timestamp",  "timeofday",       "nextval",          "txid_current",
      "gen_random_bytes", "uuidv7",          "uuid_generate_v7", "random_normal",
  };
  for (std::string_view v : kVolatile) {
    if (name == v) return true;
  }
  return false;
}

}  // namespace strata::sql
