// api::RunOperations: hooks and alerts around one `up`, `down` or `redo`
// (docs/operations.md#alerts, #hooks). It sits between the Runner and the
// caller's EventSink: it forwards every event, watches the steps (for
// after_each and for what the alerts report), answers the Runner's
// before_step call (before_up, the "start" alert, before_each) and, once the
// run is over, runs after_up or on_failure and sends the outcome's alert.
// A dry run gets none of this. Used on the command's thread only.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/history.h"
#include "engine/planner.h"
#include "ops/hooks.h"
#include "ops/notify.h"
#include <strata/events.h>
#include <strata/result.h>
#include <strata/types.h>

namespace strata::api {

class RunOperations : public EventSink {
 public:
  // `command`: "up", "down" or "redo". `forward` may be null. `cancel` is the
  // Migrator's Cancel() flag (a Ctrl-C stops a running hook).
  RunOperations(const config::Config& config, std::string command, bool dry_run, std::string redacted_url,
                EventSink* forward, const std::atomic<bool>* cancel);

  void OnEvent(const Event& event) override;
  // RunnerOptions::before_step.
  Status BeforeStep(const engine::Plan& plan, int index);
  // After the run: on_failure or after_up, then the outcome's alert, and
  // waits until the alerts are delivered or given up. Returns the events to
  // record (failed alerts and hooks), which were also reported as warnings.
  std::vector<engine::EventRecord> Finish(const Status& outcome, const ApplyReport* report);

  // `strata drift` found differences: the drift alert (when configured).
  static std::vector<engine::EventRecord> NotifyDrift(const config::Config& config, const std::string& redacted_url,
                                                      const DriftReport& report, EventSink* sink);

 private:
  ops::Alert BaseAlert(const std::string& event) const;
  // Runs the hook named `name` (if configured) with the run's variables plus
  // `extra`; reports its output and, when it fails, a warning and an event.
  ops::HookResult Hook(const std::string& name, const std::string& command,
                       const std::vector<std::pair<std::string, std::string>>& extra);
  // The run's steps, copied from the plan at its first step: the plan itself
  // is gone when after_up and on_failure run.
  struct Planned {
    std::string version;
    std::string name;
    std::string direction;
    std::string file;
  };
  std::vector<std::pair<std::string, std::string>> StepVars(size_t index) const;
  void Warn(const std::string& message);
  void Forward(const Event& event) {
    if (forward_) forward_->OnEvent(event);
  }

  const config::Config& config_;
  std::string command_;
  bool active_;  // false for a dry run: forward events, nothing else
  std::string url_;
  EventSink* forward_;
  const std::atomic<bool>* cancel_;
  ops::Notifier notifier_;
  // What runs and what ran, for the alerts and hooks.
  std::vector<Planned> planned_;
  int64_t batch_ = 0;
  std::vector<ops::AlertStep> done_;
  std::optional<std::pair<std::string, std::string>> failed_;  // version, name
  bool started_ = false;  // before_step ran for the first step
  std::vector<engine::EventRecord> records_;
};

}  // namespace strata::api
