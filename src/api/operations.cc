// Hooks and alerts around up, down and redo (RunOperations), and the
// Migrator entry points that put them around a run.
#include "api/operations.h"

#include <filesystem>

#include <nlohmann/json.hpp>
#include <strata/redact.h>

#include "api/migrator_impl.h"
#include "config/url.h"
#include "util/clock.h"

namespace strata::api {
namespace {

std::string Label(const std::string& version, const std::string& name) {
  return name.empty() ? version : version + "_" + name;
}

// Hooks run in the folder of strata.toml, not in strata's working directory:
// the paths they get must not be relative to the latter.
std::string Absolute(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

std::string Dialect(const std::string& url) {
  auto parsed = config::ParseUrl(url);
  if (!parsed.ok()) return "";
  return parsed->scheme == config::Url::Scheme::kPostgres ? "postgres" : "sqlite";
}

// The event recording an alert that was not delivered (kind notify).
engine::EventRecord NotifyRecord(const ops::DeliveryFailure& f) {
  engine::EventRecord e;
  e.kind = "notify";
  e.outcome = "failure";
  e.error = f.ToString();
  nlohmann::json d = {{"channel", f.channel}, {"target", f.target}, {"event", f.event}, {"attempts", f.attempts},
                      {"error", f.error}};
  e.detail = Redact(d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return e;
}

}  // namespace

RunOperations::RunOperations(const config::Config& config, std::string command, bool dry_run,
                             std::string redacted_url, EventSink* forward, const std::atomic<bool>* cancel)
    : config_(config),
      command_(std::move(command)),
      active_(!dry_run),
      url_(std::move(redacted_url)),
      forward_(forward),
      cancel_(cancel),
      notifier_(config.notify) {}

void RunOperations::Warn(const std::string& message) {
  Event e;
  e.kind = Event::Kind::kWarning;
  e.message = Redact(message);
  Forward(e);
}

ops::Alert RunOperations::BaseAlert(const std::string& event) const {
  ops::Alert a;
  a.event = event;
  a.command = command_;
  a.environment = config_.env.name;
  a.database = url_;
  a.occurred_at = util::NowRfc3339(true);
  a.host = util::HostName();
  a.actor = util::UserAtHost();
  if (command_ == "up") a.batch = batch_;
  return a;
}

std::vector<std::pair<std::string, std::string>> RunOperations::StepVars(size_t index) const {
  if (index >= planned_.size()) return {};
  const Planned& step = planned_[index];
  return {{"STRATA_VERSION", step.version},
          {"STRATA_NAME", step.name},
          {"STRATA_DIRECTION", step.direction},
          {"STRATA_FILE", Absolute(step.file)},
          {"STRATA_INDEX", std::to_string(index + 1)}};
}

ops::HookResult RunOperations::Hook(const std::string& name, const std::string& command,
                                    const std::vector<std::pair<std::string, std::string>>& extra) {
  ops::HookCommand hook;
  hook.command = command;
  hook.cwd = config_.base_dir;
  hook.timeout = config_.env.hooks.timeout;
  // Never the password: the URL redacted, nothing from the configuration
  // that holds a secret.
  hook.env = {{"STRATA_HOOK", name},
              {"STRATA_COMMAND", command_},
              {"STRATA_ENV", config_.env.name},
              {"STRATA_URL", url_},
              {"STRATA_DIALECT", Dialect(config_.env.url)},
              {"STRATA_DIR", Absolute(config_.dir)}};
  if (started_) {
    std::string versions;
    for (const auto& s : planned_) versions += (versions.empty() ? "" : " ") + s.version;
    hook.env.push_back({"STRATA_VERSIONS", versions});
    hook.env.push_back({"STRATA_TOTAL", std::to_string(planned_.size())});
    if (command_ == "up") hook.env.push_back({"STRATA_BATCH", std::to_string(batch_)});
  }
  hook.env.insert(hook.env.end(), extra.begin(), extra.end());
  ops::HookResult result = ops::RunHook(
      hook,
      [&](std::string_view line) {
        Event e;
        e.kind = Event::Kind::kHookOutput;
        e.name = name;
        e.message = Redact(line);
        Forward(e);
      },
      cancel_);
  if (!result.ok()) {
    engine::EventRecord e;
    e.kind = "hook";
    e.outcome = "failure";
    e.duration_ms = result.duration_ms;
    e.error = name + " hook " + result.Describe(hook.timeout);
    nlohmann::json d = {{"hook", name},
                        {"exit_code", result.exit_code},
                        {"timed_out", result.timed_out},
                        {"command", command_}};
    e.detail = d.dump();
    records_.push_back(std::move(e));
  }
  return result;
}

Status RunOperations::BeforeStep(const engine::Plan& plan, int index) {
  if (!active_) return Status::Ok();
  const engine::PlanStep& step = plan.steps[static_cast<size_t>(index)];
  const config::Hooks& hooks = config_.env.hooks;
  if (index == 0) {
    started_ = true;
    batch_ = plan.batch;
    planned_.clear();
    for (const auto& s : plan.steps) planned_.push_back({s.version, s.name, std::string(ToString(s.direction)), s.file});
    if (command_ == "up" && !hooks.before_up.empty()) {
      ops::HookResult r = Hook("before_up", hooks.before_up, {});
      if (!r.ok()) {
        return Status::Hook("before_up hook " + r.Describe(hooks.timeout) + ": nothing was applied")
            .WithHint("fix what the hook reported (its output is above), or the hook itself in strata.toml");
      }
    }
    if (notifier_.Wants("start")) {
      ops::Alert a = BaseAlert("start");
      for (const auto& s : plan.steps) a.migrations.push_back({s.version, s.name, std::string(ToString(s.direction)), 0});
      notifier_.Send(a);
    }
  }
  if (!hooks.before_each.empty()) {
    ops::HookResult r = Hook("before_each", hooks.before_each, StepVars(static_cast<size_t>(index)));
    if (!r.ok()) {
      std::string done = index == 0 ? "nothing was applied" : "the migrations before it stay applied";
      return Status::Hook("before_each hook " + r.Describe(hooks.timeout) + " before " + Label(step.version, step.name) +
                          ": it was not run; " + done)
          .WithHint("fix what the hook reported (its output is above), then run the same command again");
    }
  }
  return Status::Ok();
}

void RunOperations::OnEvent(const Event& e) {
  Forward(e);
  if (!active_) return;
  if (e.kind == Event::Kind::kStepFailed) failed_ = std::make_pair(e.version, e.name);
  if (e.kind != Event::Kind::kStepFinished) return;
  done_.push_back({e.version, e.name, std::string(ToString(e.direction)), e.duration_ms});
  const std::string& after_each = config_.env.hooks.after_each;
  if (after_each.empty()) return;
  auto vars = StepVars(static_cast<size_t>(e.index));
  vars.push_back({"STRATA_OUTCOME", "success"});
  vars.push_back({"STRATA_DURATION_MS", std::to_string(e.duration_ms)});
  ops::HookResult r = Hook("after_each", after_each, vars);
  if (!r.ok()) {
    Warn("after_each hook " + r.Describe(config_.env.hooks.timeout) + " after " + Label(e.version, e.name) +
         " (the migration stays applied; the run goes on)");
  }
}

std::vector<engine::EventRecord> RunOperations::Finish(const Status& outcome, const ApplyReport* report) {
  if (!active_) return {};
  const config::Hooks& hooks = config_.env.hooks;
  int64_t total_ms = report ? report->total_ms : 0;
  if (!outcome.ok()) {
    std::string error = Redact(outcome.ToString());
    if (!hooks.on_failure.empty()) {
      std::vector<std::pair<std::string, std::string>> vars = {{"STRATA_OUTCOME", "failure"}, {"STRATA_ERROR", error}};
      if (failed_) {
        vars.push_back({"STRATA_VERSION", failed_->first});
        vars.push_back({"STRATA_NAME", failed_->second});
      }
      ops::HookResult r = Hook("on_failure", hooks.on_failure, vars);
      if (!r.ok()) Warn("on_failure hook " + r.Describe(hooks.timeout));
    }
    if (notifier_.Wants("failure")) {
      ops::Alert a = BaseAlert("failure");
      a.migrations = done_;
      if (failed_) {
        a.failed_version = failed_->first;
        a.failed_name = failed_->second;
      }
      a.error = error;
      a.duration_ms = total_ms;
      notifier_.Send(a);
    }
  } else if (started_) {  // something ran; a run with nothing to do is not news
    if (command_ == "up" && !hooks.after_up.empty()) {
      ops::HookResult r = Hook("after_up", hooks.after_up,
                               {{"STRATA_OUTCOME", "success"},
                                {"STRATA_APPLIED", std::to_string(report ? report->steps.size() : 0)},
                                {"STRATA_DURATION_MS", std::to_string(total_ms)}});
      if (!r.ok()) Warn("after_up hook " + r.Describe(hooks.timeout) + " (the migrations stay applied)");
    }
    if (notifier_.Wants("success")) {
      ops::Alert a = BaseAlert("success");
      a.migrations = done_;
      a.duration_ms = total_ms;
      if (report && command_ == "up") a.batch = report->batch;
      notifier_.Send(a);
    }
  }
  for (const auto& f : notifier_.Finish()) {
    Warn("alert not delivered: " + f.ToString());
    records_.push_back(NotifyRecord(f));
  }
  return std::move(records_);
}

std::vector<engine::EventRecord> RunOperations::NotifyDrift(const config::Config& config,
                                                            const std::string& redacted_url,
                                                            const DriftReport& report, EventSink* sink) {
  if (!report.drift) return {};
  ops::Notifier notifier(config.notify);
  if (!notifier.Wants("drift")) return {};
  ops::Alert a;
  a.event = "drift";
  a.command = "drift";
  a.environment = config.env.name;
  a.database = redacted_url;
  a.occurred_at = util::NowRfc3339(true);
  a.host = util::HostName();
  a.actor = util::UserAtHost();
  for (const auto& d : report.differences) a.details.push_back(Redact(d.ToString()));
  a.error = "the live schema differs from the schema the applied migrations produce (" +
            std::to_string(report.differences.size()) + " difference" + (report.differences.size() == 1 ? ")" : "s)");
  notifier.Send(a);
  std::vector<engine::EventRecord> records;
  for (const auto& f : notifier.Finish()) {
    if (sink) {
      Event e;
      e.kind = Event::Kind::kWarning;
      e.message = Redact("alert not delivered: " + f.ToString());
      sink->OnEvent(e);
    }
    records.push_back(NotifyRecord(f));
  }
  return records;
}

// --- Migrator entry points ----------------------------------------------------

Result<ApplyReport> MigratorImpl::WithOperations(const char* command, bool dry_run,
                                                 const std::function<Result<ApplyReport>()>& run) {
  // The audit log is open for the whole command: hook and alert failures
  // recorded after the run land in it too.
  AuditScope audit(*this, command);
  if (!audit.status().ok()) return Scrub(audit.status());
  RunOperations ops(config_, command, dry_run, redacted_url_, sink_, &cancelled_);
  operations_ = &ops;
  Result<ApplyReport> report = run();
  operations_ = nullptr;
  RecordOperationEvents(ops.Finish(report.status(), report.ok() ? &*report : nullptr));
  return report;
}

void MigratorImpl::RecordOperationEvents(const std::vector<engine::EventRecord>& records) {
  if (records.empty() || !conn_) return;
  // Best effort: they were reported as warnings already, and the database
  // may be what failed. Never creates the tables for this.
  engine::History history(*conn_, Tables(), config_.env.name);
  history.set_observer(audit_observer());
  auto exists = history.Exists();
  if (!exists.ok() || !*exists) return;
  for (const auto& r : records) (void)history.RecordEvent(r);
}

Result<ApplyReport> MigratorImpl::Up(const UpOptions& options) {
  return WithOperations("up", options.dry_run, [&] { return RunUp(options); });
}

Result<ApplyReport> MigratorImpl::Down(const DownOptions& options) {
  return WithOperations("down", options.dry_run, [&] { return RunDown(options); });
}

Result<ApplyReport> MigratorImpl::Redo(const RedoOptions& options) {
  return WithOperations("redo", false, [&] { return RunRedo(options); });
}

Result<DriftReport> MigratorImpl::Drift(const DriftOptions& options) {
  auto report = RunDrift(options);
  if (report.ok()) RecordOperationEvents(RunOperations::NotifyDrift(config_, redacted_url_, *report, sink_));
  return report;
}

}  // namespace strata::api
