#include "cli/context.h"

#include <iostream>

#include <fmt/format.h>

namespace strata::cli {

Context::Context(const GlobalOptions& global)
    : global_(global), style_(ColorWanted(global.no_color, global.json)) {
  ProgressPrinter::Verbosity verbosity = ProgressPrinter::Verbosity::kNormal;
  if (global.quiet || global.json) verbosity = ProgressPrinter::Verbosity::kQuiet;
  if (global.verbose && !global.json) verbosity = ProgressPrinter::Verbosity::kVerbose;
  progress_ = std::make_unique<ProgressPrinter>(verbosity, style_, StderrIsTerminal(), global.quiet);
}

Result<std::unique_ptr<Migrator>> Context::OpenMigrator() {
  Options options;
  options.config_path = global_.config;
  options.env = global_.env;
  options.url = global_.url;
  options.dir = global_.dir;
  options.format = global_.format;
  return Migrator::Open(options, progress_.get());
}

bool Context::Confirm(const Migrator& migrator, bool yes) const {
  if (yes || !migrator.is_protected() || !StdinIsTerminal()) return yes;
  const std::string& name = migrator.environment();
  WriteErr(fmt::format("Environment '{}' is protected. Type its name to continue: ", name));
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return !name.empty() && answer == name;
}

void Context::Print(std::string_view text) const {
  if (!global_.quiet) WriteOut(text);
}

void Context::PrintJson(const std::string& json) const { WriteOut(json + "\n"); }

}  // namespace strata::cli
