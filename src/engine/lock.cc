#include "engine/lock.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
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

// ---------------------------------------------------------------------------
// PostgreSQL: session advisory lock.

int64_t LockKey(const TableNames& names) {
  // FNV-1a over a name that identifies this tracking table.
  std::string id = "strata:" + names.schema + "." + names.migrations;
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h);
}

class AdvisoryLock : public MigrationLock {
 public:
  AdvisoryLock(driver::Connection& conn, int64_t key, LockOptions options, EventSink* sink)
      : conn_(conn), key_(key), options_(options), sink_(sink) {}
  ~AdvisoryLock() override { Release(); }

  Status Acquire() override {
    auto deadline = Clock::now() + options_.wait;
    for (int attempt = 0;; ++attempt) {
      auto got = conn_.TryAdvisoryLock(key_);
      if (!got.ok()) return got.status().With("take the migration lock");
      if (*got) {
        held_ = true;
        if (attempt > 0) Emit(sink_, Event::Kind::kLockAcquired, "migration lock acquired");
        return Status::Ok();
      }
      if (attempt == 0) Emit(sink_, Event::Kind::kLockWaiting, "waiting for another strata run (advisory lock)");
      if (Clock::now() >= deadline) {
        return Status::Locked("another strata run holds the migration lock (PostgreSQL advisory lock " +
                              std::to_string(key_) + ")")
            .WithHint("wait for it to finish, or raise lock_wait in strata.toml");
      }
      Backoff(attempt);
    }
  }

  Status CheckHeld() override { return Status::Ok(); }  // a session lock cannot expire
  bool session_scoped() const override { return true; }

  void Release() override {
    if (!held_) return;
    held_ = false;
    if (conn_.in_transaction()) {
      Status s = conn_.Rollback();
      (void)s;
    }
    Status s = conn_.AdvisoryUnlock(key_);
    (void)s;  // the lock goes with the session anyway
  }

 private:
  driver::Connection& conn_;
  int64_t key_;
  LockOptions options_;
  EventSink* sink_;
  bool held_ = false;
};

// ---------------------------------------------------------------------------
// SQLite: lease row.

std::string RandomToken() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) out += kHex[rd() & 0xf];
  return out;
}

class LeaseLock : public MigrationLock {
 public:
  LeaseLock(driver::Connection& conn, const TableNames& names, LockOptions options, ConnectFn connect,
            EventSink* sink)
      : conn_(conn),
        table_(names.schema.empty() ? driver::QuoteIdent(names.lock)
                                    : driver::QuoteIdent(names.schema) + "." + driver::QuoteIdent(names.lock)),
        lock_name_(names.lock),
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
        return Status::Locked("the migration lock is held by " + holder)
            .WithHint("wait for that run to finish; a lease whose holder died expires by itself");
      }
      Backoff(attempt);
    }
  }

  Status CheckHeld() override {
    auto rows = conn_.Query("SELECT owner, host, pid, expires_at_ms FROM " + table_ + " WHERE id = 1");
    if (!rows.ok()) return rows.status().With("check the migration lock");
    if (rows->rows.empty() || rows->rows[0][0].value_or("") != owner_) {
      std::string by = rows->rows.empty() ? "nobody"
                                          : rows->rows[0][1].value_or("?") + " pid " + rows->rows[0][2].value_or("?");
      return Status::Locked("lost the migration lock: its lease expired and was taken over by " + by)
          .WithHint("this run stopped before the next migration; run `strata status`, then `strata up` again");
    }
    // Renew only when a third of the lease is used up: rewriting the lock
    // row in every migration's transaction costs a page write per commit.
    int64_t expires = std::strtoll(rows->rows[0][3].value_or("0").c_str(), nullptr, 10);
    if (expires - util::NowUnixMillis() > options_.lease.count() * 2 / 3) return Status::Ok();
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
  // One attempt in a write transaction: take the row if free, expired, or
  // held by a process on this host that no longer exists.
  Result<bool> TryTake(std::string* holder) {
    Status s = conn_.Begin();
    if (s.code() == Status::Code::kLocked) {  // another writer is busy for longer than busy_timeout
      *holder = "another process writing to the database";
      return false;
    }
    if (!s.ok()) return s;
    auto result = TryTakeInTransaction(holder);
    if (!result.ok() || !*result) {
      Status r = conn_.Rollback();
      (void)r;
      return result;
    }
    s = conn_.Commit();
    if (!s.ok()) return s;
    return true;
  }

  Result<bool> TryTakeInTransaction(std::string* holder) {
    Status s = conn_.ExecScript("CREATE TABLE IF NOT EXISTS " + table_ +
                                " (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, host TEXT NOT NULL,"
                                " pid INTEGER NOT NULL, acquired_at TEXT NOT NULL, expires_at_ms BIGINT NOT NULL)");
    if (!s.ok()) return s;
    auto rows = conn_.Query("SELECT owner, host, pid, expires_at_ms FROM " + table_ + " WHERE id = 1");
    if (!rows.ok()) return rows.status();
    if (!rows->rows.empty()) {
      const auto& r = rows->rows[0];
      std::string host = r[1].value_or("");
      long pid = std::strtol(r[2].value_or("0").c_str(), nullptr, 10);
      int64_t expires = std::strtoll(r[3].value_or("0").c_str(), nullptr, 10);
      bool expired = expires < util::NowUnixMillis();
      bool dead = host == host_ && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
      if (!expired && !dead) {
        *holder = host + " pid " + std::to_string(pid);
        return false;
      }
      auto d = conn_.Query("DELETE FROM " + table_ + " WHERE id = 1");
      if (!d.ok()) return d.status();
    }
    auto ins = conn_.Query("INSERT INTO " + table_ +
                               " (id, owner, host, pid, acquired_at, expires_at_ms) VALUES (1, $1, $2, $3, $4, $5)",
                           {owner_, host_, std::to_string(::getpid()), util::NowRfc3339(),
                            std::to_string(util::NowUnixMillis() + options_.lease.count())});
    if (!ins.ok()) return ins.status();
    return true;
  }

  Status Renew(driver::Connection& conn) {
    auto r = conn.Query("UPDATE " + table_ + " SET expires_at_ms = $1 WHERE id = 1 AND owner = $2",
                        {std::to_string(util::NowUnixMillis() + options_.lease.count()), owner_});
    return r.ok() ? Status::Ok() : r.status();
  }

  // The heartbeat renews the lease between migrations and during
  // no-transaction ones. While a migration transaction holds the file's write
  // lock the renewal waits (busy) and is retried at the next beat; nobody can
  // take the lease over meanwhile, because that needs the write lock too.
  void StartHeartbeat() {
    if (!connect_) return;
    auto conn = connect_();
    if (!conn.ok()) return;  // the lease is still renewed at every commit
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
  std::string table_;
  std::string lock_name_;
  LockOptions options_;
  ConnectFn connect_;
  EventSink* sink_;
  std::string owner_;
  std::string host_;
  bool held_ = false;

  std::unique_ptr<driver::Connection> heartbeat_conn_;
  std::thread heartbeat_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
};

class NoLock : public MigrationLock {
 public:
  Status Acquire() override { return Status::Ok(); }
  Status CheckHeld() override { return Status::Ok(); }
  void Release() override {}
};

}  // namespace

std::unique_ptr<MigrationLock> MakeLock(driver::Connection& conn, const TableNames& names,
                                        const LockOptions& options, ConnectFn connect, EventSink* sink) {
  if (conn.supports_advisory_lock()) return std::make_unique<AdvisoryLock>(conn, LockKey(names), options, sink);
  if (!connect) return std::make_unique<NoLock>();
  return std::make_unique<LeaseLock>(conn, names, options, std::move(connect), sink);
}

}  // namespace strata::engine
