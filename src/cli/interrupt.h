// cli::InterruptScope: Ctrl-C (SIGINT) or SIGTERM while `up`, `down` or
// `redo` runs cancels the run through Migrator::Cancel instead of killing the
// process. The running statement is cancelled on the server, its migration
// rolls back (a no-transaction one stays dirty, as after any failure), the
// failure is recorded in the event table, the lock is released, and strata
// exits 130 (143 for SIGTERM). Killed outright, strata would leave a
// PostgreSQL backend running the statement, holding its locks, until it
// noticed the client was gone.
//
// A second signal ends the process at once (the default action is restored
// after the first). A signal handler may not call into libpq, so the handler
// only writes the signal number to a pipe; a watcher thread calls Cancel.
#pragma once

#include <functional>
#include <thread>

#include <strata/migrator.h>

namespace strata::cli {

class InterruptScope {
 public:
  explicit InterruptScope(Migrator& migrator);
  // The same for anything else that can be cancelled (a fleet run): `cancel`
  // is called on the watcher thread.
  explicit InterruptScope(std::function<void()> cancel);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // The signal that interrupted this process's run, 0 when none did.
  static int signal();

 private:
  void Watch();

  std::function<void()> cancel_;
  int pipe_[2] = {-1, -1};
  bool installed_ = false;
  std::thread watcher_;
};

}  // namespace strata::cli
