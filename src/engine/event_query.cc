#include "engine/event_query.h"

#include <cstdlib>

namespace strata::engine {
namespace {

std::optional<int64_t> Int(const driver::Value& v) {
  if (!v || v->empty()) return std::nullopt;
  return std::strtoll(v->c_str(), nullptr, 10);
}

}  // namespace

Result<std::vector<EventInfo>> ReadEvents(driver::Connection& conn, const TableNames& names, const EventQuery& query) {
  auto exists = conn.TableExists(names.schema, names.events);
  if (!exists.ok()) return exists.status();
  if (!*exists || query.limit <= 0) return std::vector<EventInfo>{};
  History history(conn, names, "");
  bool pg = conn.dialect() == driver::Dialect::kPostgres;
  std::string occurred = pg ? "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                            : "occurred_at";
  std::string where;
  std::vector<driver::Value> params;
  auto list = [&](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& k : items) {
      params.emplace_back(k);
      out += (out.empty() ? "$" : ", $") + std::to_string(params.size());
    }
    return out;
  };
  if (!query.kinds.empty()) where += " AND kind IN (" + list(query.kinds) + ")";
  if (!query.exclude_kinds.empty()) where += " AND kind NOT IN (" + list(query.exclude_kinds) + ")";
  if (!query.outcome.empty()) where += " AND outcome = " + list({query.outcome});
  // id orders events: occurred_at is the finishing time, and two runners'
  // clocks may disagree.
  auto rows = conn.Query("SELECT id, " + occurred +
                             ", kind, outcome, version, name, batch, duration_ms, actor, host, environment, error,"
                             " statement, detail FROM " + history.events_table() + " WHERE 1 = 1" + where +
                             " ORDER BY id DESC LIMIT " + std::to_string(query.limit),
                         params);
  if (!rows.ok()) return rows.status().With("read " + names.events);
  std::vector<EventInfo> out;
  out.reserve(rows->rows.size());
  for (auto& r : rows->rows) {
    EventInfo e;
    e.id = Int(r[0]).value_or(0);
    e.occurred_at = r[1].value_or("");
    e.kind = r[2].value_or("");
    e.outcome = r[3].value_or("");
    e.version = r[4].value_or("");
    e.name = r[5].value_or("");
    e.batch = Int(r[6]);
    e.duration_ms = Int(r[7]);
    e.actor = r[8].value_or("");
    e.host = r[9].value_or("");
    e.environment = r[10].value_or("");
    e.error = std::move(r[11]);
    e.statement = std::move(r[12]);
    e.detail = std::move(r[13]);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::map<std::string, int64_t>> CountEvents(driver::Connection& conn, const TableNames& names,
                                                   const std::string& outcome) {
  std::map<std::string, int64_t> out;
  auto exists = conn.TableExists(names.schema, names.events);
  if (!exists.ok()) return exists.status();
  if (!*exists) return out;
  History history(conn, names, "");
  auto rows = conn.Query("SELECT kind, count(*) FROM " + history.events_table() + " WHERE outcome = $1 GROUP BY kind",
                         {outcome});
  if (!rows.ok()) return rows.status().With("read " + names.events);
  for (const auto& r : rows->rows) out[r[0].value_or("")] = Int(r[1]).value_or(0);
  return out;
}

}  // namespace strata::engine
