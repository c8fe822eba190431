// ops::RunHook: one hook (docs/operations.md#hooks) as a child process.
//
// The command runs as `/bin/sh -c COMMAND` in its own process group, with
// strata's environment plus the variables given (never a password: callers
// pass redacted values only), stdin from /dev/null, and stdout and stderr
// merged into one pipe whose lines are handed to `on_line` as they arrive
// (strata shows them on its stderr, never on stdout, which may hold --json).
// At the timeout, or when `cancel` becomes true (Ctrl-C), the whole process
// group gets SIGTERM, then SIGKILL 2 s later: a hook cannot outlive its
// budget through a child it started.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::ops {

struct HookResult {
  bool ok() const { return exit_code == 0 && !timed_out && !cancelled && error.empty(); }
  int exit_code = -1;       // -1 when a signal ended it or it never ran
  int signal = 0;           // the signal that ended it (not ours), or 0
  bool timed_out = false;
  bool cancelled = false;
  std::string error;        // it could not be started (fork, pipe)
  int64_t duration_ms = 0;
  // "exited with 3", "was killed by signal 9", "timed out after 60 s", ...
  std::string Describe(std::chrono::milliseconds timeout) const;
};

struct HookCommand {
  std::string command;  // shell text
  std::string cwd;      // "" = the current directory
  std::vector<std::pair<std::string, std::string>> env;  // added to (or replacing) strata's environment
  std::chrono::milliseconds timeout{60000};
};

// Runs the hook to completion. `on_line` gets each output line without its
// newline (long lines in pieces of 4 KiB) on the calling thread.
HookResult RunHook(const HookCommand& hook, const std::function<void(std::string_view line)>& on_line,
                   const std::atomic<bool>* cancel = nullptr);

}  // namespace strata::ops
