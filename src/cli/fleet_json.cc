// The JSON document of a fleet run (docs/json.md#fleets): each target with
// the document its command prints for one database.
#include <nlohmann/json.hpp>

#include "cli/fleet.h"
#include "cli/json.h"

namespace strata::cli {
namespace {

nlohmann::ordered_json Report(const FleetTargetResult& r) {
  std::string doc;
  if (r.up) doc = ToJson(*r.up);
  if (r.status) doc = strata::ToJson(*r.status);
  if (r.drift) doc = ToJson(*r.drift);
  if (r.lint) doc = ToJson(*r.lint);
  if (r.health) doc = strata::ToJson(*r.health);
  if (doc.empty()) return nullptr;
  return nlohmann::ordered_json::parse(doc, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

std::string ToJson(const FleetReport& report, const std::vector<int>& exit_codes, int exit_code) {
  nlohmann::ordered_json j;
  j["command"] = ToString(report.command);
  j["parallel"] = report.parallel;
  j["duration_ms"] = report.duration_ms;
  j["cancelled"] = report.cancelled;
  j["exit_code"] = exit_code;
  j["summary"] = {{"targets", report.targets.size()},
                  {"ok", report.ok},
                  {"failed", report.failed},
                  {"skipped", report.skipped}};
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (size_t i = 0; i < report.targets.size(); ++i) {
    const FleetTargetResult& r = report.targets[i];
    nlohmann::ordered_json t;
    t["name"] = r.target.name;
    t["url"] = r.target.url.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.target.url);
    t["env"] = r.target.env.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.target.env);
    t["schema"] = r.target.schema.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.target.schema);
    t["origin"] = r.target.origin;
    t["result"] = ToString(r.outcome);
    t["exit_code"] = r.outcome == FleetOutcome::kSkipped ? nlohmann::ordered_json(nullptr)
                                                         : nlohmann::ordered_json(exit_codes[i]);
    t["duration_ms"] = r.duration_ms;
    if (r.error.ok()) {
      t["error"] = nullptr;
    } else {
      auto e = nlohmann::ordered_json::parse(ErrorJson(r.error, exit_codes[i]), nullptr, false);
      t["error"] = e.is_object() && e.contains("error") ? e["error"] : nlohmann::ordered_json(r.error.ToString());
    }
    t["report"] = Report(r);
    targets.push_back(std::move(t));
  }
  j["targets"] = std::move(targets);
  return j.dump(2);
}

}  // namespace strata::cli
