// Typed progress events. The engine never prints: it reports to an EventSink,
// which the CLI renders (text, progress bar), and servers or audit logs may
// subscribe to. Events are delivered on the thread that runs the command.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <strata/types.h>

namespace strata {

struct Event {
  enum class Kind {
    kLockWaiting,   // another runner holds the lock; message says who
    kLockAcquired,
    kPlan,          // total = number of steps about to run; index = the longest "version_name" among them
    kStepStarted,   // version, name, direction, index (0-based), total
    kStepFinished,  // ... and duration_ms
    kStepFailed,    // ... and message
    kStepSkipped,   // dry run: a no-transaction migration was not executed
    kRetry,         // a lock timeout; message says when it retries
    kNotice,        // a server notice during a step
    kConnection,    // something about the connection worth knowing (a pooler in between); message says what
    kStatement,     // progress inside a step: index = statements completed, total = statements in it (0: unknown);
                    // at most every 100 ms; statements_done counts live between the events
    kWarning,       // something failed beside the run and did not stop it
                    // (an audit log line, an alert or an after hook failed); message says what
    kHookOutput,    // a line a hook printed: name = the hook ("before_up"), message = the line
  };
  Kind kind = Kind::kPlan;
  Direction direction = Direction::kUp;
  std::string version;
  std::string name;
  int index = 0;
  int total = 0;
  int64_t duration_ms = 0;
  std::string message;  // redacted
  // kStatement: the number of statements of the step completed so far,
  // updated after every statement while the step runs (the events
  // themselves come at most every 100 ms, so the last count before a long
  // statement may arrive only here). Read it from any thread.
  std::shared_ptr<const std::atomic<int>> statements_done;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnEvent(const Event& event) = 0;
};

}  // namespace strata
