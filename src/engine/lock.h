// engine::MigrationLock: one migration runner per database at a time, across
// processes and hosts, on a direct connection and through a connection
// pooler in transaction mode alike. Nothing it holds is session-scoped, so a
// pooler cannot strand it on a server connection it hands to someone else.
//
// Both engines: a lease row in the lock table (owner token, host, pid,
// acquired, expiry), renewed by a heartbeat thread on a second connection
// and inside each migration's transaction. An expired lease, or one whose
// process is gone from this host, is taken over; a runner killed with
// SIGKILL on another host blocks the next one for at most the lease length.
//
// Because a lease can expire while its holder is stalled, the runner calls
// CheckHeld() inside each migration's transaction, then re-checks that the
// migration is still pending. What makes that re-check safe differs:
//   - SQLite: BEGIN IMMEDIATE takes the file's write lock, which serialises
//     the check with any take-over;
//   - PostgreSQL: CheckHeld takes a transaction-scoped advisory lock
//     (pg_advisory_xact_lock) that every take-over and every migration
//     transaction also takes, so migration transactions of two runners never
//     overlap, and the re-check after it reads what the other committed.
// So a runner that lost its lease stops before applying anything, and a
// migration is applied exactly once even if two runners believe they hold
// the lease.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "driver/connection.h"
#include "engine/history.h"
#include <strata/events.h>
#include <strata/health.h>
#include <strata/result.h>

namespace strata::engine {

struct LockOptions {
  // How long Acquire waits for another runner before kLocked.
  std::chrono::milliseconds wait{60000};
  // Lease length; the heartbeat renews at a third of it.
  std::chrono::milliseconds lease{30000};
};

class MigrationLock {
 public:
  virtual ~MigrationLock() = default;
  // Waits until the lock is ours (emitting kLockWaiting once), or kLocked
  // after options.wait naming the holder.
  virtual Status Acquire() = 0;
  // Inside a migration's transaction: kLocked if the lock was lost; renews
  // the lease; on PostgreSQL also takes the transaction-scoped advisory lock
  // that serialises migration transactions (see above).
  virtual Status CheckHeld() = 0;
  // Releases; safe to call twice. The destructor releases too.
  virtual void Release() = 0;
};

// Opens a second connection to the same database (the heartbeat).
using ConnectFn = std::function<Result<std::unique_ptr<driver::Connection>>()>;

// The lock that fits `conn`:
//   - a lease (plus, on PostgreSQL, the transaction-scoped advisory lock)
//     for databases other processes can reach;
//   - with `dry_run`, no lease (a dry run writes nothing that commits):
//     PostgreSQL still takes the advisory lock inside the dry run's
//     transaction, SQLite's BEGIN IMMEDIATE excludes other writers;
//   - none for sqlite::memory: (no other process can reach it), which is
//     signalled by a null `connect` on SQLite.
std::unique_ptr<MigrationLock> MakeLock(driver::Connection& conn, const TableNames& names,
                                        const LockOptions& options, ConnectFn connect, EventSink* sink,
                                        bool dry_run = false);

// Who holds the lease, for `status` and `health`.
struct LeaseHolder {
  std::string owner;        // random token of the holding run
  std::string host;
  int64_t pid = 0;
  std::string acquired_at;  // RFC 3339 UTC
  int64_t expires_at_ms = 0;  // Unix milliseconds
  bool expired = false;     // the lease ran out: the next runner takes it over
};

// The lease row, read without waiting for anything; nullopt when nobody
// holds the lock (no row, or no lock table yet).
Result<std::optional<LeaseHolder>> ReadLease(driver::Connection& conn, const TableNames& names);

// "host pid 123, since 2026-12-06T10:00:00Z, expires in 21 s": for messages.
std::string Describe(const LeaseHolder& holder);

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

// The lease as `strata health` reports it (ReadLease in the public shape).
// Reads only; never creates the lock table. kDatabase when it cannot be read.
Result<LockInfo> LockStatus(driver::Connection& conn, const TableNames& names);

}  // namespace strata::engine
