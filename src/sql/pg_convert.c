// See pg_convert.h. The conversion mirrors libpg_query's own protobuf output
// (pg_query_outfuncs_protobuf.c): a null node pointer stays null, a null
// list element becomes an empty Node, a char becomes a one-letter string,
// an enum is mapped by value name, a string is copied (the parser's memory
// context is freed before this returns).
#include "sql/pg_convert.h"

#include <stdlib.h>
#include <string.h>

// libpg_query's parser and the node headers below must be the same
// PostgreSQL major version.
#if PG_VERSION_NUM / 10000 != 15
#error "sql/pg_convert.c is generated for libpg_query 15 (PostgreSQL 15's parser)"
#endif

// pg_query.h and the server's pg_config.h both define PG_VERSION*.
#undef PG_VERSION
#undef PG_VERSION_NUM
#undef PG_MAJORVERSION
#undef PG_MAJORVERSION_NUM
#undef PG_VERSION_STR

#include "postgres.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "nodes/primnodes.h"
#include "nodes/value.h"

#include <pg_query/pg_query_internal.h>

#if PG_MAJORVERSION_NUM != 15
#error "libpg_query 15 needs PostgreSQL 15's node headers (postgresql-server-dev-15)"
#endif

typedef struct Ctx {
  ProtobufCAllocator *allocator;
} Ctx;

static void *arena_alloc(Ctx *c, size_t size) { return c->allocator->alloc(c->allocator->allocator_data, size); }

static char *conv_str(Ctx *c, const char *s) {
  if (s == NULL) return (char *)protobuf_c_empty_string;
  size_t n = strlen(s) + 1;
  char *out = (char *)arena_alloc(c, n);
  memcpy(out, s, n);
  return out;
}

static char *conv_char(Ctx *c, char ch) {
  if (ch == 0) return (char *)protobuf_c_empty_string;
  char *out = (char *)arena_alloc(c, 2);
  out[0] = ch;
  out[1] = '\0';
  return out;
}

static PgQuery__Node *new_node(Ctx *c) {
  PgQuery__Node *out = (PgQuery__Node *)arena_alloc(c, sizeof *out);
  static const PgQuery__Node init = PG_QUERY__NODE__INIT;
  *out = init;
  return out;
}

static void conv_node_into(Ctx *c, const Node *n, PgQuery__Node *out);

static PgQuery__Node *conv_node(Ctx *c, const void *n) {
  if (n == NULL) return NULL;
  PgQuery__Node *out = new_node(c);
  conv_node_into(c, (const Node *)n, out);
  return out;
}

// A List's elements as Nodes; returns the count. IntList and OidList
// elements become Integer nodes, as libpg_query writes them.
static size_t conv_list(Ctx *c, const List *l, PgQuery__Node ***items) {
  int n = list_length(l);
  if (n == 0) return 0;
  PgQuery__Node **out = (PgQuery__Node **)arena_alloc(c, sizeof(PgQuery__Node *) * (size_t)n);
  for (int i = 0; i < n; ++i) {
    const ListCell *cell = list_nth_cell(l, i);
    if (IsA(l, List)) {
      out[i] = new_node(c);
      if (lfirst(cell) != NULL) conv_node_into(c, (const Node *)lfirst(cell), out[i]);
    } else {
      PgQuery__Integer *v = (PgQuery__Integer *)arena_alloc(c, sizeof *v);
      static const PgQuery__Integer init = PG_QUERY__INTEGER__INIT;
      *v = init;
      v->ival = IsA(l, IntList) ? lfirst_int(cell) : (int32_t)lfirst_oid(cell);
      out[i] = new_node(c);
      out[i]->node_case = PG_QUERY__NODE__NODE_INTEGER;
      out[i]->integer = v;
    }
  }
  *items = out;
  return (size_t)n;
}

// A node kind the generator has no converter for (none occurs in a raw
// parse tree): its message, empty.
static void conv_empty(Ctx *c, int node_case, PgQuery__Node *out) {
  const ProtobufCFieldDescriptor *f =
      protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, (unsigned)node_case);
  if (f == NULL || f->descriptor == NULL) return;
  const ProtobufCMessageDescriptor *d = (const ProtobufCMessageDescriptor *)f->descriptor;
  void *message = arena_alloc(c, d->sizeof_message);
  protobuf_c_message_init(d, message);
  out->node_case = (PgQuery__Node__NodeCase)node_case;
  memcpy((char *)out + f->offset, &message, sizeof message);
}

static PgQuery__List *conv_special_List(Ctx *c, const Node *n);
static PgQuery__IntList *conv_special_IntList(Ctx *c, const Node *n);
static PgQuery__OidList *conv_special_OidList(Ctx *c, const Node *n);
static PgQuery__AConst *conv_special_A_Const(Ctx *c, const Node *n);

#include "sql/pg_convert_gen.inc"

// List, IntList and OidList: one message shape, their items.
#define CONV_SPECIAL_LIST(kind, Message, INIT)                        \
  static Message *conv_special_##kind(Ctx *c, const Node *n) {        \
    Message *out = (Message *)arena_alloc(c, sizeof *out);            \
    static const Message init = INIT;                                 \
    *out = init;                                                      \
    out->n_items = conv_list(c, (const List *)n, &out->items);        \
    return out;                                                       \
  }
CONV_SPECIAL_LIST(List, PgQuery__List, PG_QUERY__LIST__INIT)
CONV_SPECIAL_LIST(IntList, PgQuery__IntList, PG_QUERY__INT_LIST__INIT)
CONV_SPECIAL_LIST(OidList, PgQuery__OidList, PG_QUERY__OID_LIST__INIT)

// A_Const keeps its value inline in a union of value nodes.
static PgQuery__AConst *conv_special_A_Const(Ctx *c, const Node *node) {
  const A_Const *n = (const A_Const *)node;
  PgQuery__AConst *out = (PgQuery__AConst *)arena_alloc(c, sizeof *out);
  static const PgQuery__AConst init = PG_QUERY__A__CONST__INIT;
  *out = init;
  out->isnull = n->isnull;
  out->location = n->location;
  if (n->isnull) return out;
  switch (nodeTag(&n->val.node)) {
    case T_Integer:
      out->val_case = PG_QUERY__A__CONST__VAL_IVAL;
      out->ival = conv_Integer(c, &n->val.ival);
      break;
    case T_Float:
      out->val_case = PG_QUERY__A__CONST__VAL_FVAL;
      out->fval = conv_Float(c, &n->val.fval);
      break;
    case T_Boolean:
      out->val_case = PG_QUERY__A__CONST__VAL_BOOLVAL;
      out->boolval = conv_Boolean(c, &n->val.boolval);
      break;
    case T_String:
      out->val_case = PG_QUERY__A__CONST__VAL_SVAL;
      out->sval = conv_String(c, &n->val.sval);
      break;
    case T_BitString:
      out->val_case = PG_QUERY__A__CONST__VAL_BSVAL;
      out->bsval = conv_BitString(c, &n->val.bsval);
      break;
    default:
      break;
  }
  return out;
}

StrataPgParse strata_pg_parse(const char *sql, ProtobufCAllocator *allocator) {
  StrataPgParse result = {NULL, 0, NULL};
  Ctx c = {allocator};
  MemoryContext ctx = pg_query_enter_memory_context();
  PgQueryInternalParsetreeAndError parsed = pg_query_raw_parse(sql);
  free(parsed.stderr_buffer);
  if (parsed.error != NULL) {
    result.error = parsed.error;
  } else {
    int n = list_length(parsed.tree);
    result.stmts = (PgQuery__RawStmt **)arena_alloc(&c, sizeof(PgQuery__RawStmt *) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; ++i) {
      const Node *stmt = (const Node *)list_nth(parsed.tree, i);
      if (stmt == NULL || !IsA(stmt, RawStmt)) continue;
      result.stmts[result.n_stmts++] = conv_RawStmt(&c, (const RawStmt *)stmt);
    }
  }
  pg_query_exit_memory_context(ctx);
  return result;
}

void strata_pg_free_error(PgQueryError *error) { pg_query_free_error(error); }
