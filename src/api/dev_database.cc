#include "api/dev_database.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <random>
#include <thread>

#include "config/url.h"
#include "driver/open.h"
#include "engine/foreign_keys.h"
#include "util/fs.h"
#include "util/strings.h"
#include <strata/migrator.h>

namespace strata::api {
namespace {

// --- Signal cleanup -------------------------------------------------------
//
// A signal handler may only do async-signal-safe things, and dropping a
// database needs a connection, so the handler writes the signal number to a
// pipe and a watcher thread does the work. The watcher holds the registry
// lock until _exit, so the main thread can neither register nor drop (nor
// print an error caused by the forced disconnect) while it cleans up.

struct LiveDatabase {
  std::string server_url;
  std::string name;
  driver::ConnectOptions connect;
};

struct Registry {
  std::mutex mu;
  std::vector<LiveDatabase> live;  // GUARDED_BY(mu)
  bool enabled = false;            // GUARDED_BY(mu): DropDevDatabasesOnSignal() was called
  bool installed = false;          // GUARDED_BY(mu): our handlers are in place
  struct sigaction old_int {};
  struct sigaction old_term {};
  // Held around CREATE DATABASE: a database being created when the signal
  // arrives is committed by the server even if we exit, so the watcher waits
  // for it to exist before dropping.
  std::mutex create_mu;
  std::atomic<bool> interrupted{false};
};

Registry& TheRegistry() {
  static Registry* r = new Registry();  // never destroyed: the watcher may use it at exit
  return *r;
}

int g_signal_pipe[2] = {-1, -1};

void OnSignal(int signo) {
  int saved = errno;
  unsigned char c = static_cast<unsigned char>(signo);
  ssize_t n = ::write(g_signal_pipe[1], &c, 1);
  (void)n;
  errno = saved;
}

std::string DropSql(const std::string& name) {
  // WITH (FORCE) ends the session that may still be running a migration there.
  return "DROP DATABASE IF EXISTS " + driver::QuoteIdent(name) + " WITH (FORCE)";
}

[[noreturn]] void CleanUpAndExit(int signo) {
  Registry& r = TheRegistry();
  r.interrupted = true;
  r.mu.lock();  // never released: the process ends here
  r.create_mu.lock();
  for (const LiveDatabase& db : r.live) {
    driver::ConnectOptions o = db.connect;
    o.connect_retries = 0;
    auto conn = driver::Open(db.server_url, o);
    if (!conn.ok()) continue;
    Status s = (*conn)->ExecScript(DropSql(db.name));
    (void)s;
  }
  const char msg[] = "\ninterrupted: dev database dropped\n";
  ssize_t n = ::write(2, msg, sizeof msg - 1);
  (void)n;
  ::_exit(128 + signo);
}

void Watch() {
  for (;;) {
    unsigned char c = 0;
    ssize_t n = ::read(g_signal_pipe[0], &c, 1);
    if (n == 1) CleanUpAndExit(c);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
  }
}

// REQUIRES: r.mu held.
void InstallLocked(Registry& r) {
  if (r.installed || !r.enabled) return;
  if (g_signal_pipe[0] < 0) {
    if (::pipe(g_signal_pipe) != 0) return;
    ::fcntl(g_signal_pipe[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(g_signal_pipe[1], F_SETFD, FD_CLOEXEC);
    std::thread(Watch).detach();
  }
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &r.old_int);
  ::sigaction(SIGTERM, &sa, &r.old_term);
  r.installed = true;
}

// REQUIRES: r.mu held.
void RestoreLocked(Registry& r) {
  if (!r.installed) return;
  ::sigaction(SIGINT, &r.old_int, nullptr);
  ::sigaction(SIGTERM, &r.old_term, nullptr);
  r.installed = false;
}

void Register(const LiveDatabase& db) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.live.push_back(db);
  InstallLocked(r);
}

void Unregister(const std::string& name) {
  Registry& r = TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.live.erase(std::remove_if(r.live.begin(), r.live.end(), [&](const LiveDatabase& d) { return d.name == name; }),
               r.live.end());
  if (r.live.empty()) RestoreLocked(r);
}

std::string RandomName() {
  std::random_device rd;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string name = "strata_dev_";
  for (int i = 0; i < 16; ++i) name += "0123456789abcdef"[hex(rd)];
  return name;
}

Status NoServer() {
  return Status::InvalidArgument("PostgreSQL needs a dev database server for this command")
      .WithHint("pass --dev-url postgres://USER@HOST/postgres or set dev_url in [env.NAME] of strata.toml; "
                "strata creates a temporary database strata_dev_<random> there and drops it afterwards");
}

}  // namespace

std::string WithDatabase(const std::string& url, const std::string& database) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t slash = url.find_first_of("/?#", start);
  if (slash == std::string::npos) return url + "/" + database;
  if (url[slash] != '/') return url.substr(0, slash) + "/" + database + url.substr(slash);
  size_t end = url.find_first_of("?#", slash);
  return url.substr(0, slash + 1) + database + (end == std::string::npos ? "" : url.substr(end));
}

bool LooksLikeUrl(const std::string& text) {
  return util::StartsWith(text, "sqlite:") || util::StartsWith(text, "postgres://") ||
         util::StartsWith(text, "postgresql://");
}

Result<schema::Dialect> DialectOf(const std::string& url) {
  auto parsed = config::ParseUrl(url);
  if (!parsed.ok()) return parsed.status();
  return parsed->scheme == config::Url::Scheme::kPostgres ? schema::Dialect::kPostgres : schema::Dialect::kSqlite;
}

DevDatabase::DevDatabase(DevTarget target, std::string name) : target_(std::move(target)), name_(std::move(name)) {}

Result<std::unique_ptr<DevDatabase>> DevDatabase::Create(const DevTarget& target) {
  if (target.dialect == schema::Dialect::kSqlite) {
    auto conn = driver::Open("sqlite::memory:", target.connect);
    if (!conn.ok()) return conn.status();
    std::unique_ptr<DevDatabase> db(new DevDatabase(target, ""));
    db->conn_ = std::move(*conn);
    return db;
  }
  if (target.server_url.empty()) return NoServer();
  auto url = config::ParseUrl(target.server_url);
  if (!url.ok()) return Status(url.status()).With(target.server_setting);
  if (url->scheme != config::Url::Scheme::kPostgres) {
    return Status::InvalidArgument(target.server_setting + ": the dev server must be a postgres:// URL")
        .WithHint("the environment's database is PostgreSQL, so its dev databases are too");
  }
  auto admin = driver::Open(target.server_url, target.connect);
  if (!admin.ok()) return Status(admin.status()).With("connect to the dev server (" + target.server_setting + ")");
  std::unique_ptr<DevDatabase> db(new DevDatabase(target, RandomName()));
  db->admin_ = std::move(*admin);
  // Registered before it exists, so that a signal from here on drops it.
  Register({target.server_url, db->name_, target.connect});
  Status s;
  {
    std::lock_guard<std::mutex> lock(TheRegistry().create_mu);
    // template0: an empty database whatever the server added to template1,
    // and never "source database is being accessed by other users".
    s = db->admin_->ExecScript("CREATE DATABASE " + driver::QuoteIdent(db->name_) + " TEMPLATE template0");
  }
  if (!s.ok()) {
    db->dropped_ = true;
    Unregister(db->name_);
    return s.With("create a dev database on the dev server (" + target.server_setting + ")")
        .WithHint("the dev server's user needs the CREATEDB privilege");
  }
  auto conn = driver::Open(WithDatabase(target.server_url, db->name_), target.connect);
  if (!conn.ok()) return Status(conn.status()).With("connect to dev database " + db->name_);
  db->conn_ = std::move(*conn);
  // A dbname=... parameter in dev_url would win over the rewritten path and
  // put the migrations into someone's real database: check where we are.
  auto where = db->conn_->Query("SELECT current_database()");
  if (!where.ok()) return where.status();
  if (where->rows.empty() || where->rows[0][0].value_or("") != db->name_) {
    return Status::InvalidArgument(target.server_setting + ": connecting to the dev database reached '" +
                                   (where->rows.empty() ? "" : where->rows[0][0].value_or("")) + "' instead")
        .WithHint("remove dbname= from the dev server URL");
  }
  return db;
}

DevDatabase::~DevDatabase() {
  Status s = Drop();
  (void)s;
}

Status DevDatabase::Drop() {
  if (dropped_) return Status::Ok();
  dropped_ = true;
  conn_.reset();
  if (name_.empty()) return Status::Ok();  // SQLite memory: closing was enough
  Registry& r = TheRegistry();
  if (r.interrupted) {
    // The watcher is dropping it and will end the process; wait for that
    // rather than report the error its forced disconnect caused.
    std::lock_guard<std::mutex> block(r.mu);
  }
  Status s = admin_ ? admin_->ExecScript(DropSql(name_)) : Status::Internal("no admin connection");
  if (!s.ok()) {
    // The admin session may have died (server restart, idle timeout): once more on a new one.
    driver::ConnectOptions o = target_.connect;
    o.connect_retries = 1;
    auto fresh = driver::Open(target_.server_url, o);
    if (fresh.ok()) s = (*fresh)->ExecScript(DropSql(name_));
  }
  admin_.reset();
  Unregister(name_);
  if (!s.ok()) return s.With("drop dev database " + name_);
  return Status::Ok();
}

Status DevDatabase::ApplySql(const std::string& sql, const std::string& file) {
  auto annotations = source::ParseAnnotations(sql, file);
  if (!annotations.ok()) return annotations.status();
  Status s = engine::ApplyScript(*conn_, sql, *annotations);
  if (!s.ok()) s.At(file);
  return s;
}

Status DevDatabase::ApplyUp(const source::Migration& migration) {
  Status s = engine::ApplyScript(*conn_, migration.up_sql, migration.up_annotations);
  if (!s.ok()) s.At(migration.up_path);
  return s;
}

Status DevDatabase::ApplyDown(const source::Migration& migration) {
  if (!migration.down_sql || !migration.down_path) {
    return Status::NotFound(migration.version + "_" + migration.name + " has no down file");
  }
  Status s = engine::ApplyScript(*conn_, *migration.down_sql, migration.down_annotations);
  if (!s.ok()) s.At(*migration.down_path);
  return s;
}

Status DevDatabase::ApplyMigrations(const std::vector<source::Migration>& migrations) {
  for (const auto& m : migrations) {
    Status s = ApplyUp(m);
    if (!s.ok()) return s.With("replay " + m.version + "_" + m.name + " in a dev database");
  }
  return Status::Ok();
}

Status DevDatabase::ApplyFile(const std::string& path) {
  auto sql = util::ReadFile(path);
  if (!sql.ok()) return sql.status();
  Status s = ApplySql(*sql, path);
  if (!s.ok()) return s.With("load " + path + " in a dev database");
  return s;
}

Result<schema::Schema> DevDatabase::Inspect() { return conn_->InspectSchema(target_.exclude_tables); }

}  // namespace strata::api

namespace strata {

void DropDevDatabasesOnSignal() {
  api::Registry& r = api::TheRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.enabled = true;
  if (!r.live.empty()) api::InstallLocked(r);
}

}  // namespace strata
