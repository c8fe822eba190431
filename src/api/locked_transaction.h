// InLockedTransaction: the shape of every command that edits strata's records
// without running migrations (baseline, repair, import). Internal to src/api.
#pragma once

#include "driver/connection.h"
#include "engine/history.h"
#include "engine/lock.h"

namespace strata::api {

// Runs `body` in one transaction under the migration lock; the tracking
// tables are created first. The transaction commits when `body` returns OK
// and rolls back otherwise.
template <class Body>
Status InLockedTransaction(driver::Connection& conn, engine::History& history, engine::MigrationLock& lock,
                           Body body) {
  Status s = lock.Acquire();
  if (!s.ok()) return s;
  engine::LockGuard guard(lock);
  s = history.Ensure();
  if (!s.ok()) return s;
  s = conn.Begin();
  if (!s.ok()) return s;
  s = lock.CheckHeld();
  if (s.ok()) s = body();
  if (s.ok()) return conn.Commit();
  Status r = conn.Rollback();
  (void)r;
  return s;
}

}  // namespace strata::api
