// ProgressPrinter: renders the engine's events while up/down/redo run.
//
//   normal   one line per finished migration on stdout, names in one column
//            as wide as the longest:
//              "  up    0001_create_users             12 ms"
//            on a terminal (stderr), a status line that is erased when the
//            run ends: a progress bar when more than 5 steps run, and for a
//            migration that runs longer than a second, its statement count
//            and elapsed time ("statement 12,345 of 60,000, 3.2 s"); when
//            stderr is not a terminal, a plain line every 10 s instead;
//   quiet    nothing (also used for --json: stdout holds only the document);
//   verbose  also server notices (under their step) and lock waits, retries
//            and connection notes (on stderr).
// In every mode, hook output ("[after_up] ...") and warnings (an alert that
// could not be delivered) go to stderr; --quiet hides the hook output only.
// Events arrive on the thread that runs the command; a ticker thread of its
// own redraws the status line while one long statement runs, so all state
// is guarded by mu_.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <strata/events.h>

#include "cli/render.h"

namespace strata::cli {

class ProgressPrinter : public EventSink {
 public:
  enum class Verbosity { kQuiet, kNormal, kVerbose };
  // Hook output (stderr, "[before_up] line") is shown unless `hide_hook_output`
  // (--quiet); warnings always (stderr: stdout may hold --json).
  ProgressPrinter(Verbosity verbosity, const Style& style, bool stderr_is_terminal, bool hide_hook_output = false);
  ~ProgressPrinter() override;

  void OnEvent(const Event& event) override;

  // "  up    0001_create_users             " (the part before the outcome),
  // the name padded to `width` characters (at least 28).
  static std::string StepPrefix(Direction direction, const std::string& version, const std::string& name,
                                size_t width = 0);

 private:
  using Clock = std::chrono::steady_clock;
  void HandleLocked(const Event& event);
  void PrintStep(const Event& event, const std::string& outcome);
  void DrawStatus();
  void ClearStatus();
  void Tick();
  // "statement 12,345 of 60,000, 3.2 s"
  std::string RunningText() const;

  const Verbosity verbosity_;
  const Style& style_;
  const bool stderr_is_terminal_;
  const bool hide_hook_output_;

  std::mutex mu_;
  bool bar_enabled_ = false;         // GUARDED_BY(mu_)
  bool status_visible_ = false;      // GUARDED_BY(mu_)
  int total_ = 0;                    // GUARDED_BY(mu_)
  int done_ = 0;                     // GUARDED_BY(mu_)
  size_t width_ = 0;                 // GUARDED_BY(mu_)
  std::string current_;              // "0003_orders" while it runs; GUARDED_BY(mu_)
  Direction direction_ = Direction::kUp;  // GUARDED_BY(mu_)
  bool running_ = false;             // a step is running; GUARDED_BY(mu_)
  Clock::time_point step_start_;     // GUARDED_BY(mu_)
  Clock::time_point next_plain_;     // next plain progress line (not a terminal); GUARDED_BY(mu_)
  int statements_done_ = 0;          // GUARDED_BY(mu_)
  int statements_total_ = 0;         // GUARDED_BY(mu_)
  std::shared_ptr<const std::atomic<int>> live_done_;  // GUARDED_BY(mu_); the step's live count

  std::vector<std::string> notices_;  // of the running step, printed after it; GUARDED_BY(mu_)

  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread ticker_;
};

}  // namespace strata::cli
