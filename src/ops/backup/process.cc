#include "ops/backup/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include <strata/redact.h>

#include "util/strings.h"

extern char** environ;

namespace strata::ops::backup {
namespace {

constexpr size_t kErrLimit = 64 * 1024;
constexpr size_t kOutLimit = 16 * 1024 * 1024;

struct Pipe {
  int read = -1, write = -1;
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The parent's environment with `overrides` applied.
std::vector<std::string> ChildEnv(const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  for (const auto& [k, v] : overrides) env[k] = v;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

struct Child {
  pid_t pid = -1;
  int err_fd = -1;
  std::string err;
};

void AppendBounded(std::string& to, const char* data, size_t n, size_t limit, bool keep_tail) {
  to.append(data, n);
  if (to.size() <= limit) return;
  if (keep_tail) {
    to.erase(0, to.size() - limit);
  } else {
    to.resize(limit);
  }
}

}  // namespace

Result<PipelineResult> RunPipeline(const std::vector<ProcessSpec>& specs, const std::atomic<bool>* stop) {
  PipelineResult result;
  std::vector<Child> children(specs.size());
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) return Status::Io(std::string("cannot open /dev/null: ") + std::strerror(errno));
  int prev_read = devnull;  // what the next child reads
  int out_fd = -1;          // the last child's stdout, read here
  Status failure;
  size_t started = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    Pipe out, err;
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) {
      failure = Status::Io(std::string("cannot create a pipe: ") + std::strerror(errno));
      break;
    }
    out = {p[0], p[1]};
    if (::pipe2(p, O_CLOEXEC) != 0) {
      CloseFd(out.read);
      CloseFd(out.write);
      failure = Status::Io(std::string("cannot create a pipe: ") + std::strerror(errno));
      break;
    }
    err = {p[0], p[1]};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, prev_read, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&actions, err.write, 2);
    std::vector<std::string> env = ChildEnv(specs[i].env);
    std::vector<char*> envp, argv;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = specs[i].argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    CloseFd(out.write);
    CloseFd(err.write);
    CloseFd(prev_read);
    prev_read = out.read;
    if (rc != 0) {
      CloseFd(err.read);
      const std::string& program = specs[i].argv[0];
      failure = rc == ENOENT ? Status::NotFound("cannot run " + program + ": not found" +
                                                (program.find('/') == std::string::npos ? " on PATH" : ""))
                             : Status::Io("cannot run " + program + ": " + std::strerror(rc));
      break;
    }
    children[i].pid = pid;
    children[i].err_fd = err.read;
    started = i + 1;
  }
  if (failure.ok()) {
    out_fd = prev_read;
  } else {
    CloseFd(prev_read);
  }

  // Read every stderr and the last stdout until all are closed; a full pipe
  // would otherwise stall its writer.
  char buf[65536];
  bool terminated = false;
  for (;;) {
    std::vector<pollfd> fds;
    for (size_t i = 0; i < started; ++i) {
      if (children[i].err_fd >= 0) fds.push_back({children[i].err_fd, POLLIN, 0});
    }
    if (out_fd >= 0) fds.push_back({out_fd, POLLIN, 0});
    if (fds.empty()) break;
    int n = ::poll(fds.data(), fds.size(), 100);
    if (n < 0 && errno != EINTR) break;
    if (stop && stop->load() && !terminated) {
      for (size_t i = 0; i < started; ++i) ::kill(children[i].pid, SIGTERM);
      terminated = true;
    }
    if (n <= 0) continue;
    for (const pollfd& f : fds) {
      if (f.revents == 0) continue;
      ssize_t got = ::read(f.fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (f.fd == out_fd) {
        if (got <= 0) {
          CloseFd(out_fd);
        } else {
          AppendBounded(result.out, buf, static_cast<size_t>(got), kOutLimit, false);
        }
        continue;
      }
      for (size_t i = 0; i < started; ++i) {
        if (children[i].err_fd != f.fd) continue;
        if (got <= 0) {
          CloseFd(children[i].err_fd);
        } else {
          AppendBounded(children[i].err, buf, static_cast<size_t>(got), kErrLimit, true);
        }
      }
    }
  }
  for (size_t i = 0; i < started; ++i) {
    ProcessOutcome outcome;
    int status = 0;
    while (::waitpid(children[i].pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
    outcome.err = Redact(children[i].err);
    result.processes.push_back(std::move(outcome));
  }
  if (!failure.ok()) return failure;
  return result;
}

std::string Describe(const std::string& program, const ProcessOutcome& outcome) {
  std::string what = outcome.signal != 0 ? program + " was stopped by signal " + std::to_string(outcome.signal)
                                         : program + " exited with code " + std::to_string(outcome.exit_code);
  // The last non-empty line is usually the reason ("pg_dump: error: ...").
  std::string_view err = util::Trim(outcome.err);
  size_t nl = err.rfind('\n');
  std::string_view last = nl == std::string_view::npos ? err : err.substr(nl + 1);
  if (!last.empty()) what += ": " + std::string(util::Trim(last));
  return what;
}

}  // namespace strata::ops::backup
