// Fleet: the command on each target, at most `parallel` at a time
// (include/strata/fleet.h).
#include <strata/fleet.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include <strata/migrator.h>
#include <strata/redact.h>

#include "fleet/targets.h"

namespace strata {

Fleet::~Fleet() = default;

const char* ToString(FleetCommand command) {
  switch (command) {
    case FleetCommand::kUp: return "up";
    case FleetCommand::kStatus: return "status";
    case FleetCommand::kDrift: return "drift";
    case FleetCommand::kLint: return "lint";
    case FleetCommand::kHealth: return "health";
  }
  return "?";
}

const char* ToString(FleetOutcome outcome) {
  switch (outcome) {
    case FleetOutcome::kOk: return "ok";
    case FleetOutcome::kFailed: return "failed";
    case FleetOutcome::kSkipped: return "skipped";
  }
  return "?";
}

namespace fleet {
namespace {

constexpr int kDefaultParallel = 4;

int64_t Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

Status Scrubbed(const Status& s) {
  if (s.ok()) return s;
  Status out(s.code(), Redact(s.message()));
  out.At(Redact(s.file()), s.line(), s.column());
  if (!s.hint().empty()) out.WithHint(Redact(s.hint()));
  if (!s.sqlstate().empty()) out.WithSqlState(s.sqlstate());
  for (const auto& c : s.context()) out.With(Redact(c));
  return out;
}

// Serializes observer calls: the CLI's table is redrawn from one call at a time.
class Relay {
 public:
  explicit Relay(FleetObserver* observer) : observer_(observer) {}
  void Started(size_t i, const FleetTarget& t) {
    if (!observer_) return;
    std::lock_guard<std::mutex> lock(mu_);
    observer_->OnTargetStarted(i, t);
  }
  void OnEvent(size_t i, const Event& e) {
    if (!observer_) return;
    std::lock_guard<std::mutex> lock(mu_);
    observer_->OnTargetEvent(i, e);
  }
  void Finished(size_t i, const FleetTargetResult& r) {
    if (!observer_) return;
    std::lock_guard<std::mutex> lock(mu_);
    observer_->OnTargetFinished(i, r);
  }

 private:
  FleetObserver* observer_;
  std::mutex mu_;
};

// One target's Migrator events, tagged with its index.
class TargetSink : public EventSink {
 public:
  TargetSink(Relay& relay, size_t index) : relay_(relay), index_(index) {}
  void OnEvent(const Event& event) override { relay_.OnEvent(index_, event); }

 private:
  Relay& relay_;
  size_t index_;
};

// The command's answer as an outcome: a report that says "not fine" (drift,
// lint errors, unhealthy) fails the target like an error does.
void RunCommand(Migrator& m, const FleetOptions& options, FleetTargetResult& r) {
  Status error;
  switch (options.command) {
    case FleetCommand::kUp: {
      auto report = m.Up(options.up);
      if (report.ok()) r.up = std::move(*report); else error = report.status();
      break;
    }
    case FleetCommand::kStatus: {
      auto report = m.GetStatus();
      if (report.ok()) r.status = std::move(*report); else error = report.status();
      break;
    }
    case FleetCommand::kDrift: {
      auto report = m.Drift(options.drift);
      if (!report.ok()) {
        error = report.status();
      } else {
        if (report->drift) {
          error = Status::Drift("drift: " + std::to_string(report->differences.size()) +
                                " difference(s) from the applied migrations");
        }
        r.drift = std::move(*report);
      }
      break;
    }
    case FleetCommand::kLint: {
      auto report = m.Lint(options.lint);
      if (!report.ok()) {
        error = report.status();
      } else {
        if (!report->ok()) error = Status::Lint(std::to_string(report->errors) + " lint error(s)");
        r.lint = std::move(*report);
      }
      break;
    }
    case FleetCommand::kHealth: {
      auto report = m.Health();
      if (!report.ok()) {
        error = report.status();
      } else {
        if (report->state == HealthState::kUnhealthy) {
          std::string why = report->error;
          for (const auto& reason : report->reasons) why += (why.empty() ? "" : "; ") + reason;
          error = Status::Database("unhealthy" + (why.empty() ? std::string() : ": " + why));
        }
        r.health = std::move(*report);
      }
      break;
    }
  }
  r.error = Scrubbed(error);
  r.outcome = error.ok() ? FleetOutcome::kOk : FleetOutcome::kFailed;
}

class FleetImpl : public Fleet {
 public:
  FleetImpl(FleetOptions options, TargetList list) : options_(std::move(options)), list_(std::move(list)) {
    for (const auto& t : list_.targets) infos_.push_back(t.info);
    parallel_ = options_.parallel > 0 ? options_.parallel : list_.parallel > 0 ? list_.parallel : kDefaultParallel;
  }

  const std::vector<FleetTarget>& targets() const override { return infos_; }
  int parallel() const override { return parallel_; }

  FleetReport Run(FleetObserver* observer) override {
    auto start = std::chrono::steady_clock::now();
    FleetReport report;
    report.command = options_.command;
    report.parallel = parallel_;
    report.targets.resize(infos_.size());
    for (size_t i = 0; i < infos_.size(); ++i) report.targets[i].target = infos_[i];
    Relay relay(observer);
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (;;) {
        size_t i = next++;
        if (i >= infos_.size() || stop_) return;  // fail-fast or Cancel: the rest stay skipped
        RunOne(i, relay, report.targets[i]);
      }
    };
    size_t workers = std::min<size_t>(static_cast<size_t>(parallel_), infos_.size());
    std::vector<std::thread> threads;
    for (size_t w = 1; w < workers; ++w) threads.emplace_back(work);
    work();  // the calling thread is a worker too
    for (auto& t : threads) t.join();
    for (const auto& r : report.targets) {
      if (r.outcome == FleetOutcome::kOk) ++report.ok;
      if (r.outcome == FleetOutcome::kFailed) ++report.failed;
      if (r.outcome == FleetOutcome::kSkipped) ++report.skipped;
    }
    report.cancelled = cancelled_;
    report.duration_ms = Since(start);
    return report;
  }

  void Cancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    stop_ = true;
    for (auto& [i, m] : running_) m->Cancel();
  }

 private:
  void RunOne(size_t i, Relay& relay, FleetTargetResult& r) {
    auto start = std::chrono::steady_clock::now();
    relay.Started(i, r.target);
    TargetSink sink(relay, i);
    auto migrator = Migrator::Open(list_.targets[i].options, &sink);
    if (!migrator.ok()) {
      r.error = Scrubbed(migrator.status());
      r.outcome = FleetOutcome::kFailed;
    } else {
      {
        std::lock_guard<std::mutex> lock(mu_);
        running_[i] = migrator->get();
        if (cancelled_) (*migrator)->Cancel();  // Cancel() came between Open and here
      }
      RunCommand(**migrator, options_, r);
      std::lock_guard<std::mutex> lock(mu_);
      running_.erase(i);
    }
    r.duration_ms = Since(start);
    if (r.outcome == FleetOutcome::kFailed && options_.fail_fast) stop_ = true;
    relay.Finished(i, r);
  }

  FleetOptions options_;
  TargetList list_;
  std::vector<FleetTarget> infos_;
  int parallel_ = kDefaultParallel;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  bool cancelled_ = false;                // GUARDED_BY(mu_)
  std::map<size_t, Migrator*> running_;   // GUARDED_BY(mu_)
};

}  // namespace
}  // namespace fleet

Result<std::unique_ptr<Fleet>> Fleet::Open(const FleetOptions& options) {
  if (options.targets_file.empty() == options.fleet.empty()) {
    return Status::InvalidArgument(options.targets_file.empty() ? "no fleet given"
                                                                : "--targets and --fleet exclude each other")
        .WithHint("pass --targets FILE or --fleet NAME");
  }
  if (!options.base.url.empty()) {
    return Status::InvalidArgument("--url cannot be combined with --targets or --fleet")
        .WithHint("the targets name the databases; list this URL in the targets file instead");
  }
  if (options.parallel < 0 || options.parallel > 1000) {
    return Status::InvalidArgument("--parallel must be between 1 and 1000");
  }
  auto list = fleet::ResolveTargets(options, config::ProcessEnv());
  if (!list.ok()) return fleet::Scrubbed(list.status());
  return std::unique_ptr<Fleet>(std::make_unique<fleet::FleetImpl>(options, std::move(*list)));
}

}  // namespace strata
