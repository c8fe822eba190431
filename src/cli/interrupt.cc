#include "cli/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace strata::cli {
namespace {

std::atomic<int> g_write_fd{-1};
std::atomic<int> g_signal{0};
struct sigaction g_old_int {};
struct sigaction g_old_term {};

void OnSignal(int signo) {
  int saved = errno;
  unsigned char c = static_cast<unsigned char>(signo);
  int fd = g_write_fd.load();
  if (fd >= 0) {
    ssize_t n = ::write(fd, &c, 1);
    (void)n;
  }
  errno = saved;
}

void WriteStderr(const char* text, size_t size) {
  ssize_t n = ::write(STDERR_FILENO, text, size);
  (void)n;
}

}  // namespace

InterruptScope::InterruptScope(Migrator& migrator) : InterruptScope([&migrator] { migrator.Cancel(); }) {}

InterruptScope::InterruptScope(std::function<void()> cancel) : cancel_(std::move(cancel)) {
  if (::pipe(pipe_) != 0) return;  // no pipe: signals keep their default action
  ::fcntl(pipe_[0], F_SETFD, FD_CLOEXEC);
  ::fcntl(pipe_[1], F_SETFD, FD_CLOEXEC);
  g_write_fd = pipe_[1];
  watcher_ = std::thread([this] { Watch(); });
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
  installed_ = true;
}

InterruptScope::~InterruptScope() {
  if (!installed_) return;
  if (g_signal == 0) {  // after a signal the defaults are back already
    ::sigaction(SIGINT, &g_old_int, nullptr);
    ::sigaction(SIGTERM, &g_old_term, nullptr);
  }
  g_write_fd = -1;
  unsigned char stop = 0;
  ssize_t n = ::write(pipe_[1], &stop, 1);
  (void)n;
  watcher_.join();
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

int InterruptScope::signal() { return g_signal.load(); }

void InterruptScope::Watch() {
  for (;;) {
    unsigned char c = 0;
    ssize_t n = ::read(pipe_[0], &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1 || c == 0) return;
    if (g_signal != 0) continue;
    g_signal = c;
    // The next signal ends the process, whatever is still running.
    ::sigaction(SIGINT, &g_old_int, nullptr);
    ::sigaction(SIGTERM, &g_old_term, nullptr);
    static const char kMessage[] =
        "\ninterrupted: cancelling the running migration (press Ctrl-C again to quit at once)\n";
    WriteStderr(kMessage, sizeof kMessage - 1);
    cancel_();
  }
}

}  // namespace strata::cli
