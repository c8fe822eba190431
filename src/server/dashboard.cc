#include "server/dashboard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <strata/types.h>

#include "server/render_util.h"

namespace strata::server {
namespace {

// Kept small and inline: the page must render with no network access.
constexpr const char* kStyle = R"css(
:root { color-scheme: light; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 16px 24px; }
h1 { font-size: 20px; margin: 0 8px 0 0; display: inline-block; }
h2 { font-size: 16px; margin: 0 0 10px; }
main { padding: 16px 24px; max-width: 1280px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin-bottom: 16px; overflow-x: auto; }
.meta { color: var(--muted); margin: 6px 0 0; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; color: #fff; vertical-align: 3px; }
.healthy, .state-applied .state { color: var(--ok); } .pending, .state-pending .state { color: var(--warn); }
.unhealthy, .state-dirty .state, .state-modified .state, .state-missing .state { color: var(--bad); }
.badge.healthy { background: var(--ok); color: #fff; } .badge.pending { background: var(--warn); color: #fff; }
.badge.unhealthy { background: var(--bad); color: #fff; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px; align-items: start; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-weight: 600; word-break: break-word; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.failure { color: var(--bad); } .success { color: var(--ok); }
.err { color: var(--bad); white-space: pre-wrap; }
ul.reasons { margin: 8px 0 0; padding-left: 20px; }
svg text { font: 11px system-ui, sans-serif; fill: #57606a; }
svg .band0 { fill: #f6f8fa; } svg .band1 { fill: #eaeef2; }
svg .b0 { fill: #0969da; } svg .b1 { fill: #8250df; } svg .b2 { fill: #1a7f37; }
svg .b3 { fill: #bf3989; } svg .b4 { fill: #9a6700; } svg .b5 { fill: #0a7d91; }
svg .axis { stroke: #8c959f; stroke-width: 1; } svg .grid { stroke: #d0d7de; stroke-dasharray: 3 3; }
footer { color: var(--muted); padding: 0 24px 24px; }
)css";

const char* StateClass(HealthState st) {
  switch (st) {
    case HealthState::kHealthy: return "healthy";
    case HealthState::kPending: return "pending";
    case HealthState::kUnhealthy: return "unhealthy";
  }
  return "unhealthy";
}

std::string Card(const std::string& id, const std::string& key, const std::string& value_html) {
  return "<div class=\"card\" id=\"" + id + "\"><div class=\"k\">" + Html(key) + "</div><div class=\"v\">" +
         value_html + "</div></div>\n";
}

std::string Age(int64_t seconds) {
  char buf[48];
  if (seconds < 120) std::snprintf(buf, sizeof buf, "%lld s ago", static_cast<long long>(seconds));
  else if (seconds < 7200) std::snprintf(buf, sizeof buf, "%lld min ago", static_cast<long long>(seconds / 60));
  else if (seconds < 172800) std::snprintf(buf, sizeof buf, "%lld h ago", static_cast<long long>(seconds / 3600));
  else std::snprintf(buf, sizeof buf, "%lld days ago", static_cast<long long>(seconds / 86400));
  return buf;
}

std::string HealthCards(const HealthReport& h) {
  std::string out = "<div class=\"cards\">\n";
  if (h.reachable) {
    char rtt[64];
    std::snprintf(rtt, sizeof rtt, "reachable, round trip %.3f ms", h.round_trip_ms);
    out += Card("card-database", "Database", Html(rtt));
  } else {
    out += Card("card-database", "Database", "<span class=\"unhealthy\">unreachable</span>");
  }
  out += Card("card-lock", "Migration lock",
              h.lock.held ? "<span class=\"pending\">held by " + Html(h.lock.holder) + "</span>"
                          : h.lock.expired ? "free (a lease left by " + Html(h.lock.holder) + ")" : std::string("free"));
  const StatusSummary& m = h.migrations;
  std::string counts = std::to_string(m.applied) + " applied, " + std::to_string(m.pending) + " pending";
  if (m.modified) counts += ", " + std::to_string(m.modified) + " modified";
  if (m.missing) counts += ", " + std::to_string(m.missing) + " missing";
  if (m.dirty) counts += ", " + std::to_string(m.dirty) + " dirty";
  out += Card("card-migrations", "Migrations", Html(counts));
  if (h.last_apply) {
    const LastApply& a = *h.last_apply;
    std::string text = a.version + "_" + a.name + " at " + a.at;
    if (a.duration_ms) text += " (" + Duration(*a.duration_ms) + ")";
    out += Card("card-last-apply", "Last apply", Html(text));
  } else {
    out += Card("card-last-apply", "Last apply", "none");
  }
  if (h.last_failure) {
    const EventInfo& f = *h.last_failure;
    std::string what = f.kind + (f.version.empty() ? "" : " " + f.version + "_" + f.name) + " at " + f.occurred_at;
    out += Card("card-last-failure", "Last failure",
                "<span class=\"failure\">" + Html(what) + "</span>" +
                    (f.error ? "<div class=\"err mono\">" + Html(*f.error) + "</div>" : ""));
  } else {
    out += Card("card-last-failure", "Last failure", "none");
  }
  if (h.backup.recorded) {
    std::string text = h.backup.age_seconds ? Age(*h.backup.age_seconds) : h.backup.at;
    if (!h.backup.path.empty()) text += " · " + h.backup.path;
    if (h.backup.verified) text += *h.backup.verified ? " · verified" : " · NOT verified";
    out += Card("card-backup", "Newest backup", Html(text));
  } else {
    out += Card("card-backup", "Newest backup", "no backup recorded");
  }
  out += "</div>\n";
  if (!h.reasons.empty()) {
    out += "<ul class=\"reasons\" id=\"reasons\">";
    for (const auto& r : h.reasons) out += "<li>" + Html(r) + "</li>";
    out += "</ul>\n";
  }
  return out;
}

std::string MigrationTable(const StatusReport& status) {
  std::string out =
      "<table id=\"migrations\"><thead><tr><th>Version</th><th>Name</th><th>State</th><th>Batch</th>"
      "<th>Applied at</th><th class=\"num\">Duration</th><th>Applied by</th></tr></thead><tbody>\n";
  for (const auto& m : status.migrations) {
    std::string state(ToString(m.state));
    out += "<tr class=\"state-" + state + "\" data-version=\"" + Html(m.version) + "\"><td class=\"mono\">" +
           Html(m.version) + "</td><td>" + Html(m.name) + "</td><td class=\"state\">" + state +
           (m.out_of_order ? " (out of order)" : "") + "</td><td class=\"num\">" +
           (m.batch ? std::to_string(*m.batch) : "") + "</td><td class=\"mono\">" + Html(m.applied_at.value_or("")) +
           "</td><td class=\"num\">" + (m.duration_ms ? Duration(*m.duration_ms) : "") + "</td><td>" +
           Html(m.applied_by.value_or("")) + "</td></tr>\n";
  }
  if (status.migrations.empty()) out += "<tr><td colspan=\"7\">No migrations found.</td></tr>\n";
  return out + "</tbody></table>\n";
}

std::string LintSection(const Snapshot& s) {
  if (!s.has_status) return "<p>Not available: the database could not be read.</p>\n";
  if (!s.has_lint) {
    return s.health.migrations.pending == 0 ? "<p id=\"lint-summary\">Nothing pending.</p>\n"
                                            : "<p id=\"lint-summary\">Lint did not run.</p>\n";
  }
  const LintReport& l = s.lint;
  std::string out = "<p id=\"lint-summary\">" + std::to_string(l.files) + " pending file" + (l.files == 1 ? "" : "s") +
                    " checked (" + Html(l.dialect) + " rules): <span class=\"" + (l.errors ? "unhealthy" : "") + "\">" +
                    std::to_string(l.errors) + " error" + (l.errors == 1 ? "" : "s") + "</span>, " +
                    std::to_string(l.warnings) + " warning" + (l.warnings == 1 ? "" : "s") + ", " +
                    std::to_string(l.infos) + " info, " + std::to_string(l.allowed) + " allowed.</p>\n";
  if (l.findings.empty()) return out;
  out += "<table id=\"lint\"><thead><tr><th>File</th><th>Rule</th><th>Severity</th><th>Message</th></tr></thead><tbody>\n";
  for (const auto& f : l.findings) {
    std::string file = f.file;
    if (size_t slash = file.rfind('/'); slash != std::string::npos) file = file.substr(slash + 1);
    std::string sev(ToString(f.severity));
    out += "<tr><td class=\"mono\">" + Html(file) + ":" + std::to_string(f.line) + "</td><td class=\"mono\">" +
           Html(f.rule) + "</td><td class=\"" + (f.severity == LintSeverity::kError ? "unhealthy" : "pending") + "\">" +
           sev + "</td><td>" + Html(f.message) + "</td></tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string EventTable(const std::vector<EventInfo>& events) {
  std::string out =
      "<table id=\"events\"><thead><tr><th>When</th><th>Kind</th><th>Outcome</th><th>Migration</th>"
      "<th class=\"num\">Duration</th><th>By</th><th>Error / detail</th></tr></thead><tbody>\n";
  for (const auto& e : events) {
    std::string migration = e.version.empty() ? "" : e.version + (e.name.empty() ? "" : "_" + e.name);
    std::string text = e.error ? *e.error : e.detail.value_or("");
    if (text.size() > 300) text = text.substr(0, 300) + "…";
    out += "<tr><td class=\"mono\">" + Html(e.occurred_at) + "</td><td>" + Html(e.kind) + "</td><td class=\"" +
           (e.outcome == "failure" ? "failure" : "success") + "\">" + Html(e.outcome) + "</td><td class=\"mono\">" +
           Html(migration) + "</td><td class=\"num\">" + (e.duration_ms ? Duration(*e.duration_ms) : "") +
           "</td><td>" + Html(e.actor) + "</td><td class=\"" + (e.error ? "err mono" : "mono") + "\">" + Html(text) +
           "</td></tr>\n";
  }
  if (events.empty()) out += "<tr><td colspan=\"7\">No events recorded yet.</td></tr>\n";
  return out + "</tbody></table>\n";
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string RenderTimeline(const std::vector<MigrationInfo>& migrations) {
  // Applied migrations in the order they were applied: by batch, then time.
  std::vector<const MigrationInfo*> applied;
  for (const auto& m : migrations) {
    if (m.applied_at && m.batch) applied.push_back(&m);
  }
  std::stable_sort(applied.begin(), applied.end(), [](const MigrationInfo* a, const MigrationInfo* b) {
    if (*a->batch != *b->batch) return *a->batch < *b->batch;
    return *a->applied_at < *b->applied_at;
  });
  const double width = 960, height = 260, left = 64, right = 12, top = 12, bottom = 44;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  std::string out = "<svg id=\"timeline\" viewBox=\"0 0 960 260\" width=\"960\" "
                    "height=\"260\" role=\"img\" aria-label=\"Applied migrations by batch and duration\">\n";
  if (applied.empty()) {
    return out + "<text x=\"480\" y=\"130\" text-anchor=\"middle\">Nothing applied yet.</text>\n</svg>\n";
  }
  // Durations span orders of magnitude: a log scale from 1 ms keeps a 2 ms
  // and a 20-minute migration both visible.
  int64_t max_ms = 1;
  for (const auto* m : applied) max_ms = std::max<int64_t>(max_ms, m->duration_ms.value_or(0));
  int decades = std::max(1, static_cast<int>(std::ceil(std::log10(static_cast<double>(max_ms) + 1))));
  auto y_of = [&](int64_t ms) { return top + plot_h - plot_h * std::log10(static_cast<double>(ms) + 1) / decades; };
  const double slot = plot_w / static_cast<double>(applied.size());
  const double bar = std::clamp(slot * 0.7, 1.0, 36.0);

  // Batch bands with their labels.
  size_t i = 0;
  int band = 0;
  while (i < applied.size()) {
    size_t j = i;
    while (j < applied.size() && *applied[j]->batch == *applied[i]->batch) ++j;
    double x = left + slot * static_cast<double>(i), w = slot * static_cast<double>(j - i);
    out += "<rect class=\"band band" + std::to_string(band % 2) + "\" x=\"" + Num(x) + "\" y=\"" + Num(top) +
           "\" width=\"" + Num(w) + "\" height=\"" + Num(plot_h) + "\"><title>batch " + std::to_string(*applied[i]->batch) +
           ", " + std::to_string(j - i) + " migration" + (j - i == 1 ? "" : "s") + ", from " +
           Html(*applied[i]->applied_at) + "</title></rect>\n";
    if (w >= 36) {
      out += "<text x=\"" + Num(x + w / 2) + "\" y=\"" + Num(top + plot_h + 16) + "\" text-anchor=\"middle\">batch " +
             std::to_string(*applied[i]->batch) + "</text>\n";
      if (w >= 80) {
        out += "<text x=\"" + Num(x + w / 2) + "\" y=\"" + Num(top + plot_h + 30) + "\" text-anchor=\"middle\">" +
               Html(applied[i]->applied_at->substr(0, 10)) + "</text>\n";
      }
    }
    ++band;
    i = j;
  }
  // Axis and decade grid lines: 0, 10 ms, 100 ms, ... .
  static const char* kTicks[] = {"0", "10 ms", "100 ms", "1 s", "10 s", "100 s", "1000 s", "10^4 s", "10^5 s"};
  for (int d = 0; d <= decades && d < 9; ++d) {
    double y = d == 0 ? top + plot_h : y_of(static_cast<int64_t>(std::pow(10.0, d)));
    out += "<line class=\"grid\" x1=\"" + Num(left) + "\" x2=\"" + Num(width - right) + "\" y1=\"" + Num(y) +
           "\" y2=\"" + Num(y) + "\"/><text x=\"" + Num(left - 6) + "\" y=\"" + Num(y + 4) +
           "\" text-anchor=\"end\">" + kTicks[d] + "</text>\n";
  }
  out += "<line class=\"axis\" x1=\"" + Num(left) + "\" x2=\"" + Num(width - right) + "\" y1=\"" + Num(top + plot_h) +
         "\" y2=\"" + Num(top + plot_h) + "\"/>\n";
  // One bar per migration, coloured by batch.
  for (size_t k = 0; k < applied.size(); ++k) {
    const MigrationInfo& m = *applied[k];
    int64_t ms = m.duration_ms.value_or(0);
    double y = y_of(ms);
    double h = std::max(2.0, top + plot_h - y);  // a 0 ms migration is still a visible bar
    out += "<rect class=\"bar b" + std::to_string(*m.batch % 6) + "\" data-version=\"" + Html(m.version) + "\" x=\"" +
           Num(left + slot * static_cast<double>(k) + (slot - bar) / 2) + "\" y=\"" + Num(top + plot_h - h) +
           "\" width=\"" + Num(bar) + "\" height=\"" + Num(h) + "\"><title>" + Html(m.version + "_" + m.name) + ": " +
           Duration(ms) + ", batch " + std::to_string(*m.batch) + ", applied " + Html(*m.applied_at) +
           "</title></rect>\n";
  }
  return out + "</svg>\n";
}

std::string RenderDashboard(const Snapshot& s, const ServeOptions& serve) {
  const HealthReport& h = s.health;
  const char* state = StateClass(h.state);
  int64_t refresh_s = std::max<int64_t>(5, serve.refresh.count() / 1000);
  std::string env = h.environment.empty() ? std::string("(no environment)") : h.environment;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta http-equiv=\"refresh\" content=\"" + std::to_string(refresh_s) + "\">\n"
                    "<title>strata · " + Html(env) + " · " + state + "</title>\n<style>" + kStyle +
                    "</style></head>\n<body>\n<header><h1>strata · " + Html(env) + "</h1> <span class=\"badge " +
                    state + "\" id=\"state\">" + state + "</span>\n<p class=\"meta\"><span class=\"mono\">" +
                    Html(h.url) + "</span> · " + Html(h.dialect) + " · snapshot taken <time id=\"snapshot\" datetime=\"" +
                    Html(s.taken_at) + "\">" + Html(s.taken_at) + "</time> in " + Duration(static_cast<int64_t>(s.took_ms)) +
                    ", refreshed every " + Duration(serve.refresh.count()) +
                    " (figures may be that old; this page reloads itself) · strata " + std::string(Version()) +
                    "</p></header>\n<main>\n";
  out += "<section id=\"health\"><h2>Health</h2>\n" + HealthCards(h) + "</section>\n";
  if (!s.errors.empty()) {
    out += "<section id=\"errors\"><h2>Could not read</h2><ul>";
    for (const auto& e : s.errors) out += "<li class=\"err\">" + Html(e) + "</li>";
    out += "</ul></section>\n";
  }
  if (s.has_status) {
    out += "<section><h2>Migrations</h2>\n" + MigrationTable(s.status) + "</section>\n";
    out += "<section><h2>History: batches and durations</h2>\n" + RenderTimeline(s.status.migrations) +
           "<p class=\"meta\">One bar per applied migration in the order applied, height = duration (log scale), "
           "shaded by batch. Hover a bar for details.</p></section>\n";
  }
  out += "<section><h2>Lint of pending migrations</h2>\n" + LintSection(s) + "</section>\n";
  out += "<section><h2>Recent events</h2>\n" + EventTable(s.events) + "</section>\n";
  out += "</main>\n<footer>Read-only view served by <code>strata serve</code>. Health as JSON: <a href=\"health\">"
         "/health</a> · metrics: <a href=\"metrics\">/metrics</a></footer>\n</body></html>\n";
  return out;
}

}  // namespace strata::server
