// engine::MigrationLock: one migration runner per database at a time, across
// processes and hosts.
//
// PostgreSQL: a session-level advisory lock on a key derived from the schema
// and tracking-table name, held for the whole run on the runner's connection.
// SQLite (no advisory locks): a lease row in the lock table (owner token,
// host, pid, acquired, expiry), renewed by a heartbeat thread on a second
// connection and at every migration commit. An expired lease, or one whose
// process is gone from this host, is taken over. Because a lease can expire
// while its holder is stalled, the runner calls CheckHeld() inside each
// migration's BEGIN IMMEDIATE transaction: the file's write lock serialises
// that check with any take-over, so a runner that lost its lease stops before
// applying anything.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "driver/connection.h"
#include "engine/history.h"
#include <strata/events.h>
#include <strata/result.h>

namespace strata::engine {

struct LockOptions {
  // How long Acquire waits for another runner before kLocked.
  std::chrono::milliseconds wait{60000};
  // SQLite lease length; the heartbeat renews at a third of it.
  std::chrono::milliseconds lease{30000};
};

class MigrationLock {
 public:
  virtual ~MigrationLock() = default;
  // Waits until the lock is ours (emitting kLockWaiting once), or kLocked
  // after options.wait naming the holder.
  virtual Status Acquire() = 0;
  // Inside a transaction: kLocked if the lock was lost; renews the lease.
  virtual Status CheckHeld() = 0;
  // Releases; safe to call twice. The destructor releases too.
  virtual void Release() = 0;
  // True when the lock lives as long as the connection (PostgreSQL advisory
  // lock): it cannot be lost while statements still run, so the runner can
  // skip its per-migration re-check. False for leases, which can expire.
  virtual bool session_scoped() const { return false; }
};

// Opens a second connection to the same database (the SQLite heartbeat).
using ConnectFn = std::function<Result<std::unique_ptr<driver::Connection>>()>;

// The lock that fits `conn`: advisory on PostgreSQL, a lease row on SQLite
// files, none for sqlite::memory: (no other process can reach it), which is
// signalled by a null `connect`.
std::unique_ptr<MigrationLock> MakeLock(driver::Connection& conn, const TableNames& names,
                                        const LockOptions& options, ConnectFn connect, EventSink* sink);

// Acquires on construction and releases on destruction.
class LockGuard {
 public:
  explicit LockGuard(MigrationLock& lock) : lock_(lock) {}
  ~LockGuard() { lock_.Release(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  MigrationLock& lock_;
};

}  // namespace strata::engine
