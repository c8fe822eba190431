#include "api/schema_compare.h"

#include <algorithm>
#include <map>
#include <optional>

#include "schema/render_postgres.h"

namespace strata::api {
namespace {

// The public spelling of a name: "schema.name" outside public (as inspect).
std::string Display(const std::string& schema, const std::string& name) {
  return schema.empty() || schema == "public" ? name : schema + "." + name;
}

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

class Comparer {
 public:
  Comparer(const CompareWords& words, std::vector<SchemaDifference>* out) : w_(words), out_(out) {}

  void Add(const std::string& kind, const std::string& name, std::string detail) {
    out_->push_back({kind, name, std::move(detail)});
  }

  // "<what>: <a> in the migrations, <b> in the database"
  std::string Values(const std::string& what, const std::string& a, const std::string& b) const {
    return what + ": " + a + " " + w_.expected + ", " + b + " " + w_.actual;
  }

  // Objects compared whole: present on one side only, or different text.
  // `describe` gives the text that must be equal.
  template <class T, class Key, class Describe>
  void Objects(const std::string& kind, const std::vector<T>& want, const std::vector<T>& got, Key key,
               Describe describe) {
    std::map<std::string, const T*> theirs;
    for (const auto& g : got) theirs[key(g)] = &g;
    for (const auto& e : want) {
      auto it = theirs.find(key(e));
      if (it == theirs.end()) {
        Add(kind, key(e), w_.missing);
      } else if (!(e == *it->second)) {
        std::string a = describe(e), b = describe(*it->second);
        // Whole view or trigger bodies side by side help nobody: name the object only.
        bool short_enough = a != b && a.size() + b.size() <= 160;
        Add(kind, key(e), short_enough ? Values("definition", a, b) : "definition differs");
      }
    }
    std::map<std::string, const T*> ours;
    for (const auto& e : want) ours[key(e)] = &e;
    for (const auto& g : got) {
      if (!ours.count(key(g))) Add(kind, key(g), w_.extra);
    }
  }

  // Parts of one table that are compared as sets of descriptions.
  void Parts(const std::string& table, const std::vector<std::string>& want, const std::vector<std::string>& got) {
    for (const auto& e : want) {
      if (std::find(got.begin(), got.end(), e) == got.end()) Add("table", table, e + " " + w_.missing);
    }
    for (const auto& g : got) {
      if (std::find(want.begin(), want.end(), g) == want.end()) Add("table", table, g + " " + w_.extra);
    }
  }

  void Columns(const std::string& table, const schema::Column& a, const schema::Column& b) {
    std::string c = "column " + a.name;
    auto opt = [](const std::optional<std::string>& v) { return v ? *v : std::string("none"); };
    if (a.type != b.type) Add("table", table, Values(c + ": type", Or(a.type), Or(b.type)));
    if (a.not_null != b.not_null) {
      Add("table", table, Values(c, a.not_null ? "NOT NULL" : "nullable", b.not_null ? "NOT NULL" : "nullable"));
    }
    if (a.default_expr != b.default_expr) Add("table", table, Values(c + ": default", opt(a.default_expr), opt(b.default_expr)));
    auto coll = [](const schema::Column& x) {
      return x.collation_schema.empty() ? Or(x.collation) : x.collation_schema + "." + x.collation;
    };
    if (coll(a) != coll(b)) Add("table", table, Values(c + ": collation", coll(a), coll(b)));
    if (a.storage != b.storage) Add("table", table, Values(c + ": storage", Or(a.storage), Or(b.storage)));
    if (a.compression != b.compression) Add("table", table, Values(c + ": compression", Or(a.compression), Or(b.compression)));
    if (a.statistics != b.statistics) {
      Add("table", table, Values(c + ": statistics", std::to_string(a.statistics), std::to_string(b.statistics)));
    }
    if (a.identity_options != b.identity_options) {
      Add("table", table, Values(c + ": identity options", Or(a.identity_options), Or(b.identity_options)));
    }
    if (a.inherited != b.inherited) {
      Add("table", table, Values(c, a.inherited ? "inherited" : "declared", b.inherited ? "inherited" : "declared"));
    }
    if (a.generated_expr != b.generated_expr || a.generated_stored != b.generated_stored) {
      auto gen = [&](const schema::Column& x) {
        return x.generated_expr ? *x.generated_expr + (x.generated_stored ? " STORED" : " VIRTUAL") : std::string("none");
      };
      Add("table", table, Values(c + ": generated", gen(a), gen(b)));
    }
    if (a.identity != b.identity) {
      auto id = [](schema::Identity i) {
        return i == schema::Identity::kAlways ? "ALWAYS" : i == schema::Identity::kByDefault ? "BY DEFAULT" : "none";
      };
      Add("table", table, Values(c + ": identity", id(a.identity), id(b.identity)));
    }
    if (a.hidden != b.hidden) Add("table", table, c + ": hidden differs");
  }

  void Table(const schema::Table& a, const schema::Table& b) {
    std::string name = Display(a.schema, a.name);
    std::vector<std::string> order_a, order_b;
    for (const auto& c : a.columns) {
      const schema::Column* other = b.FindColumn(c.name);
      if (!other) {
        Add("table", name, "column " + c.name + " " + w_.missing);
        continue;
      }
      Columns(name, c, *other);
      order_a.push_back(c.name);
    }
    for (const auto& c : b.columns) {
      if (!a.FindColumn(c.name)) {
        Add("table", name, "column " + c.name + " " + w_.extra);
      } else {
        order_b.push_back(c.name);
      }
    }
    if (w_.dialect == schema::Dialect::kSqlite && order_a != order_b) Add("table", name, Values("column order", "(" + List(order_a) + ")", "(" + List(order_b) + ")"));
    auto pk = [](const schema::Table& t) {
      if (!t.primary_key) return std::string("none");
      return "(" + List(t.primary_key->columns) + ")" + (t.primary_key->autoincrement ? " AUTOINCREMENT" : "");
    };
    if (pk(a) != pk(b)) Add("table", name, Values("primary key", pk(a), pk(b)));
    Parts(name, Constraints(a), Constraints(b));
    auto flag = [&](const char* what, bool x, bool y) {
      if (x != y) Add("table", name, Values(what, x ? "yes" : "no", y ? "yes" : "no"));
    };
    flag("WITHOUT ROWID", a.without_rowid, b.without_rowid);
    flag("STRICT", a.strict, b.strict);
    flag("UNLOGGED", a.unlogged, b.unlogged);
    flag("row level security", a.row_security, b.row_security);
    flag("forced row level security", a.force_row_security, b.force_row_security);
    if (a.options != b.options) Add("table", name, Values("storage parameters", "(" + List(a.options) + ")", "(" + List(b.options) + ")"));
    if (a.replica_identity != b.replica_identity) {
      Add("table", name, Values("replica identity", Or(a.replica_identity), Or(b.replica_identity)));
    }
    if (a.cluster_on != b.cluster_on) Add("table", name, Values("cluster index", Or(a.cluster_on), Or(b.cluster_on)));
    auto parents = [](const schema::Table& t) {
      std::vector<std::string> out;
      for (const auto& p : t.inherits) out.push_back(Display(p.schema, p.name));
      return out.empty() ? std::string("none") : List(out);
    };
    if (parents(a) != parents(b)) Add("table", name, Values("inherits", parents(a), parents(b)));
    if (a.partition_by != b.partition_by) Add("table", name, Values("partition key", Or(a.partition_by), Or(b.partition_by)));
    std::string pa = a.partition_of.empty() ? "" : Display(a.partition_of_schema, a.partition_of) + " " + a.partition_bound;
    std::string pb = b.partition_of.empty() ? "" : Display(b.partition_of_schema, b.partition_of) + " " + b.partition_bound;
    if (pa != pb) Add("table", name, Values("partition of", Or(pa), Or(pb)));
  }

 private:
  static std::string Or(const std::string& s) { return s.empty() ? "none" : s; }

  static std::vector<std::string> Constraints(const schema::Table& t) {
    std::vector<std::string> out;
    auto named = [](const std::string& n) { return n.empty() ? std::string() : " (" + n + ")"; };
    auto deferrable = [](bool d, bool i) { return std::string(d ? (i ? " deferrable initially deferred" : " deferrable") : ""); };
    if (t.primary_key && (t.primary_key->deferrable || !t.primary_key->options.empty())) {
      out.push_back("primary key" + named(t.primary_key->name) +
                    (t.primary_key->options.empty() ? "" : " " + t.primary_key->options) +
                    deferrable(t.primary_key->deferrable, t.primary_key->initially_deferred));
    }
    for (const auto& u : t.uniques) {
      out.push_back("unique " + std::string(u.nulls_not_distinct ? "nulls not distinct " : "") + "(" + List(u.columns) +
                    ")" + (u.options.empty() ? "" : " " + u.options) + deferrable(u.deferrable, u.initially_deferred) +
                    named(u.name));
    }
    for (const auto& c : t.checks) {
      out.push_back("check (" + c.expr + ")" + named(c.name) + (c.no_inherit ? " NO INHERIT" : "") +
                    (c.not_valid ? " NOT VALID" : ""));
    }
    for (const auto& fk : t.foreign_keys) {
      std::string s = "foreign key (" + List(fk.columns) + ") references " + Display(fk.ref_schema, fk.ref_table);
      if (!fk.ref_columns.empty()) s += " (" + List(fk.ref_columns) + ")";
      if (fk.on_delete != schema::FkAction::kNoAction) s += " on delete " + std::string(schema::ToString(fk.on_delete));
      if (fk.on_update != schema::FkAction::kNoAction) s += " on update " + std::string(schema::ToString(fk.on_update));
      if (fk.deferrable) s += fk.initially_deferred ? " deferrable initially deferred" : " deferrable";
      if (fk.not_valid) s += " NOT VALID";
      out.push_back(s + named(fk.name));
    }
    for (const auto& x : t.exclusions) out.push_back("constraint " + x.definition + named(x.name));
    return out;
  }

  const CompareWords& w_;
  std::vector<SchemaDifference>* out_;
};

// `s` as far as the comparison cares: columns by name when order does not count.
schema::Schema Normal(schema::Schema s, const CompareWords& words) {
  s.not_compared.clear();  // named one by one above
  if (words.dialect == schema::Dialect::kSqlite) return s;
  for (auto& t : s.tables) {
    std::sort(t.columns.begin(), t.columns.end(),
              [](const schema::Column& a, const schema::Column& b) { return a.name < b.name; });
  }
  return s;
}

template <class T>
std::string NameOf(const T& x) {
  return Display(x.schema, x.name);
}

}  // namespace

CompareWords DriftWords(schema::Dialect dialect) {
  return {"missing in the database", "not in the migrations", "in the migrations", "in the database", dialect};
}

CompareWords DownWords(schema::Dialect dialect) {
  return {"missing after down", "left behind by down", "before up", "after down", dialect};
}

std::vector<SchemaDifference> CompareSchemas(const schema::Schema& expected, const schema::Schema& actual_as_is,
                                             const CompareWords& words) {
  const schema::Schema actual = words.dialect == schema::Dialect::kSqlite
                                    ? schema::AlignSqliteSpelling(expected, actual_as_is)
                                    : actual_as_is;
  std::vector<SchemaDifference> out;
  Comparer c(words, &out);
  // Namespaces are plain names.
  for (const auto& s : expected.schemas) {
    if (std::find(actual.schemas.begin(), actual.schemas.end(), s) == actual.schemas.end()) c.Add("schema", s, words.missing);
  }
  for (const auto& s : actual.schemas) {
    if (std::find(expected.schemas.begin(), expected.schemas.end(), s) == expected.schemas.end()) c.Add("schema", s, words.extra);
  }
  c.Objects("extension", expected.extensions, actual.extensions, [](const schema::Extension& e) { return e.name; },
            [](const schema::Extension& e) { return "in schema " + e.schema; });
  c.Objects("type", expected.enums, actual.enums, NameOf<schema::EnumType>,
            [](const schema::EnumType& e) { return "enum (" + List(e.values) + ")"; });
  c.Objects("domain", expected.domains, actual.domains, NameOf<schema::Domain>,
            [](const schema::Domain& d) { return d.type + (d.not_null ? " NOT NULL" : ""); });
  c.Objects("sequence", expected.sequences, actual.sequences, NameOf<schema::Sequence>, [](const schema::Sequence& s) {
    return s.type + " start " + std::to_string(s.start) + " increment " + std::to_string(s.increment) +
           (s.owned_by ? " owned by " + *s.owned_by : "");
  });
  // Tables: whole-table presence first, then the parts of the common ones.
  std::map<std::string, const schema::Table*> got;
  for (const auto& t : actual.tables) got[NameOf(t)] = &t;
  std::map<std::string, const schema::Table*> want;
  for (const auto& t : expected.tables) want[NameOf(t)] = &t;
  for (const auto& t : expected.tables) {
    auto it = got.find(NameOf(t));
    if (it == got.end()) {
      c.Add("table", NameOf(t), words.missing);
    } else if (!(t == *it->second)) {
      c.Table(t, *it->second);
    }
  }
  for (const auto& t : actual.tables) {
    if (!want.count(NameOf(t))) c.Add("table", NameOf(t), words.extra);
  }
  c.Objects("index", expected.indexes, actual.indexes, NameOf<schema::Index>, [](const schema::Index& i) {
    if (!i.definition.empty()) return i.definition;
    std::string parts;
    for (const auto& p : i.parts) {
      parts += (parts.empty() ? "" : ", ") + (p.expr.empty() ? p.column : p.expr);
      if (!p.collation.empty()) parts += " COLLATE " + p.collation;
      if (p.desc) parts += " DESC";
    }
    return std::string(i.unique ? "unique " : "") + "on " + i.table + " (" + parts + ")" +
           (i.where.empty() ? "" : " WHERE " + i.where);
  });
  c.Objects("view", expected.views, actual.views, NameOf<schema::View>, [](const schema::View& v) { return v.sql; });
  c.Objects("trigger", expected.triggers, actual.triggers, NameOf<schema::Trigger>,
            [](const schema::Trigger& t) { return t.sql + (t.enabled.empty() ? "" : " (" + t.enabled + ")"); });
  c.Objects("policy", expected.policies, actual.policies,
            [](const schema::Policy& p) { return p.name + " on " + Display(p.schema, p.table); },
            [](const schema::Policy& p) { return schema::PostgresCreatePolicy(p); });
  c.Objects("collation", expected.collations, actual.collations, NameOf<schema::Collation>,
            [](const schema::Collation& x) { return schema::PostgresCreateCollation(x); });
  c.Objects("type", expected.composites, actual.composites, NameOf<schema::CompositeType>,
            [](const schema::CompositeType& x) { return schema::PostgresCreateComposite(x); });
  // Objects the model does not hold: present on one side only is a
  // difference; what they are is not compared.
  for (const auto& item : expected.not_compared) {
    if (!std::binary_search(actual.not_compared.begin(), actual.not_compared.end(), item)) c.Add("object", item, words.missing);
  }
  for (const auto& item : actual.not_compared) {
    if (!std::binary_search(expected.not_compared.begin(), expected.not_compared.end(), item)) c.Add("object", item, words.extra);
  }
  c.Objects("routine", expected.routines, actual.routines,
            [](const schema::Routine& r) { return Display(r.schema, r.name) + "(" + r.arguments + ")"; },
            [](const schema::Routine&) { return std::string("(body)"); });
  c.Objects("comment", expected.comments, actual.comments, [](const schema::Comment& x) { return x.object; },
            [](const schema::Comment& x) { return "'" + x.text + "'"; });
  // Anything operator== sees that the walk above does not name (a field
  // added to the model later) must still not pass as "equal".
  if (out.empty() && !(Normal(expected, words) == Normal(actual, words))) {
    out.push_back({"schema", "", "differs in a detail strata cannot name"});
  }
  return out;
}

}  // namespace strata::api
