// Fleet runs in the CLI: flags, the live table, the summary, exit codes.
#include "cli/fleet.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/interrupt.h"

namespace strata::cli {
namespace {

using Clock = std::chrono::steady_clock;

int TerminalWidth() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 100;
}

// Cut to `width` columns (bytes; names and messages are mostly ASCII) so that
// no line wraps: the redraw moves the cursor up by lines.
std::string Fit(std::string s, size_t width) {
  if (s.size() > width) s = s.substr(0, width > 3 ? width - 3 : width) + "...";
  return s;
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// One line on what a finished target did ("applied 3 (batch 2)").
std::string Detail(const FleetTargetResult& r) {
  if (r.outcome == FleetOutcome::kSkipped) return "not started (--fail-fast or interrupted)";
  if (r.outcome == FleetOutcome::kFailed) return FirstLine(r.error.ToString());
  if (r.up) {
    const ApplyReport& a = *r.up;
    if (a.steps.empty()) return "nothing to apply";
    std::string out = fmt::format("applied {} (batch {})", Plural(a.steps.size(), "migration"), a.batch);
    if (a.dry_run) out = fmt::format("dry run: {} rolled back", Plural(a.steps.size(), "migration"));
    if (a.backup) out += ", backup " + a.backup->file;
    return out;
  }
  if (r.status) {
    const StatusSummary& s = r.status->summary;
    std::string out = fmt::format("{} applied, {} pending", s.applied, s.pending);
    if (s.modified > 0) out += fmt::format(", {} modified", s.modified);
    if (s.missing > 0) out += fmt::format(", {} missing", s.missing);
    if (s.dirty > 0) out += fmt::format(", {} dirty", s.dirty);
    if (!r.status->problems.empty()) out += fmt::format(", {}", Plural(r.status->problems.size(), "problem"));
    return out;
  }
  if (r.drift) {
    return r.drift->not_compared.empty()
               ? "no drift"
               : fmt::format("no drift ({} not compared)", Plural(r.drift->not_compared.size(), "object"));
  }
  if (r.lint) {
    if (r.lint->findings.empty()) return "no findings";
    return fmt::format("{} ({} errors, {} warnings)", Plural(r.lint->findings.size(), "finding"), r.lint->errors,
                       r.lint->warnings);
  }
  if (r.health) {
    if (r.health->state == HealthState::kHealthy) return "healthy";
    std::string out = std::string(ToString(r.health->state));
    for (const auto& reason : r.health->reasons) out += (out.size() > 8 ? "; " : ": ") + reason;
    return out;
  }
  return "";
}

// The exit code the one-database command would have given this target.
int TargetExitCode(const FleetTargetResult& r, bool status_exit_code) {
  if (r.outcome == FleetOutcome::kSkipped) return kExitOk;
  if (r.outcome == FleetOutcome::kFailed) return ExitCode(r.error.code());
  if (r.health && r.health->state == HealthState::kPending) return kExitPending;
  if (r.status && status_exit_code) {
    const StatusSummary& s = r.status->summary;
    if (s.modified + s.missing + s.dirty > 0 || !r.status->problems.empty()) {
      return ExitCode(Status::Code::kValidation);
    }
    if (s.pending > 0) return kExitPending;
  }
  return kExitOk;
}

// 0 when every target gave 0; the targets' code when all non-zero ones
// agree (3 pending, 4 lint, 5 drift, 6 validation, ...); else 1.
int FleetExitCode(const std::vector<int>& codes) {
  std::set<int> nonzero;
  for (int c : codes) {
    if (c != kExitOk) nonzero.insert(c);
  }
  if (nonzero.empty()) return kExitOk;
  return nonzero.size() == 1 ? *nonzero.begin() : kExitError;
}

// Progress while the fleet runs, on stderr.
//   terminal: a live table, one line per running target (what it does and
//             for how long) under a counter line, redrawn in place; each
//             finished target leaves one permanent line above it;
//   otherwise: one plain line per finished target.
class FleetProgress : public FleetObserver {
 public:
  FleetProgress(const Style& style, bool live, size_t total)
      : style_(style), live_(live), total_(total), width_(TerminalWidth()) {
    if (live_) ticker_ = std::thread([this] { Tick(); });
  }
  ~FleetProgress() override {
    if (live_) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        done_ = true;
      }
      cv_.notify_all();
      ticker_.join();
      std::lock_guard<std::mutex> lock(mu_);
      Erase();
    }
  }

  void OnTargetStarted(size_t index, const FleetTarget& target) override {
    std::lock_guard<std::mutex> lock(mu_);
    running_[index] = {target.name, "connecting", Clock::now()};
    if (live_) Redraw();
  }

  void OnTargetEvent(size_t index, const Event& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(index);
    if (it == running_.end()) return;
    switch (e.kind) {
      case Event::Kind::kLockWaiting: it->second.what = "waiting for the lock"; break;
      case Event::Kind::kStepStarted:
        it->second.what = fmt::format("{} {}_{} ({}/{})", e.direction == Direction::kUp ? "applying" : "rolling back",
                                      e.version, e.name, e.index + 1, e.total);
        break;
      case Event::Kind::kRetry: it->second.what = "lock timeout, retrying"; break;
      default: return;
    }
    if (live_) Redraw();
  }

  void OnTargetFinished(size_t index, const FleetTargetResult& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    running_.erase(index);
    ++finished_;
    if (r.outcome == FleetOutcome::kFailed) ++failed_;
    Color color = r.outcome == FleetOutcome::kOk ? Color::kGreen : Color::kRed;
    std::string line = fmt::format("[{}/{}] {:<7} {}  {} ({})", finished_, total_, ToString(r.outcome), r.target.name,
                                   Detail(r), FormatDuration(r.duration_ms));
    if (live_) {
      Erase();
      WriteErr(style_.Paint(Fit(line, width_ - 1), color) + "\n");
      Draw();
    } else {
      WriteErr(line + "\n");
    }
  }

 private:
  struct Running {
    std::string name;
    std::string what;
    Clock::time_point start;
  };

  void Erase() {
    if (drawn_ > 0) WriteErr(fmt::format("\x1b[{}F\x1b[J", drawn_));
    drawn_ = 0;
  }
  void Draw() {
    std::string out = style_.Paint(fmt::format("{}/{} done, {} failed, {} running", finished_, total_, failed_,
                                               running_.size()),
                                   Color::kBold) +
                      "\n";
    int lines = 1;
    for (const auto& [i, r] : running_) {
      int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - r.start).count();
      out += Fit(fmt::format("  {}  {}  {}", r.name, r.what, FormatDuration(ms)), width_ - 1) + "\n";
      ++lines;
    }
    WriteErr(out);
    drawn_ = lines;
  }
  void Redraw() {
    Erase();
    Draw();
  }
  void Tick() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_) {
      cv_.wait_for(lock, std::chrono::milliseconds(250));
      if (!done_ && !running_.empty()) Redraw();
    }
  }

  const Style& style_;
  const bool live_;
  const size_t total_;
  const size_t width_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread ticker_;
  bool done_ = false;                 // GUARDED_BY(mu_)
  std::map<size_t, Running> running_; // GUARDED_BY(mu_)
  size_t finished_ = 0;               // GUARDED_BY(mu_)
  size_t failed_ = 0;                 // GUARDED_BY(mu_)
  int drawn_ = 0;                     // GUARDED_BY(mu_): lines of the live table on screen
};

std::string RenderSummary(const FleetReport& report, const std::vector<int>& codes, const Style& style) {
  Table table({"TARGET", "RESULT", "DETAIL", "TIME"});
  for (size_t i = 0; i < report.targets.size(); ++i) {
    const FleetTargetResult& r = report.targets[i];
    Color color = r.outcome == FleetOutcome::kOk ? (codes[i] == kExitOk ? Color::kGreen : Color::kYellow)
                  : r.outcome == FleetOutcome::kFailed ? Color::kRed
                                                       : Color::kDim;
    table.AddRow({{r.target.name},
                  {ToString(r.outcome), color},
                  {Fit(Detail(r), 72)},
                  {r.outcome == FleetOutcome::kSkipped ? "" : FormatDuration(r.duration_ms)}});
  }
  std::string out = table.Render(style);
  out += fmt::format("{} {}: {} ok, {} failed, {} skipped in {} (parallel {}){}.\n", ToString(report.command),
                     Plural(report.targets.size(), "target"), report.ok, report.failed, report.skipped,
                     FormatDuration(report.duration_ms), report.parallel,
                     report.cancelled ? ", interrupted" : "");
  if (report.failed > 0) {
    out += "\nFailed:\n";
    for (const auto& r : report.targets) {
      if (r.outcome != FleetOutcome::kFailed) continue;
      out += fmt::format("  {} ({}):\n    {}\n", style.Paint(r.target.name, Color::kRed), r.target.origin,
                         r.error.ToString());
      if (!r.error.hint().empty()) out += "    hint: " + r.error.hint() + "\n";
    }
  }
  return out;
}

}  // namespace

void AddFleetFlags(CLI::App* sub, FleetFlags& flags) {
  sub->add_option("--targets", flags.targets,
                  "Run on every database listed in FILE (one URL or environment name per line)")
      ->type_name("FILE");
  sub->add_option("--fleet", flags.fleet, "Run on every database of [fleet.NAME] in strata.toml")->type_name("NAME");
  sub->add_option("--parallel", flags.parallel, "Fleets: targets run at once (default: the fleet's, else 4)")
      ->type_name("N");
  sub->add_flag("--fail-fast", flags.fail_fast, "Fleets: start no more targets after the first failure");
}

Status CheckFleetFlags(const FleetFlags& flags) {
  if (flags.active()) {
    if (flags.parallel < 0 || flags.parallel > 1000) {
      return Status::InvalidArgument("--parallel: must be between 1 and 1000");
    }
    return Status::Ok();
  }
  if (flags.parallel != 0 || flags.fail_fast) {
    return Status::InvalidArgument(std::string(flags.fail_fast ? "--fail-fast" : "--parallel") +
                                   " needs --targets FILE or --fleet NAME")
        .WithHint("run 'strata COMMAND --help' for usage");
  }
  return Status::Ok();
}

Outcome RunFleet(Context& ctx, const FleetFlags& flags, FleetOptions options, bool status_exit_code) {
  if (Status s = CheckFleetFlags(flags); !s.ok()) return s;
  const GlobalOptions& g = ctx.global();
  options.base.config_path = g.config;
  options.base.env = g.env;
  options.base.url = g.url;
  options.base.dir = g.dir;
  options.base.format = g.format;
  options.targets_file = flags.targets;
  options.fleet = flags.fleet;
  options.parallel = flags.parallel;
  options.fail_fast = flags.fail_fast;
  const bool json = ctx.json() || flags.json;
  if (options.command == FleetCommand::kDrift) DropDevDatabasesOnSignal();
  auto fleet = Fleet::Open(options);
  if (!fleet.ok()) return fleet.status();
  FleetReport report;
  {
    bool show = !json && !g.quiet;
    std::unique_ptr<FleetProgress> progress;
    if (show) progress = std::make_unique<FleetProgress>(ctx.style(), StderrIsTerminal(), (*fleet)->targets().size());
    InterruptScope interrupt([&f = **fleet] { f.Cancel(); });  // Ctrl-C cancels every running target
    report = (*fleet)->Run(progress.get());
  }
  std::vector<int> codes;
  for (const auto& r : report.targets) codes.push_back(TargetExitCode(r, status_exit_code));
  int code = FleetExitCode(codes);
  if (report.cancelled && InterruptScope::signal() != 0) code = 128 + InterruptScope::signal();
  if (json) {
    ctx.PrintJson(ToJson(report, codes, code));
  } else if (!g.quiet || report.failed > 0) {
    WriteOut(RenderSummary(report, codes, ctx.style()));
  }
  return Outcome::Exit(code);
}

}  // namespace strata::cli
