#include "testing/test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "driver/open.h"
#include "util/strings.h"

extern char** environ;

namespace strata::testing {
namespace fs = std::filesystem;

namespace {
std::string ReadFileForTest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/strata-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
    return;
  }
  path_ = buf.data();
  // The test PostgreSQL server runs as `postgres` when we are root and may
  // need to read files here (COPY); let it traverse.
  ::chmod(path_.c_str(), 0755);
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty() && !std::getenv("STRATA_KEEP_TEMP")) fs::remove_all(path_, ec);
}

void TempDir::Write(const std::string& rel, const std::string& content) const {
  fs::path p = fs::path(path_) / rel;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  if (!out) ADD_FAILURE() << "cannot write " << p;
}

std::string TempDir::Read(const std::string& rel) const {
  std::ifstream in(fs::path(path_) / rel, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> PgServerUrl() {
  if (const char* url = std::getenv("STRATA_TEST_PG_URL"); url && *url) return std::string(url);
  const char* file = std::getenv("STRATA_TEST_PG_URL_FILE");
  if (!file || !*file) file = STRATA_DEFAULT_PG_URL_FILE;
  {
    std::ifstream in(file);
    std::string line;
    if (in && std::getline(in, line) && !util::Trim(line).empty()) return std::string(util::Trim(line));
  }
  return std::nullopt;
}

namespace {

// Replaces the database part of a postgres URL.
std::string WithDatabase(const std::string& url, const std::string& db) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  size_t query = url.find('?');
  std::string head = url.substr(0, slash == std::string::npos ? (query == std::string::npos ? url.size() : query)
                                                              : slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + db + tail;
}

std::atomic<int> g_db_counter{0};

}  // namespace

ScopedPgDatabase::ScopedPgDatabase() {
  auto server = PgServerUrl();
  if (!server) {
    ADD_FAILURE() << "no test PostgreSQL: run through ctest (which starts one) or set STRATA_TEST_PG_URL";
    return;
  }
  Init(*server);
}

ScopedPgDatabase::ScopedPgDatabase(const std::string& server_url) { Init(server_url); }

void ScopedPgDatabase::Init(const std::string& server_url) {
  server_url_ = server_url;
  name_ = "strata_test_" + std::to_string(::getpid()) + "_" + std::to_string(g_db_counter++);
  auto conn = driver::Open(server_url_, {});
  if (!conn.ok()) {
    ADD_FAILURE() << "cannot connect to test PostgreSQL: " << conn.status().ToString();
    return;
  }
  auto drop = (*conn)->Query("DROP DATABASE IF EXISTS " + name_);
  auto create = (*conn)->Query("CREATE DATABASE " + name_);
  if (!create.ok()) {
    ADD_FAILURE() << "CREATE DATABASE failed: " << create.status().ToString();
    return;
  }
  url_ = WithDatabase(server_url_, name_);
}

ScopedPgDatabase::~ScopedPgDatabase() {
  if (url_.empty()) return;
  auto conn = driver::Open(server_url_, {});
  if (!conn.ok()) return;
  // WITH (FORCE) ends sessions a killed child process may have left behind.
  auto r = (*conn)->Query("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  (void)r;
}

namespace {

// A port nothing listens on, by binding to port 0 and reading it back.
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// host and port of a postgres://user@host:port/db URL.
std::pair<std::string, std::string> HostPort(const std::string& url) {
  size_t at = url.find('@');
  size_t start = at == std::string::npos ? url.find("://") + 3 : at + 1;
  size_t end = url.find_first_of("/?", start);
  std::string hp = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  size_t colon = hp.rfind(':');
  if (colon == std::string::npos) return {hp, "5432"};
  return {hp.substr(0, colon), hp.substr(colon + 1)};
}

std::vector<std::string> AsPostgresUser(std::vector<std::string> argv) {
  if (::geteuid() != 0) return argv;
  std::string runuser = fs::exists("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "runuser";
  argv.insert(argv.begin(), {runuser, "-u", "postgres", "--"});
  return argv;
}

}  // namespace

ScopedPgServer::ScopedPgServer() {
  if (const char* given = std::getenv("STRATA_TEST_PG_URL"); given && *given) {
    skip_reason_ = "STRATA_TEST_PG_URL names a server this test does not own, and it restarts its server";
    return;
  }
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/strata-pgserver-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  base_ = buf.data();
  ::chmod(base_.c_str(), 0755);  // the server runs as postgres when we are root
  CommandResult started = Run({SourceDir() + "/tests/support/pg_server", "start", base_ + "/pg"});
  if (started.exit_code != 0) {
    if (started.err.find("no PostgreSQL server binaries") != std::string::npos) {
      skip_reason_ = "no PostgreSQL server binaries (run scripts/setup)";
    } else {
      ADD_FAILURE() << "pg_server start failed: " << started.err << started.out;
    }
    return;
  }
  std::string url(util::Trim(ReadFileForTest(base_ + "/pg/url")));
  // pg_server turns synchronous_commit off for speed; then an immediate
  // restart loses commits from the last few hundred milliseconds, which a
  // crash test must not mistake for strata's doing.
  auto conn = driver::Open(url, {});
  if (!conn.ok()) {
    ADD_FAILURE() << "cannot connect to the test's PostgreSQL server: " << conn.status().ToString();
    return;
  }
  auto set = (*conn)->Query("ALTER SYSTEM SET synchronous_commit = on");
  auto reload = (*conn)->Query("SELECT pg_reload_conf()");
  if (!set.ok() || !reload.ok()) {
    ADD_FAILURE() << "cannot turn synchronous_commit on";
    return;
  }
  url_ = url;
}

ScopedPgServer::~ScopedPgServer() {
  if (base_.empty()) return;
  CommandResult stopped = Run({SourceDir() + "/tests/support/pg_server", "stop", base_ + "/pg"});
  (void)stopped;
  std::error_code ec;
  if (!std::getenv("STRATA_KEEP_TEMP")) fs::remove_all(base_, ec);
}

CommandResult ScopedPgServer::RestartImmediate() const {
  return Run({SourceDir() + "/tests/support/pg_server", "restart", base_ + "/pg"});
}

ScopedPgBouncer::ScopedPgBouncer(int pool_size) {
  std::string binary;
  for (const char* candidate : {"/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"}) {
    if (fs::exists(candidate)) binary = candidate;
  }
  if (binary.empty()) {
    skip_reason_ = "pgbouncer is not installed (scripts/setup installs Debian's pgbouncer)";
    return;
  }
  auto server = PgServerUrl();
  if (!server) {
    ADD_FAILURE() << "no test PostgreSQL server";
    return;
  }
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/strata-pgbouncer-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  dir_ = buf.data();
  ::chmod(dir_.c_str(), 0777);  // pgbouncer (as postgres) writes its pid and log here
  auto [host, server_port] = HostPort(*server);
  int port = FreePort();
  std::ofstream(dir_ + "/users.txt") << "\"postgres\" \"\"\n";
  std::ofstream(dir_ + "/pgbouncer.ini")
      << "[databases]\n* = host=" << host << " port=" << server_port << "\n"
      << "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = " << port << "\nunix_socket_dir =\n"
      << "auth_type = trust\nauth_file = " << dir_ << "/users.txt\n"
      << "pool_mode = transaction\ndefault_pool_size = " << pool_size << "\nmax_client_conn = 500\n"
      << "server_reset_query =\nignore_startup_parameters = extra_float_digits,options\n"
      << "logfile = " << dir_ << "/pgbouncer.log\npidfile = " << dir_ << "/pgbouncer.pid\n";
  ::chmod((dir_ + "/users.txt").c_str(), 0644);
  ::chmod((dir_ + "/pgbouncer.ini").c_str(), 0644);
  CommandResult started = Run(AsPostgresUser({binary, "-d", dir_ + "/pgbouncer.ini"}));
  if (started.exit_code != 0) {
    ADD_FAILURE() << "pgbouncer did not start: " << started.err << started.out;
    return;
  }
  for (int i = 0; i < 200 && !Accepts(port); ++i) ::usleep(25000);
  if (!Accepts(port)) {
    ADD_FAILURE() << "pgbouncer does not listen on " << port << ": " << ReadFileForTest(dir_ + "/pgbouncer.log");
    return;
  }
  port_ = port;
}

ScopedPgBouncer::~ScopedPgBouncer() {
  if (dir_.empty()) return;
  std::ifstream pidfile(dir_ + "/pgbouncer.pid");
  long pid = 0;
  if (pidfile >> pid && pid > 0) {
    ::kill(static_cast<pid_t>(pid), SIGINT);  // SIGINT: safe shutdown, waits for nothing
    for (int i = 0; i < 200 && ::kill(static_cast<pid_t>(pid), 0) == 0; ++i) ::usleep(25000);
  }
  std::error_code ec;
  if (!std::getenv("STRATA_KEEP_TEMP")) fs::remove_all(dir_, ec);
}

std::string ScopedPgBouncer::Through(const std::string& direct_url) const {
  auto [host, port] = HostPort(direct_url);
  std::string out = direct_url;
  size_t at = out.find(host + ":" + port);
  if (at != std::string::npos) out.replace(at, host.size() + 1 + port.size(), "127.0.0.1:" + std::to_string(port_));
  return out;
}

CommandResult Run(const std::vector<std::string>& argv, const CommandOptions& options) {
  CommandResult result;
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 || ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe failed";
    return result;
  }
  // Build the environment before fork (no allocation in the child).
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& k : options.unset_env) env.erase(k);
  for (const auto& [k, v] : options.env) env[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argvp;
  for (auto& s : args) argvp.push_back(s.data());
  argvp.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) _exit(127);
    ::execvpe(argvp[0], argvp.data(), envp.data());
    _exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!options.stdin_data.empty()) {
    ssize_t n = ::write(in_pipe[1], options.stdin_data.data(), options.stdin_data.size());
    (void)n;
  }
  ::close(in_pipe[1]);

  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      ADD_FAILURE() << "command timed out: " << argv[0];
      break;
    }
    int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
      if (r > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(r));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::string StrataBin() {
  const char* bin = std::getenv("STRATA_BIN");
  return bin && *bin ? bin : STRATA_DEFAULT_BIN;
}

std::string SourceDir() {
  const char* dir = std::getenv("STRATA_SOURCE_DIR");
  return dir && *dir ? dir : STRATA_DEFAULT_SOURCE_DIR;
}

CommandResult RunStrata(const std::vector<std::string>& args, const CommandOptions& options) {
  std::vector<std::string> argv = {StrataBin()};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandOptions o = options;
  o.env.emplace("NO_COLOR", "1");
  o.unset_env.push_back("DATABASE_URL");
  o.unset_env.push_back("STRATA_ENV");
  return Run(argv, o);
}

std::vector<std::string> QueryRows(const std::string& url, const std::string& sql) {
  auto conn = driver::Open(url, {});
  if (!conn.ok()) {
    ADD_FAILURE() << "open " << url << ": " << conn.status().ToString();
    return {};
  }
  auto rows = (*conn)->Query(sql);
  if (!rows.ok()) {
    ADD_FAILURE() << sql << ": " << rows.status().ToString();
    return {};
  }
  std::vector<std::string> out;
  for (const auto& row : rows->rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) line += "|";
      line += row[i] ? *row[i] : "NULL";
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace strata::testing
