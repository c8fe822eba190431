// The report documents shared by the CLI and the C ABI (<strata/json.h>).
// nlohmann/json is used here and in cli/json.cc (the CLI's other documents).
#include <strata/json.h>

#include "util/json_doc.h"

namespace strata {
namespace {

using util::Json;
using util::OrNull;
using util::StringOrNull;
std::string Dump(const Json& j) { return util::DumpJson(j); }

Json MigrationJson(const MigrationInfo& m) {
  Json j;
  j["version"] = m.version;
  j["name"] = m.name;
  j["state"] = std::string(ToString(m.state));
  j["out_of_order"] = m.out_of_order;
  j["repeatable"] = m.repeatable;
  j["reapply"] = m.reapply;
  j["empty"] = m.empty;
  j["has_down"] = m.has_down;
  j["no_transaction"] = m.no_transaction;
  j["batch"] = OrNull(m.batch);
  j["applied_at"] = OrNull(m.applied_at);
  j["applied_by"] = OrNull(m.applied_by);
  j["duration_ms"] = OrNull(m.duration_ms);
  j["checksum"] = StringOrNull(m.checksum);
  return j;
}

Json IssueJson(const ValidationIssue& i) {
  Json issue;
  issue["kind"] = i.kind;
  issue["version"] = StringOrNull(i.version);
  issue["file"] = StringOrNull(i.file);
  issue["line"] = i.line > 0 ? Json(i.line) : Json(nullptr);
  issue["message"] = i.message;
  issue["hint"] = StringOrNull(i.hint);
  return issue;
}

}  // namespace

std::string ToJson(const StatusReport& report) {
  Json j;
  j["environment"] = report.environment;
  j["url"] = report.url;
  j["migrations"] = Json::array();
  for (const auto& m : report.migrations) j["migrations"].push_back(MigrationJson(m));
  const StatusSummary& s = report.summary;
  j["summary"] = Json{{"applied", s.applied}, {"pending", s.pending}, {"modified", s.modified},
                      {"missing", s.missing}, {"dirty", s.dirty}};
  j["problems"] = Json::array();
  for (const auto& i : report.problems) j["problems"].push_back(IssueJson(i));
  j["lock_holder"] = StringOrNull(report.lock_holder);
  j["pooler"] = StringOrNull(report.pooler);
  return Dump(j);
}

std::string ToJson(const ValidationReport& report) {
  Json j;
  j["ok"] = report.ok();
  j["migrations"] = report.migrations;
  j["format"] = report.format;
  j["issues"] = Json::array();
  for (const auto& i : report.issues) j["issues"].push_back(IssueJson(i));
  j["notes"] = Json::array();
  for (const auto& i : report.notes) j["notes"].push_back(IssueJson(i));
  return Dump(j);
}

std::string ToJson(const ImportReport& report) {
  Json j;
  j["ok"] = report.ok();
  j["tool"] = report.tool;
  j["table"] = report.table;
  j["dry_run"] = report.dry_run;
  j["batch"] = report.batch;
  j["recorded"] = Json::array();
  for (const auto& m : report.recorded) {
    j["recorded"].push_back(Json{{"version", m.version}, {"name", m.name}, {"detail", m.detail}});
  }
  j["already"] = report.already;
  j["notes"] = Json::array();
  for (const auto& n : report.notes) j["notes"].push_back(IssueJson(n));
  j["problems"] = Json::array();
  for (const auto& p : report.problems) j["problems"].push_back(IssueJson(p));
  return Dump(j);
}

}  // namespace strata
