#include "cli/progress.h"

#include <algorithm>

#include <fmt/format.h>

namespace strata::cli {

namespace {
constexpr size_t kLabelWidth = 30;  // version_name column; longer names push the duration right
constexpr int kBarMinSteps = 6;     // fewer steps finish before a bar helps
constexpr int kBarWidth = 30;
}  // namespace

ProgressPrinter::ProgressPrinter(Verbosity verbosity, const Style& style, bool stderr_is_terminal,
                                 bool hide_hook_output)
    : verbosity_(verbosity),
      style_(style),
      stderr_is_terminal_(stderr_is_terminal),
      hide_hook_output_(hide_hook_output) {}

ProgressPrinter::~ProgressPrinter() { ClearBar(); }

std::string ProgressPrinter::StepPrefix(Direction direction, const std::string& version, const std::string& name) {
  std::string label = name.empty() ? version : version + "_" + name;
  if (label.size() + 2 < kLabelWidth) label.resize(kLabelWidth, ' ');
  else label += "  ";
  return fmt::format("  {:<6}{}", ToString(direction), label);
}

void ProgressPrinter::OnEvent(const Event& e) {
  if (e.kind == Event::Kind::kWarning) {
    ClearBar();
    WriteErr("warning: " + e.message + "\n");
    return;
  }
  if (e.kind == Event::Kind::kHookOutput) {
    if (hide_hook_output_) return;
    ClearBar();
    WriteErr(fmt::format("[{}] {}\n", e.name, e.message));
    return;
  }
  if (verbosity_ == Verbosity::kQuiet) return;
  bool verbose = verbosity_ == Verbosity::kVerbose;
  switch (e.kind) {
    case Event::Kind::kPlan:
      total_ = e.total;
      done_ = 0;
      bar_enabled_ = stderr_is_terminal_ && total_ >= kBarMinSteps;
      break;
    case Event::Kind::kStepStarted:
      current_ = e.name.empty() ? e.version : e.version + "_" + e.name;
      notices_.clear();
      DrawBar();
      break;
    case Event::Kind::kStepFinished:
      ++done_;
      PrintStep(e, style_.Paint(FormatDuration(e.duration_ms), Color::kDim));
      break;
    case Event::Kind::kStepFailed:
      ++done_;
      PrintStep(e, style_.Paint("FAILED", Color::kRed));
      break;
    case Event::Kind::kStepSkipped:
      ++done_;
      PrintStep(e, style_.Paint("not executed (no-transaction; dry run)", Color::kYellow));
      break;
    case Event::Kind::kNotice:
      if (verbose) notices_.push_back(e.message);
      break;
    case Event::Kind::kLockWaiting:
      if (verbose) {
        ClearBar();
        WriteErr(fmt::format("waiting for the migration lock: {}\n", e.message));
      }
      break;
    case Event::Kind::kLockAcquired:
      if (verbose) {
        ClearBar();
        WriteErr("migration lock acquired\n");
      }
      break;
    case Event::Kind::kHookOutput:
    case Event::Kind::kWarning:
      break;  // above
    case Event::Kind::kRetry:
      if (verbose) {
        ClearBar();
        WriteErr(fmt::format("retrying: {}\n", e.message));
      }
      break;
    case Event::Kind::kConnection:
      if (verbose) {
        ClearBar();
        WriteErr(fmt::format("connection: {}\n", e.message));
      }
      break;
  }
}

void ProgressPrinter::PrintStep(const Event& e, const std::string& outcome) {
  ClearBar();
  std::string out = StepPrefix(e.direction, e.version, e.name) + outcome + "\n";
  for (const auto& notice : notices_) out += fmt::format("        notice: {}\n", notice);
  notices_.clear();
  WriteOut(out);  // the bar comes back when the next step starts
}

void ProgressPrinter::DrawBar() {
  if (!bar_enabled_ || total_ <= 0) return;
  int filled = std::min(kBarWidth, done_ * kBarWidth / total_);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kBarWidth - filled), '.');
  WriteErr(fmt::format("\r\033[K[{}] {}/{} {}", bar, done_, total_, current_));
  bar_visible_ = true;
}

void ProgressPrinter::ClearBar() {
  if (!bar_visible_) return;
  WriteErr("\r\033[K");
  bar_visible_ = false;
}

}  // namespace strata::cli
