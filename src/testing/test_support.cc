#include "testing/test_support.h"

#include <fcntl.h>
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
  server_url_ = *server;
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
