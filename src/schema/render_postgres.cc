#include "schema/render_postgres.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

namespace strata::schema {

namespace {

std::string Quote(std::string_view ident) { return QuoteIdent(ident); }

std::string Named(const std::string& name) { return name.empty() ? "" : "CONSTRAINT " + Quote(name) + " "; }

// The type a domain is based on, as "schema.name" or "name", without quotes
// or array brackets: enough to see that it names another domain.
std::string BaseTypeName(std::string type) {
  while (type.size() > 2 && type.ends_with("[]")) type.resize(type.size() - 2);
  std::erase(type, '"');
  return type;
}

// Whether `text` calls routine `r` by name: the name, bare or double-quoted,
// followed by '(' and not preceded by an identifier character. Used where
// pg_depend says nothing (a SQL body kept as a string) and to find which of
// a table's expressions call a routine; a false positive only adds an edge.
bool Calls(std::string_view text, const Routine& r) {
  auto is_ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  for (const std::string& needle : {r.name + "(", Quote(r.name) + "("}) {
    for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) {
      if (pos == 0 || !is_ident(text[pos - 1])) return true;
    }
  }
  return false;
}

// The identifiers in SQL text, as PostgreSQL resolves them: bare words
// folded to lower case, double-quoted ones as written. String literals and
// -- comments are skipped.
std::set<std::string> Identifiers(std::string_view sql) {
  std::set<std::string> out;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  for (size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'') {
      i = sql.find('\'', i + 1);  // '' inside a literal: two literals, same effect
      i = i == std::string_view::npos ? sql.size() : i + 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) i = sql.size();
    } else if (c == '"') {
      std::string ident;
      for (++i; i < sql.size(); ++i) {
        if (sql[i] == '"' && i + 1 < sql.size() && sql[i + 1] == '"') {
          ident += '"';
          ++i;
        } else if (sql[i] == '"') {
          break;
        } else {
          ident += sql[i];
        }
      }
      out.insert(ident);
      ++i;
    } else if (word(c) && !std::isdigit(static_cast<unsigned char>(c))) {
      size_t end = i;
      while (end < sql.size() && word(sql[end])) ++end;
      std::string ident(sql.substr(i, end - i));
      for (char& ch : ident) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.insert(ident);
      i = end;
    } else {
      ++i;
    }
  }
  return out;
}

// The body of a SQL-language routine written as a string (AS $function$...$function$),
// or "" for any other routine. PostgreSQL checks such a body against the
// catalog at CREATE time (check_function_bodies) but records nothing of what
// it reads or calls in pg_depend, so the text is all there is. A BEGIN
// ATOMIC body has its dependencies in Routine::depends_on; other languages'
// bodies are not checked against the catalog at CREATE time.
std::string_view StringSqlBody(const Routine& r) {
  std::string_view def = r.definition;
  size_t as = def.find("\nAS ");
  size_t language = def.find("\n LANGUAGE sql\n");
  if (as == std::string_view::npos || language == std::string_view::npos || language > as) return {};
  if (def.find("\nBEGIN ATOMIC") < as) return {};
  std::string_view body = def.substr(as + 4);
  // Inside the dollar quotes ($function$ unless the body contains that).
  size_t tag_end = body.starts_with('$') ? body.find('$', 1) : std::string_view::npos;
  if (tag_end == std::string_view::npos) return body;
  std::string_view tag = body.substr(0, tag_end + 1);
  size_t close = body.rfind(tag);
  return close > tag_end ? body.substr(tag_end + 1, close - tag_end - 1) : body;
}

std::string Key(const std::string& schema, const std::string& name) { return schema + "." + name; }
std::string RoutineKey(const Routine& r) { return r.schema + "." + r.name + "(" + r.arguments + ")"; }

// The statements of the script as a dependency graph. Each node is one or a
// few statements created together; nodes are added in the preferred order
// (the groups listed in render_postgres.h, each by name), and the script is
// that order except that a node's dependencies are written just before it
// (depth-first). A cycle is cut where the walk meets it; the one that can be
// cut properly, a table whose check or default calls a routine that needs
// the table, is cut before the walk (DeferCyclicCalls).
struct Graph {
  struct Node {
    std::vector<std::string> statements;
    std::vector<size_t> deps;
  };
  std::vector<Node> nodes;
  std::map<std::string, size_t> relations;  // "schema.name" of tables and views
  std::map<std::string, size_t> domains;    // "schema.name"
  std::map<std::string, size_t> routines;   // RoutineKey
  std::map<size_t, const Routine*> routine_of;

  size_t Add(std::vector<std::string> statements = {}) {
    nodes.push_back({std::move(statements), {}});
    return nodes.size() - 1;
  }
  void Depend(size_t node, const std::map<std::string, size_t>& names, const std::string& name) {
    auto it = names.find(name);
    if (it != names.end() && it->second != node) nodes[node].deps.push_back(it->second);
  }
  bool Reaches(size_t from, size_t to) const {
    std::vector<bool> seen(nodes.size());
    std::vector<size_t> stack = {from};
    while (!stack.empty()) {
      size_t n = stack.back();
      stack.pop_back();
      if (n == to) return true;
      if (seen[n]) continue;
      seen[n] = true;
      for (size_t d : nodes[n].deps) stack.push_back(d);
    }
    return false;
  }
  std::string Render() const {
    std::vector<std::string> out;
    std::vector<int> state(nodes.size());  // 0 new, 1 being written, 2 written
    std::function<void(size_t)> visit = [&](size_t n) {
      if (state[n] != 0) return;
      state[n] = 1;
      std::vector<size_t> deps = nodes[n].deps;
      std::sort(deps.begin(), deps.end());
      for (size_t d : deps) visit(d);
      state[n] = 2;
      out.insert(out.end(), nodes[n].statements.begin(), nodes[n].statements.end());
    };
    for (size_t n = 0; n < nodes.size(); ++n) visit(n);
    std::string text;
    for (size_t i = 0; i < out.size(); ++i) text += (i > 0 ? "\n" : "") + out[i];
    return text;
  }
};

// A column's or domain's type, when it names a domain or a table (its row
// type). format_type leaves out the schema of a type on the search path.
void DependOnType(Graph& g, size_t node, const std::string& type) {
  std::string base = BaseTypeName(type);
  if (base.find('.') == std::string::npos) base = "public." + base;
  g.Depend(node, g.domains, base);
  g.Depend(node, g.relations, base);
}

// A table whose check or default calls a routine that (through other
// objects) needs the table cannot be created whole: it is created without
// those checks and defaults, which ALTER TABLE adds once the routine exists
// (appended to `later`, which then depends on the routine instead of the
// table). Returns the table as CREATE TABLE is to write it. A call from a
// generated column, an exclusion or the partition key cannot be moved; that
// cycle stays and the walk cuts it (the script then fails to load).
Table DeferCyclicCalls(Graph& g, size_t node, size_t later, const Table& t) {
  std::vector<std::pair<size_t, const Routine*>> cyclic;
  for (const auto& call : t.calls) {
    auto it = g.routines.find(call);
    if (it != g.routines.end() && g.Reaches(it->second, node)) cyclic.emplace_back(it->second, g.routine_of.at(it->second));
  }
  auto calls_cyclic = [&](std::string_view expr) {
    return std::any_of(cyclic.begin(), cyclic.end(), [&](const auto& c) { return Calls(expr, *c.second); });
  };
  Table created = t;
  std::string name = QuoteQualified(t.schema, t.name);
  std::erase_if(created.checks, [&](const CheckConstraint& c) {
    if (c.not_valid || !calls_cyclic(c.expr)) return false;
    g.nodes[later].statements.push_back("ALTER TABLE " + name + " ADD " + Named(c.name) + "CHECK (" + c.expr + ");\n");
    return true;
  });
  for (auto& c : created.columns) {
    if (!c.default_expr || !calls_cyclic(*c.default_expr)) continue;
    g.nodes[later].statements.push_back("ALTER TABLE " + name + " ALTER COLUMN " + Quote(c.name) + " SET DEFAULT " +
                                        *c.default_expr + ";\n");
    c.default_expr.reset();
  }
  // What the table still calls itself keeps its edge (and its cycle).
  std::string left = created.partition_by;
  for (const auto& c : created.checks) left += c.not_valid ? "" : " " + c.expr;  // NOT VALID: added later anyway
  for (const auto& x : created.exclusions) left += " " + x.definition;
  for (const auto& c : created.columns) left += " " + c.default_expr.value_or("") + " " + c.generated_expr.value_or("");
  for (const auto& [routine, r] : cyclic) {
    g.nodes[later].deps.push_back(routine);
    if (!Calls(left, *r)) std::erase(g.nodes[node].deps, routine);
  }
  // A partition's column with nothing left to say is not listed.
  if (!t.partition_of.empty()) {
    std::erase_if(created.columns, [](const Column& c) { return !c.not_null && !c.default_expr; });
  }
  return created;
}

// Dependencies on the tables whose names appear among `idents` (any schema:
// an extra edge only constrains the order).
void DependOnMentionedTables(Graph& g, size_t node, const std::vector<Table>& tables, const std::set<std::string>& idents) {
  for (const auto& t : tables) {
    if (idents.count(t.name)) g.Depend(node, g.relations, Key(t.schema, t.name));
  }
}
}  // namespace

std::string RenderPostgres(const Schema& unordered) {
  Schema schema = unordered;
  Canonicalize(schema);
  std::set<std::string> materialized;
  for (const auto& v : schema.views) {
    if (v.materialized) materialized.insert(Key(v.schema, v.name));
  }
  auto on_matview = [&](const Index& i) { return materialized.count(Key(i.schema, i.table)) > 0; };

  // Nodes in the preferred order; dependencies are added once all exist.
  Graph g;
  for (const auto& s : schema.schemas) g.Add({"CREATE SCHEMA " + Quote(s) + ";\n"});
  // An extension's types and functions may be used by everything below.
  for (const auto& e : schema.extensions) {
    g.Add({"CREATE EXTENSION " + Quote(e.name) + " WITH SCHEMA " + Quote(e.schema) + ";\n"});
  }
  for (const auto& c : schema.collations) g.Add({PostgresCreateCollation(c) + ";\n"});
  for (const auto& e : schema.enums) {
    std::string values;
    for (const auto& v : e.values) values += (values.empty() ? "" : ", ") + QuoteLiteral(v);
    g.Add({"CREATE TYPE " + QuoteQualified(e.schema, e.name) + " AS ENUM (" + values + ");\n"});
  }
  std::vector<size_t> domain_nodes, table_nodes, later_nodes, index_nodes, view_nodes, routine_nodes, composite_nodes;
  // Composite types go with domains: both are types a column may be of.
  for (const auto& c : schema.composites) {
    composite_nodes.push_back(g.domains[Key(c.schema, c.name)] = g.Add({PostgresCreateComposite(c) + ";\n"}));
  }
  for (const auto& d : schema.domains) {
    domain_nodes.push_back(g.domains[Key(d.schema, d.name)] = g.Add({PostgresCreateDomain(d) + ";\n"}));
    for (const auto& c : d.checks) {
      if (c.not_valid) {
        g.nodes.back().statements.push_back("ALTER DOMAIN " + QuoteQualified(d.schema, d.name) + " ADD " + Named(c.name) +
                                            "CHECK (" + c.expr + ") NOT VALID;\n");
      }
    }
  }
  for (const auto& s : schema.sequences) g.Add({PostgresCreateSequence(s) + ";\n"});
  for (const auto& t : schema.tables) table_nodes.push_back(g.relations[Key(t.schema, t.name)] = g.Add());
  for (const auto& s : schema.sequences) {
    if (s.owned_by) g.Add({"ALTER SEQUENCE " + QuoteQualified(s.schema, s.name) + " OWNED BY " + *s.owned_by + ";\n"});
  }
  // Per table: checks and defaults moved out of a cycle, then NOT VALID checks.
  for (size_t i = 0; i < schema.tables.size(); ++i) later_nodes.push_back(g.Add());
  // Indexes before foreign keys: a key may reference a unique index.
  for (const auto& i : schema.indexes) index_nodes.push_back(on_matview(i) ? 0 : g.Add({PostgresCreateIndex(i) + ";\n"}));
  // REPLICA IDENTITY USING INDEX and CLUSTER ON, once the index exists.
  std::vector<size_t> index_setting_nodes;
  for (const auto& t : schema.tables) {
    std::vector<std::string> statements;
    for (const auto& st : PostgresTableIndexSettings(t)) statements.push_back(st + ";\n");
    index_setting_nodes.push_back(g.Add(std::move(statements)));
  }
  for (const auto& t : schema.tables) {
    for (const auto& fk : t.foreign_keys) g.Add({PostgresAddForeignKey(t, fk) + ";\n"});
  }
  for (const auto& v : schema.views) view_nodes.push_back(g.relations[Key(v.schema, v.name)] = g.Add({v.sql + ";\n"}));
  for (size_t i = 0; i < schema.indexes.size(); ++i) {
    if (on_matview(schema.indexes[i])) index_nodes[i] = g.Add({PostgresCreateIndex(schema.indexes[i]) + ";\n"});
  }
  for (const auto& r : schema.routines) {
    routine_nodes.push_back(g.routines[RoutineKey(r)] = g.Add({r.definition + ";\n"}));
    g.routine_of[routine_nodes.back()] = &r;
  }
  for (const auto& t : schema.triggers) {
    g.Add({t.sql + ";\n"});
    if (!t.enabled.empty()) g.nodes.back().statements.push_back(PostgresTriggerEnabled(t) + ";\n");
  }
  std::vector<size_t> policy_nodes;
  for (const auto& p : schema.policies) policy_nodes.push_back(g.Add({PostgresCreatePolicy(p) + ";\n"}));
  for (const auto& c : schema.comments) g.Add({"COMMENT ON " + c.object + " IS " + QuoteLiteral(c.text) + ";\n"});

  auto calls = [&](size_t node, const std::vector<std::string>& keys) {
    for (const auto& k : keys) g.Depend(node, g.routines, k);
  };
  for (size_t i = 0; i < schema.domains.size(); ++i) {
    DependOnType(g, domain_nodes[i], schema.domains[i].type);
    calls(domain_nodes[i], schema.domains[i].calls);
  }
  for (size_t i = 0; i < schema.composites.size(); ++i) {
    for (const auto& a : schema.composites[i].attributes) DependOnType(g, composite_nodes[i], a.type);
  }
  for (size_t i = 0; i < schema.tables.size(); ++i) {
    const Table& t = schema.tables[i];
    if (!t.partition_of.empty()) g.Depend(table_nodes[i], g.relations, Key(t.partition_of_schema, t.partition_of));
    for (const auto& p : t.inherits) g.Depend(table_nodes[i], g.relations, Key(p.schema, p.name));
    g.nodes[index_setting_nodes[i]].deps.push_back(table_nodes[i]);
    for (const auto& c : t.columns) DependOnType(g, table_nodes[i], c.type);
    calls(table_nodes[i], t.calls);
    g.nodes[later_nodes[i]].deps.push_back(table_nodes[i]);
  }
  for (size_t i = 0; i < schema.indexes.size(); ++i) {
    for (size_t t = 0; t < schema.tables.size(); ++t) {
      const Table& table = schema.tables[t];
      if (table.schema == schema.indexes[i].schema &&
          (table.cluster_on == schema.indexes[i].name || table.replica_identity == schema.indexes[i].name)) {
        g.nodes[index_setting_nodes[t]].deps.push_back(index_nodes[i]);
      }
    }
    g.Depend(index_nodes[i], g.relations, Key(schema.indexes[i].schema, schema.indexes[i].table));
    calls(index_nodes[i], schema.indexes[i].calls);
  }
  for (size_t i = 0; i < schema.views.size(); ++i) {
    const View& v = schema.views[i];
    for (const auto& dep : v.depends_on) g.Depend(view_nodes[i], g.relations, dep);
    calls(view_nodes[i], v.calls);
    // The tables it reads (View::depends_on lists only views), which matters
    // when a routine that reads the view is needed before all tables exist.
    DependOnMentionedTables(g, view_nodes[i], schema.tables, Identifiers(v.sql));
  }
  for (size_t i = 0; i < schema.policies.size(); ++i) {
    const Policy& p = schema.policies[i];
    g.Depend(policy_nodes[i], g.relations, Key(p.schema, p.table));
    for (const auto& r : schema.routines) {
      if (Calls(p.using_expr + " " + p.check_expr, r)) g.Depend(policy_nodes[i], g.routines, RoutineKey(r));
    }
  }
  for (size_t i = 0; i < schema.routines.size(); ++i) {
    const Routine& r = schema.routines[i];
    for (const auto& dep : r.depends_on) {
      g.Depend(routine_nodes[i], g.routines, dep);
      g.Depend(routine_nodes[i], g.relations, dep);
      g.Depend(routine_nodes[i], g.domains, dep);
    }
    std::string_view body = StringSqlBody(r);
    if (body.empty()) continue;
    for (const auto& callee : schema.routines) {
      if (callee.name != r.name && Calls(body, callee)) g.Depend(routine_nodes[i], g.routines, RoutineKey(callee));
    }
    std::set<std::string> idents = Identifiers(body);
    DependOnMentionedTables(g, routine_nodes[i], schema.tables, idents);
    for (const auto& v : schema.views) {
      if (idents.count(v.name)) g.Depend(routine_nodes[i], g.relations, Key(v.schema, v.name));
    }
  }

  for (size_t i = 0; i < schema.tables.size(); ++i) {
    const Table& t = schema.tables[i];
    g.nodes[table_nodes[i]].statements = {RenderPostgresTable(DeferCyclicCalls(g, table_nodes[i], later_nodes[i], t))};
    for (const auto& st : PostgresTableSettings(t)) g.nodes[table_nodes[i]].statements.push_back(st + ";\n");
    for (const auto& c : t.checks) {
      if (c.not_valid) {
        g.nodes[later_nodes[i]].statements.push_back("ALTER TABLE " + QuoteQualified(t.schema, t.name) + " ADD " +
                                                     PostgresCheckDef(c) + ";\n");
      }
    }
  }
  return g.Render();
}

}  // namespace strata::schema
