#include "cli/progress.h"

#include <algorithm>

#include <fmt/format.h>

namespace strata::cli {

namespace {
constexpr size_t kMinLabelWidth = 28;  // version_name column
constexpr int kBarMinSteps = 6;        // fewer steps finish before a bar helps
constexpr int kBarWidth = 30;
// A step shows its statement count once it has run this long.
constexpr auto kShowAfter = std::chrono::seconds(1);
// Not a terminal: a plain progress line this often while a step runs.
constexpr auto kPlainEvery = std::chrono::seconds(10);

// 12345 -> "12,345"
std::string Grouped(int n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}
}  // namespace

ProgressPrinter::ProgressPrinter(Verbosity verbosity, const Style& style, bool stderr_is_terminal,
                                 bool hide_hook_output)
    : verbosity_(verbosity),
      style_(style),
      stderr_is_terminal_(stderr_is_terminal),
      hide_hook_output_(hide_hook_output) {
  if (verbosity_ != Verbosity::kQuiet) ticker_ = std::thread([this] { Tick(); });
}

ProgressPrinter::~ProgressPrinter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    ClearStatus();
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::string ProgressPrinter::StepPrefix(Direction direction, const std::string& version, const std::string& name,
                                        size_t width) {
  std::string label = name.empty() ? version : version + "_" + name;
  label.resize(std::max({label.size(), width, kMinLabelWidth}), ' ');
  return fmt::format("  {:<6}{}  ", ToString(direction), label);
}

void ProgressPrinter::OnEvent(const Event& e) {
  std::lock_guard<std::mutex> lock(mu_);
  if (e.kind == Event::Kind::kWarning) {
    ClearStatus();
    WriteErr("warning: " + e.message + "\n");
    return;
  }
  if (e.kind == Event::Kind::kHookOutput) {
    if (hide_hook_output_) return;
    ClearStatus();
    WriteErr(fmt::format("[{}] {}\n", e.name, e.message));
    return;
  }
  if (verbosity_ == Verbosity::kQuiet) return;
  HandleLocked(e);
}

void ProgressPrinter::HandleLocked(const Event& e) {
  bool verbose = verbosity_ == Verbosity::kVerbose;
  switch (e.kind) {
    case Event::Kind::kPlan:
      total_ = e.total;
      done_ = 0;
      width_ = static_cast<size_t>(std::max(0, e.index));
      bar_enabled_ = stderr_is_terminal_ && total_ >= kBarMinSteps;
      break;
    case Event::Kind::kStepStarted:
      current_ = e.name.empty() ? e.version : e.version + "_" + e.name;
      direction_ = e.direction;
      running_ = true;
      step_start_ = Clock::now();
      next_plain_ = step_start_ + kPlainEvery;
      statements_done_ = 0;
      statements_total_ = 0;
      live_done_.reset();
      notices_.clear();
      DrawStatus();
      break;
    case Event::Kind::kStatement:
      statements_done_ = e.index;
      statements_total_ = e.total;
      live_done_ = e.statements_done;
      break;
    case Event::Kind::kStepFinished:
      ++done_;
      running_ = false;
      PrintStep(e, style_.Paint(FormatDuration(e.duration_ms), Color::kDim));
      break;
    case Event::Kind::kStepFailed:
      ++done_;
      running_ = false;
      PrintStep(e, style_.Paint("FAILED", Color::kRed));
      break;
    case Event::Kind::kStepSkipped:
      ++done_;
      running_ = false;
      PrintStep(e, style_.Paint("not executed (no-transaction; dry run)", Color::kYellow));
      break;
    case Event::Kind::kNotice:
      if (verbose) notices_.push_back(e.message);
      break;
    case Event::Kind::kLockWaiting:
      if (verbose) {
        ClearStatus();
        WriteErr(fmt::format("waiting for the migration lock: {}\n", e.message));
      }
      break;
    case Event::Kind::kLockAcquired:
      if (verbose) {
        ClearStatus();
        WriteErr("migration lock acquired\n");
      }
      break;
    case Event::Kind::kRetry:
      if (verbose) {
        ClearStatus();
        WriteErr(fmt::format("retrying: {}\n", e.message));
      }
      break;
    case Event::Kind::kConnection:
      if (verbose) {
        ClearStatus();
        WriteErr(fmt::format("connection: {}\n", e.message));
      }
      break;
    case Event::Kind::kWarning:
    case Event::Kind::kHookOutput:
      break;  // OnEvent
  }
}

void ProgressPrinter::PrintStep(const Event& e, const std::string& outcome) {
  ClearStatus();
  std::string out = StepPrefix(e.direction, e.version, e.name, width_) + outcome + "\n";
  for (const auto& notice : notices_) out += fmt::format("        notice: {}\n", notice);
  notices_.clear();
  WriteOut(out);  // the status line comes back when the next step starts
}

std::string ProgressPrinter::RunningText() const {
  double seconds = std::chrono::duration<double>(Clock::now() - step_start_).count();
  int done = statements_done_;
  if (live_done_) done = std::max(done, live_done_->load(std::memory_order_relaxed));
  std::string count = statements_total_ > 0
                          ? fmt::format("statement {} of {}", Grouped(std::min(done + 1, statements_total_)),
                                        Grouped(statements_total_))
                          : fmt::format("statement {}", Grouped(done + 1));
  return fmt::format("{}, {:.1f} s", count, seconds);
}

void ProgressPrinter::DrawStatus() {
  if (!stderr_is_terminal_) return;
  bool long_step = running_ && Clock::now() - step_start_ >= kShowAfter;
  if (!bar_enabled_ && !long_step) return;
  std::string line;
  if (bar_enabled_ && total_ > 0) {
    int filled = std::min(kBarWidth, done_ * kBarWidth / total_);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kBarWidth - filled), '.');
    line = fmt::format("[{}] {}/{} {}", bar, done_, total_, current_);
  } else {
    line = fmt::format("  {:<6}{}", ToString(direction_), current_);
  }
  if (long_step) line += "  " + RunningText();
  WriteErr("\r\033[K" + line);
  status_visible_ = true;
}

void ProgressPrinter::ClearStatus() {
  if (!status_visible_) return;
  WriteErr("\r\033[K");
  status_visible_ = false;
}

void ProgressPrinter::Tick() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
    if (!running_) continue;
    if (stderr_is_terminal_) {
      DrawStatus();
    } else if (Clock::now() >= next_plain_) {
      // Plain lines a log keeps: the step that runs, how far, how long.
      WriteErr(fmt::format("  {:<6}{}  still running: {}\n", ToString(direction_), current_, RunningText()));
      next_plain_ += kPlainEvery;
    }
  }
}

}  // namespace strata::cli
