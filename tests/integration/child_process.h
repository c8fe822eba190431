// A strata process the integration tests start, signal, kill and reap:
// stdout goes to /dev/null, stderr too unless a file is named; NO_COLOR is set.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace strata::integration {

struct ChildOptions {
  std::string cwd;       // "" = the test's own
  std::string err_file;  // "" = /dev/null
};

class Child {
 public:
  explicit Child(const std::vector<std::string>& argv, const ChildOptions& options = {}) {
    pid_ = ::fork();
    if (pid_ == 0) {
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      int err = options.err_file.empty() ? devnull
                                         : ::open(options.err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(err, 2);
      if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) _exit(126);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::setenv("NO_COLOR", "1", 1);
      ::execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0) Kill();
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // SIGKILL and reap; false if it had already exited.
  bool Kill() {
    int status = 0;
    bool running = ::waitpid(pid_, &status, WNOHANG) == 0;
    if (running) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    return running;
  }
  void Signal(int signo) const { ::kill(pid_, signo); }
  pid_t pid() const { return pid_; }  // -1 once reaped
  // Like Wait(), but SIGKILLs it after `timeout` and returns -2 then.
  int WaitFor(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        Kill();
        return -2;
      }
      ::usleep(20000);
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // The exit code, or -1 when a signal ended it.
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace strata::integration
