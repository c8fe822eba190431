#include "engine/lock.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "util/clock.h"

namespace strata::engine {
namespace {

using Clock = std::chrono::steady_clock;

void Emit(EventSink* sink, Event::Kind kind, std::string message) {
  if (!sink) return;
  Event e;
  e.kind = kind;
  e.message = std::move(message);
  sink->OnEvent(e);
}

// Sleeps with backoff from 20 ms up to 500 ms, jittered so that many waiting
// runners do not retry in lockstep.
void Backoff(int attempt) {
  static thread_local std::mt19937 rng(std::random_device{}());
  int base = std::min(500, 20 << std::min(attempt, 5));
  std::uniform_int_distribution<int> jitter(base / 2, base);
  std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
}

// The advisory key of one tracking table: FNV-1a over its qualified name.
int64_t LockKey(const TableNames& names) {
  std::string id = "strata:" + names.schema + "." + names.migrations;
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h);
}

std::string Qualified(const TableNames& names) {
  return names.schema.empty() ? driver::QuoteIdent(names.lock)
                              : driver::QuoteIdent(names.schema) + "." + driver::QuoteIdent(names.lock);
}

std::string RandomToken() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) out += kHex[rd() & 0xf];
  return out;
}

Result<std::optional<LeaseHolder>> ReadRow(driver::Connection& conn, const std::string& table) {
  auto rows = conn.Query("SELECT owner, host, pid, acquired_at, expires_at_ms FROM " + table + " WHERE id = 1");
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return std::optional<LeaseHolder>();
  const auto& r = rows->rows[0];
  LeaseHolder h;
  h.owner = r[0].value_or("");
  h.host = r[1].value_or("");
  h.pid = std::strtoll(r[2].value_or("0").c_str(), nullptr, 10);
  h.acquired_at = r[3].value_or("");
  h.expires_at_ms = std::strtoll(r[4].value_or("0").c_str(), nullptr, 10);
  h.expired = h.expires_at_ms < util::NowUnixMillis();
  return std::optional<LeaseHolder>(std::move(h));
}

// ---------------------------------------------------------------------------

class LeaseLock : public MigrationLock {
 public:
  LeaseLock(driver::Connection& conn, const TableNames& names, LockOptions options, ConnectFn connect,
            EventSink* sink)
      : conn_(conn),
        names_(names),
        table_(Qualified(names)),
        key_(LockKey(names)),
        postgres_(conn.supports_advisory_lock()),
        options_(options),
        connect_(std::move(connect)),
        sink_(sink),
        owner_(RandomToken()),
        host_(util::HostName()) {}
  ~LeaseLock() override { Release(); }

  Status Acquire() override {
    auto deadline = Clock::now() + options_.wait;
    std::string holder;
    for (int attempt = 0;; ++attempt) {
      auto taken = TryTake(&holder);
      if (!taken.ok()) return taken.status().With("take the migration lock");
      if (*taken) {
        held_ = true;
        if (attempt > 0) Emit(sink_, Event::Kind::kLockAcquired, "migration lock acquired");
        StartHeartbeat();
        return Status::Ok();
      }
      if (attempt == 0) Emit(sink_, Event::Kind::kLockWaiting, "waiting for the migration lock held by " + holder);
      if (Clock::now() >= deadline) {
        char waited[32];
        std::snprintf(waited, sizeof(waited), "%.3g s", static_cast<double>(options_.wait.count()) / 1000.0);
        return Status::Locked("the migration lock is held by " + holder + "; waited lock_wait = " + waited)
            .WithHint("wait for that run to finish (`strata status` shows the holder); a lease whose holder died "
                      "expires by itself within " +
                      std::to_string(options_.lease.count() / 1000) + " s; lock_wait in strata.toml sets how long "
                      "to wait");
      }
      Backoff(attempt);
    }
  }

  Status CheckHeld() override {
    if (postgres_) {
      // Serialises this migration's transaction with every other runner's
      // migration transactions and take-overs (see lock.h).
      auto locked = conn_.TransactionAdvisoryLock(key_, /*wait=*/true);
      if (!locked.ok()) return locked.status().With("take the migration transaction lock");
    }
    auto row = ReadRow(conn_, table_);
    if (!row.ok()) return row.status().With("check the migration lock");
    if (!*row || (*row)->owner != owner_) {
      std::string by = *row ? Describe(**row) : "nobody";
      return Status::Locked("lost the migration lock: its lease expired and was taken over by " + by)
          .WithHint("this run stopped before the next migration; run `strata status`, then `strata up` again");
    }
    // Renew only when a third of the lease is used up: rewriting the lock
    // row in every migration's transaction costs a write per commit.
    if ((*row)->expires_at_ms - util::NowUnixMillis() > options_.lease.count() * 2 / 3) return Status::Ok();
    return Renew(conn_);
  }

  void Release() override {
    StopHeartbeat();
    if (!held_) return;
    held_ = false;
    if (conn_.in_transaction()) {
      Status s = conn_.Rollback();
      (void)s;
    }
    auto r = conn_.Query("DELETE FROM " + table_ + " WHERE id = 1 AND owner = $1", {owner_});
    (void)r;  // an unreleased lease expires by itself
  }

 private:
  // One attempt in a transaction: take the row if free, expired, or held by
  // a process on this host that no longer exists.
  Result<bool> TryTake(std::string* holder) {
    // PostgreSQL creates the lock table in a transaction of its own (see
    // CreateSerialised); SQLite in the lease's transaction, under its write
    // lock: a fresh file then commits once, not twice.
    Status s = postgres_ ? EnsureTable() : Status::Ok();
    if (!s.ok()) return s;
    s = conn_.Begin();
    // SQLite: another writer held the file for all of busy_timeout (16
    // runners starting at once on a fresh database). Lock held, like any
    // other.
    if (s.code() == Status::Code::kLocked) {
      *holder = "another process writing to the database file (" + s.message() + ")";
      return false;
    }
    if (!s.ok()) return s;
    Result<bool> result = true;
    if (!postgres_) {
      Status created = EnsureTable();
      if (!created.ok()) result = created;
    }
    if (result.ok()) result = TryTakeInTransaction(holder);
    if (!result.ok() || !*result) {
      Status r = conn_.Rollback();
      (void)r;
      if (!postgres_) table_ready_ = false;  // a table created in it is gone with it
      return result;
    }
    s = conn_.Commit();
    if (!s.ok()) return s;
    return true;
  }

  // The lock table (and on PostgreSQL its schema), created once. Checked
  // before creating: CREATE ... IF NOT EXISTS would leave a NOTICE behind
  // on every run.
  Status EnsureTable() {
    if (table_ready_) return Status::Ok();
    auto exists = conn_.TableExists(names_.schema, names_.lock);
    if (!exists.ok()) return exists.status();
    if (!*exists) {
      std::string sql;
      if (postgres_ && !names_.schema.empty()) {
        sql += "CREATE SCHEMA IF NOT EXISTS " + driver::QuoteIdent(names_.schema) + ";\n";
      }
      sql += "CREATE TABLE IF NOT EXISTS " + table_ +
             " (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, host TEXT NOT NULL,"
             " pid INTEGER NOT NULL, acquired_at TEXT NOT NULL, expires_at_ms BIGINT NOT NULL)";
      Status s = postgres_ ? CreateSerialised(sql) : conn_.ExecScript(sql);
      (void)conn_.TakeNotices();
      if (!s.ok()) return s;
    }
    table_ready_ = true;
    return Status::Ok();
  }

  // PostgreSQL: CREATE ... IF NOT EXISTS is not safe against a concurrent
  // CREATE of the same name (the loser fails on pg_type's unique index), so
  // first runs take the transaction advisory lock around it: the second one
  // waits, then sees the table and does nothing.
  Status CreateSerialised(const std::string& sql) {
    Status s = conn_.Begin();
    if (!s.ok()) return s;
    auto locked = conn_.TransactionAdvisoryLock(key_, /*wait=*/true);
    if (!locked.ok()) s = locked.status();
    if (s.ok()) s = conn_.ExecScript(sql);
    if (s.ok()) return conn_.Commit();
    Status r = conn_.Rollback();
    (void)r;
    return s;
  }

  Result<bool> TryTakeInTransaction(std::string* holder) {
    if (postgres_) {
      // Without waiting: a runner in the middle of a migration transaction
      // holds it, and that runner's lease is alive by definition.
      auto locked = conn_.TransactionAdvisoryLock(key_, /*wait=*/false);
      if (!locked.ok()) return locked.status();
      if (!*locked) {
        auto row = ReadRow(conn_, table_);
        *holder = row.ok() && *row ? Describe(**row) : "another strata run";
        return false;
      }
    }
    auto row = ReadRow(conn_, table_);
    if (!row.ok()) return row.status();
    if (*row) {
      const LeaseHolder& h = **row;
      bool dead = h.host == host_ && h.pid > 0 && ::kill(static_cast<pid_t>(h.pid), 0) != 0 && errno == ESRCH;
      if (!h.expired && !dead) {
        *holder = Describe(h);
        return false;
      }
      auto d = conn_.Query("DELETE FROM " + table_ + " WHERE id = 1");
      if (!d.ok()) return d.status();
    }
    auto ins = conn_.Query("INSERT INTO " + table_ +
                               " (id, owner, host, pid, acquired_at, expires_at_ms) VALUES (1, $1, $2, $3, $4, $5)",
                           {owner_, host_, std::to_string(::getpid()), util::NowRfc3339(),
                            std::to_string(util::NowUnixMillis() + options_.lease.count())});
    if (!ins.ok()) {
      // PostgreSQL without the advisory lock cannot get here; a concurrent
      // first insert on SQLite is excluded by BEGIN IMMEDIATE.
      return ins.status();
    }
    return true;
  }

  Status Renew(driver::Connection& conn) {
    auto r = conn.Query("UPDATE " + table_ + " SET expires_at_ms = $1 WHERE id = 1 AND owner = $2",
                        {std::to_string(util::NowUnixMillis() + options_.lease.count()), owner_});
    return r.ok() ? Status::Ok() : r.status();
  }

  // The heartbeat renews the lease between migrations and during long ones.
  // While a migration transaction holds the row (it renewed it, or on SQLite
  // the file's write lock) the renewal waits and is retried at the next
  // beat; nobody can take the lease over meanwhile, because that needs the
  // same lock.
  void StartHeartbeat() {
    if (!connect_) return;
    auto conn = connect_();
    if (!conn.ok()) return;  // the lease is still renewed inside each migration
    heartbeat_conn_ = std::move(*conn);
    stop_ = false;
    heartbeat_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!cv_.wait_for(lock, options_.lease / 3, [this] { return stop_; })) {
        lock.unlock();
        Status s = Renew(*heartbeat_conn_);
        (void)s;
        lock.lock();
      }
    });
  }

  void StopHeartbeat() {
    if (!heartbeat_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    heartbeat_.join();
    heartbeat_conn_.reset();
  }

  driver::Connection& conn_;
  TableNames names_;
  std::string table_;
  int64_t key_;
  bool postgres_;
  LockOptions options_;
  ConnectFn connect_;
  EventSink* sink_;
  std::string owner_;
  std::string host_;
  bool held_ = false;
  bool table_ready_ = false;

  std::unique_ptr<driver::Connection> heartbeat_conn_;
  std::thread heartbeat_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
};

// A PostgreSQL dry run: no lease (nothing may commit), only the advisory
// lock inside the run's transaction, so that it sees a consistent state and
// no other runner's migration lands in the middle of it.
class TransactionOnlyLock : public MigrationLock {
 public:
  TransactionOnlyLock(driver::Connection& conn, int64_t key) : conn_(conn), key_(key) {}
  Status Acquire() override { return Status::Ok(); }
  Status CheckHeld() override {
    auto locked = conn_.TransactionAdvisoryLock(key_, /*wait=*/true);
    return locked.ok() ? Status::Ok() : locked.status();
  }
  void Release() override {}

 private:
  driver::Connection& conn_;
  int64_t key_;
};

class NoLock : public MigrationLock {
 public:
  Status Acquire() override { return Status::Ok(); }
  Status CheckHeld() override { return Status::Ok(); }
  void Release() override {}
};

}  // namespace

std::unique_ptr<MigrationLock> MakeLock(driver::Connection& conn, const TableNames& names,
                                        const LockOptions& options, ConnectFn connect, EventSink* sink,
                                        bool dry_run) {
  const bool postgres = conn.supports_advisory_lock();
  if (dry_run) {
    if (postgres) return std::make_unique<TransactionOnlyLock>(conn, LockKey(names));
    return std::make_unique<NoLock>();
  }
  if (!postgres && !connect) return std::make_unique<NoLock>();
  return std::make_unique<LeaseLock>(conn, names, options, std::move(connect), sink);
}

Result<std::optional<LeaseHolder>> ReadLease(driver::Connection& conn, const TableNames& names) {
  auto exists = conn.TableExists(names.schema, names.lock);
  if (!exists.ok()) return exists.status();
  if (!*exists) return std::optional<LeaseHolder>();
  return ReadRow(conn, Qualified(names));
}

std::string Describe(const LeaseHolder& holder) {
  std::string out = holder.host + " pid " + std::to_string(holder.pid);
  if (!holder.acquired_at.empty()) out += ", since " + holder.acquired_at;
  int64_t left = (holder.expires_at_ms - util::NowUnixMillis()) / 1000;
  out += holder.expired ? ", lease expired" : ", lease expires in " + std::to_string(left) + " s";
  return out;
}

Result<LockInfo> LockStatus(driver::Connection& conn, const TableNames& names) {
  LockInfo info;
  auto lease = ReadLease(conn, names);
  if (!lease.ok()) return lease.status();
  if (!*lease) return info;
  const LeaseHolder& h = **lease;
  info.held = !h.expired;
  info.expired = h.expired;
  info.host = h.host;
  info.pid = h.pid;
  info.since = h.acquired_at;
  info.expires_at = util::FormatRfc3339(h.expires_at_ms);
  info.holder = Describe(h);
  return info;
}

}  // namespace strata::engine
