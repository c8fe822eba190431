// strata::ToJson(HealthReport): one renderer for `strata health --json` and
// the /health endpoint of `strata serve`, so the two can never differ. Shape:
// docs/json.md#health (fields may be added, never renamed or removed; absent
// values are null).
#include <cmath>

#include <strata/health.h>

#include "util/json_doc.h"

namespace strata {
namespace {

using util::Json;
using util::OrNull;
using util::StringOrNull;

// Milliseconds with microsecond precision: 0.412, not 0.41234567.
double Round3(double ms) { return std::round(ms * 1000.0) / 1000.0; }

Json LockJson(const LockInfo& lock) {
  Json j;
  j["held"] = lock.held;
  j["expired"] = lock.expired;
  j["holder"] = StringOrNull(lock.holder);
  j["host"] = StringOrNull(lock.host);
  j["pid"] = OrNull(lock.pid);
  j["since"] = StringOrNull(lock.since);
  j["expires_at"] = StringOrNull(lock.expires_at);
  return j;
}

}  // namespace

std::string ToJson(const HealthReport& r) {
  Json j;
  j["status"] = std::string(ToString(r.state));
  j["reasons"] = r.reasons;
  j["environment"] = StringOrNull(r.environment);
  j["url"] = r.url;
  j["dialect"] = StringOrNull(r.dialect);
  j["checked_at"] = r.checked_at;
  Json db;
  db["reachable"] = r.reachable;
  db["connect_ms"] = Round3(r.connect_ms);
  db["round_trip_ms"] = r.reachable ? Json(Round3(r.round_trip_ms)) : Json(nullptr);
  db["error"] = StringOrNull(r.error);
  db["pooler"] = StringOrNull(r.pooler);
  j["database"] = db;
  j["lock"] = LockJson(r.lock);
  Json m;
  m["applied"] = r.migrations.applied;
  m["pending"] = r.migrations.pending;
  m["modified"] = r.migrations.modified;
  m["missing"] = r.migrations.missing;
  m["dirty"] = r.migrations.dirty;
  m["problems"] = r.problems;
  j["migrations"] = m;
  if (r.last_apply) {
    Json a;
    a["version"] = r.last_apply->version;
    a["name"] = r.last_apply->name;
    a["at"] = r.last_apply->at;
    a["batch"] = OrNull(r.last_apply->batch);
    a["duration_ms"] = OrNull(r.last_apply->duration_ms);
    a["actor"] = StringOrNull(r.last_apply->actor);
    j["last_apply"] = a;
  } else {
    j["last_apply"] = nullptr;
  }
  if (r.last_failure) {
    const EventInfo& e = *r.last_failure;
    Json f;
    f["at"] = e.occurred_at;
    f["kind"] = e.kind;
    f["version"] = StringOrNull(e.version);
    f["name"] = StringOrNull(e.name);
    f["error"] = OrNull(e.error);
    f["actor"] = StringOrNull(e.actor);
    j["last_failure"] = f;
  } else {
    j["last_failure"] = nullptr;
  }
  j["failures"] = Json::object();
  for (const auto& [kind, n] : r.failures) j["failures"][kind] = n;
  Json b;
  b["recorded"] = r.backup.recorded;
  b["at"] = StringOrNull(r.backup.at);
  b["age_seconds"] = OrNull(r.backup.age_seconds);
  b["path"] = StringOrNull(r.backup.path);
  b["bytes"] = OrNull(r.backup.bytes);
  b["verified"] = OrNull(r.backup.verified);
  j["backup"] = b;
  // Error messages may carry bytes from the database that are not UTF-8.
  return util::DumpJson(j);
}

}  // namespace strata
