#include "ops/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

extern char** environ;

namespace strata::ops {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxLine = 4096;

// Splits `buffer` into lines for on_line; keeps an unfinished one.
void EmitLines(std::string* buffer, bool flush, const std::function<void(std::string_view)>& on_line) {
  size_t start = 0;
  for (;;) {
    size_t nl = buffer->find('\n', start);
    if (nl == std::string::npos) {
      if (buffer->size() - start >= kMaxLine || (flush && start < buffer->size())) {
        on_line(std::string_view(*buffer).substr(start, std::min(kMaxLine, buffer->size() - start)));
        start += std::min(kMaxLine, buffer->size() - start);
        continue;
      }
      break;
    }
    std::string_view line = std::string_view(*buffer).substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line);
    start = nl + 1;
  }
  buffer->erase(0, start);
}

}  // namespace

std::string HookResult::Describe(std::chrono::milliseconds timeout) const {
  if (!error.empty()) return "could not be started: " + error;
  if (timed_out) {
    char secs[32];
    std::snprintf(secs, sizeof secs, timeout.count() % 1000 == 0 ? "%.0f s" : "%.1f s", timeout.count() / 1000.0);
    return std::string("timed out after ") + secs + " (its process group was killed)";
  }
  if (cancelled) return "was stopped: the run was interrupted";
  if (signal != 0) return "was killed by signal " + std::to_string(signal);
  return "exited with " + std::to_string(exit_code);
}

HookResult RunHook(const HookCommand& hook, const std::function<void(std::string_view)>& on_line,
                   const std::atomic<bool>* cancel) {
  HookResult result;
  auto start = Clock::now();
  // Everything the child needs is built before fork: between fork and exec
  // only async-signal-safe calls are allowed (other threads may hold locks).
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : hook.env) vars[k] = v;
  std::vector<std::string> env_strings;
  env_strings.reserve(vars.size());
  for (const auto& [k, v] : vars) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string command = hook.command;
  char sh[] = "/bin/sh", dash_c[] = "-c";
  char* argv[] = {sh, dash_c, command.data(), nullptr};
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    if (devnull >= 0) ::close(devnull);
    return result;
  }
  sigset_t all;
  sigfillset(&all);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group: the timeout kills everything it started
    // strata may ignore or block signals (Ctrl-C handling); the hook starts clean.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
    ::sigprocmask(SIG_UNBLOCK, &all, nullptr);
    ::dup2(devnull, 0);
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    if (!hook.cwd.empty() && ::chdir(hook.cwd.c_str()) != 0) _exit(126);
    ::execve(argv[0], argv, envp.data());
    _exit(127);
  }
  ::close(pipefd[1]);
  if (devnull >= 0) ::close(devnull);
  if (pid < 0) {
    result.error = std::string("fork: ") + std::strerror(errno);
    ::close(pipefd[0]);
    return result;
  }
  ::setpgid(pid, pid);  // also here: whichever runs first, the group exists before a kill
  std::string buffer;
  char chunk[8192];
  bool pipe_open = true;
  int status = 0;
  bool exited = false;
  auto deadline = start + hook.timeout;
  Clock::time_point kill_at{};
  bool terminating = false;
  while (!exited) {
    if (pipe_open) {
      pollfd p{pipefd[0], POLLIN, 0};
      int n = ::poll(&p, 1, 50);
      if (n > 0) {
        ssize_t r = ::read(pipefd[0], chunk, sizeof chunk);
        if (r > 0) {
          buffer.append(chunk, static_cast<size_t>(r));
          EmitLines(&buffer, false, on_line);
        } else if (r == 0 || errno != EINTR) {
          pipe_open = false;  // the hook (and all it started) closed its output
        }
      }
    } else {
      ::usleep(20000);
    }
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      exited = true;
      break;
    }
    auto now = Clock::now();
    if (!terminating && (now >= deadline || (cancel && cancel->load()))) {
      (now >= deadline ? result.timed_out : result.cancelled) = true;
      ::kill(-pid, SIGTERM);
      terminating = true;
      kill_at = now + std::chrono::seconds(2);
    } else if (terminating && now >= kill_at) {
      ::kill(-pid, SIGKILL);
      kill_at = now + std::chrono::hours(1);
    }
  }
  // What it printed before exiting; a background child still holding the
  // pipe must not keep strata waiting.
  if (pipe_open) {
    ::fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    for (;;) {
      ssize_t r = ::read(pipefd[0], chunk, sizeof chunk);
      if (r <= 0) break;
      buffer.append(chunk, static_cast<size_t>(r));
    }
  }
  ::close(pipefd[0]);
  EmitLines(&buffer, true, on_line);
  if (terminating) ::kill(-pid, SIGKILL);  // anything of the group still alive after a timeout
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  if (result.timed_out || result.cancelled) result.signal = 0;
  result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  return result;
}

}  // namespace strata::ops
