// ProgressPrinter: renders the engine's events while up/down/redo run.
//
//   normal   one line per finished migration on stdout:
//              "  up    0001_create_users             12 ms"
//            and, when stderr is a terminal and more than 5 steps run, a
//            progress bar on stderr that is erased when the run ends;
//   quiet    nothing (also used for --json: stdout holds only the document);
//   verbose  also server notices (under their step) and lock waits, retries
//            (on stderr).
// In every mode, hook output ("[after_up] ...") and warnings (an alert that
// could not be delivered) go to stderr; --quiet hides the hook output only.
// Events arrive on the thread that runs the command; not thread-safe.
#pragma once

#include <string>
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

  // "  up    0001_create_users             " (the part before the outcome).
  static std::string StepPrefix(Direction direction, const std::string& version, const std::string& name);

 private:
  void PrintStep(const Event& event, const std::string& outcome);
  void DrawBar();
  void ClearBar();

  Verbosity verbosity_;
  const Style& style_;
  bool stderr_is_terminal_;
  bool hide_hook_output_;
  bool bar_enabled_ = false;
  bool bar_visible_ = false;
  int total_ = 0;
  int done_ = 0;
  std::string current_;               // "0003_orders" while it runs
  std::vector<std::string> notices_;  // of the running step, printed after it
};

}  // namespace strata::cli
