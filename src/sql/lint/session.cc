// Session rules: settings that outlive the migration that sets them.
#include "sql/lint/rule.h"

namespace strata::sql::lint {
namespace {

bool IsFalse(const PgNode* n) {
  if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST || !n->a_const) return false;
  const PgQuery__AConst* c = n->a_const;
  if (c->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL) return c->boolval && !c->boolval->boolval;
  if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL && c->sval && c->sval->sval) {
    std::string_view v = c->sval->sval;
    return v == "false" || v == "f" || v == "off" || v == "0";
  }
  return false;
}

// SELECT [pg_catalog.]set_config('name', value, false): the function form of
// SET, as pg_dump writes it ("set_config('search_path', '', false)").
std::string SessionSetConfig(const PgNode* n) {
  if (n->node_case != PG_QUERY__NODE__NODE_SELECT_STMT || !n->select_stmt) return "";
  const PgQuery__SelectStmt* s = n->select_stmt;
  for (size_t i = 0; i < s->n_target_list; ++i) {
    const PgNode* t = s->target_list[i];
    if (!t || t->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !t->res_target->val) continue;
    const PgNode* v = t->res_target->val;
    if (v->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) continue;
    const PgQuery__FuncCall* f = v->func_call;
    if (f->n_funcname == 0 || StringValue(f->funcname[f->n_funcname - 1]) != "set_config" || f->n_args != 3) continue;
    if (!IsFalse(f->args[2])) continue;
    const PgNode* name = f->args[0];
    if (name && name->node_case == PG_QUERY__NODE__NODE_A_CONST && name->a_const->sval && name->a_const->sval->sval) {
      return name->a_const->sval->sval;
    }
    return "a setting";
  }
  return "";
}

}  // namespace

void CheckSession(const StatementContext& ctx, Reporter& out) {
  if (!ctx.postgres || !ctx.info->in_transaction) return;
  const PgNode* n = ctx.node;
  std::string name;
  if (n->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) {
    const PgQuery__VariableSetStmt* set = n->variable_set_stmt;
    // SET LOCAL ends with the transaction; SET TRANSACTION ... (VAR_SET_MULTI)
    // applies to it alone.
    if (set->is_local || set->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI) return;
    if (set->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL) {
      name = "ALL";
    } else {
      name = set->name ? set->name : "";
    }
    if (name.empty()) return;
    std::string verb = set->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ||
                               set->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL
                           ? "RESET "
                           : "SET ";
    out.Report("session-set",
               verb + name +
                   " changes the session, not just this migration: run as written (psql, another tool) it lasts "
                   "after the migration's transaction ends. strata resets the session after each migration; "
                   "SET LOCAL " + name + " says what is meant");
    return;
  }
  name = SessionSetConfig(n);
  if (name.empty()) return;
  out.Report("session-set", "set_config('" + name +
                                "', ..., false) changes the session, not just this migration: run as written it "
                                "lasts after the migration's transaction ends. strata resets the session after each "
                                "migration; set_config(..., true) ends with the transaction");
}

}  // namespace strata::sql::lint
