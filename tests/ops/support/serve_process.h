// A real `strata serve` process for the tests: started on a free port
// (--listen 127.0.0.1:0), its address read from the line it prints, stopped
// with a signal. Its stderr is kept in a file for failure messages.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace strata::ops_test {

class ServeProcess {
 public:
  // Runs `strata serve --listen 127.0.0.1:0 ARGS...` in `cwd` with `env`
  // added (NO_COLOR set, DATABASE_URL, STRATA_ENV and STRATA_SERVE_TOKEN
  // removed unless given). Waits up to 10 s for the listening line.
  ServeProcess(const std::vector<std::string>& args, const std::string& cwd,
               const std::map<std::string, std::string>& env = {});
  ~ServeProcess();  // SIGKILL if still running
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool ok() const { return !address_.empty(); }
  const std::string& address() const { return address_; }  // "127.0.0.1:PORT"
  pid_t pid() const { return pid_; }
  std::string Stderr() const;
  std::string Stdout() const { return out_; }
  // Sends `signo` and waits up to timeout_ms; the exit code, -1 when killed
  // by a signal, -2 when it did not exit in time (then it is killed).
  int Stop(int signo, int timeout_ms = 10000);
  // Waits until GET /metrics answers 200 (the first snapshot is taken).
  bool WaitForSnapshot(const std::map<std::string, std::string>& headers = {}, int timeout_ms = 10000) const;

 private:
  pid_t pid_ = -1;
  std::string address_;
  std::string out_;
  std::string err_file_;
};

}  // namespace strata::ops_test
