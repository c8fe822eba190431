// strata health: is the database reachable, locked, up to date, backed up
// (Migrator::Health). Exit 0 healthy, 1 unhealthy, 3 pending.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/fleet.h"

namespace strata::cli {

namespace {

// "42 s", "5 min", "3 h", "2 d" ago.
std::string Age(int64_t seconds) {
  if (seconds < 120) return fmt::format("{} s", seconds);
  if (seconds < 2 * 3600) return fmt::format("{} min", seconds / 60);
  if (seconds < 2 * 86400) return fmt::format("{} h", seconds / 3600);
  return fmt::format("{} d", seconds / 86400);
}

std::string Bytes(int64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < 1024 * 1024) return fmt::format("{:.1f} KiB", n / 1024.0);
  if (n < int64_t{1024} * 1024 * 1024) return fmt::format("{:.1f} MiB", n / (1024.0 * 1024));
  return fmt::format("{:.2f} GiB", n / (1024.0 * 1024 * 1024));
}

Color StateColor(HealthState state) {
  switch (state) {
    case HealthState::kHealthy: return Color::kGreen;
    case HealthState::kPending: return Color::kYellow;
    case HealthState::kUnhealthy: return Color::kRed;
  }
  return Color::kRed;
}

std::string Render(const HealthReport& r, const Style& style) {
  std::string reasons;
  for (const auto& reason : r.reasons) reasons += (reasons.empty() ? "" : "; ") + reason;
  std::string out = style.Paint(std::string(ToString(r.state)), StateColor(r.state));
  out += reasons.empty() ? "\n" : " (" + reasons + ")\n";
  auto row = [&](const char* label, const std::string& value) { out += fmt::format("  {:<13}{}\n", label, value); };
  row("database", r.url + (r.environment.empty() ? "" : " (environment " + r.environment + ")"));
  if (r.reachable) {
    row("connection", fmt::format("ok, connect {:.1f} ms, round trip {:.3f} ms", r.connect_ms, r.round_trip_ms));
    if (!r.pooler.empty()) row("pooler", r.pooler + " (migrations: set direct_url to go past it)");
  } else {
    row("connection", style.Paint("FAILED: " + r.error, Color::kRed));
    return out;
  }
  if (r.lock.held) {
    row("lock", style.Paint("held by " + r.lock.holder, Color::kYellow));
  } else {
    row("lock", r.lock.expired ? "free (a lease left by " + r.lock.holder + ")" : "free");
  }
  const StatusSummary& m = r.migrations;
  row("migrations", fmt::format("{} applied, {} pending, {} modified, {} missing, {} dirty", m.applied, m.pending,
                                m.modified, m.missing, m.dirty));
  if (r.last_apply) {
    const LastApply& a = *r.last_apply;
    std::string text = a.version + "_" + a.name + " at " + a.at;
    if (a.batch) text += fmt::format(", batch {}", *a.batch);
    if (a.duration_ms) text += ", " + FormatDuration(*a.duration_ms);
    if (!a.actor.empty()) text += ", by " + a.actor;
    row("last apply", text);
  } else {
    row("last apply", "none");
  }
  if (r.last_failure) {
    const EventInfo& f = *r.last_failure;
    std::string what = f.version.empty() ? f.kind : f.kind + " " + f.version + (f.name.empty() ? "" : "_" + f.name);
    row("last failure", what + " at " + f.occurred_at + (f.error ? ": " + *f.error : ""));
  } else {
    row("last failure", "none");
  }
  if (r.backup.recorded) {
    std::string text = r.backup.age_seconds ? Age(*r.backup.age_seconds) + " ago (" + r.backup.at + ")" : r.backup.at;
    if (!r.backup.path.empty()) text += ", " + r.backup.path;
    if (r.backup.bytes) text += ", " + Bytes(*r.backup.bytes);
    if (r.backup.verified) text += *r.backup.verified ? ", verified" : ", NOT verified";
    row("backup", text);
  } else {
    row("backup", "no backup recorded");
  }
  return out;
}

Outcome RunHealth(Context& ctx, const FleetFlags& flags) {
  if (Status s = CheckFleetFlags(flags); !s.ok()) return s;
  if (flags.active()) {
    FleetOptions fleet;
    fleet.command = FleetCommand::kHealth;
    return RunFleet(ctx, flags, std::move(fleet));
  }
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Health();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else {
    ctx.Print(Render(*report, ctx.style()));
  }
  switch (report->state) {
    case HealthState::kHealthy: return {};
    case HealthState::kPending: return Outcome::Exit(kExitPending);
    case HealthState::kUnhealthy: return Outcome::Exit(kExitError);
  }
  return Outcome::Exit(kExitError);
}

}  // namespace

Command AddHealth(CLI::App& root) {
  CLI::App* sub = root.add_subcommand("health", "Check the database: reachable, lock, pending/dirty, last apply, backup");
  sub->footer(
      "Connects once (no retries) and reports: connection and round-trip time, who\n"
      "holds the migration lock, pending / dirty / modified / missing counts, the last\n"
      "apply and the last failure (from the event table), and the age of the newest\n"
      "recorded backup. Reads only; creates nothing.\n"
      "Exit codes: 0 healthy, 1 unhealthy (unreachable, or a migration is dirty,\n"
      "modified or missing, or a file does not load), 3 pending. For orchestrators,\n"
      "`strata serve` answers the same over HTTP (/health, /ready).\n"
      "With --targets FILE or --fleet NAME: every listed database; unhealthy ones count\n"
      "as failed (docs/commands.md#fleets).");
  auto flags = std::make_shared<FleetFlags>();
  AddFleetFlags(sub, *flags);
  return {sub, [flags](Context& ctx) { return RunHealth(ctx, *flags); }};
}

}  // namespace strata::cli
