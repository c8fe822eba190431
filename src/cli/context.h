// What every strata command gets when it runs: the global options, the
// output style, an event sink for progress, and helpers shared by commands
// (opening the Migrator, confirming a protected environment, printing).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <strata/migrator.h>
#include <strata/status.h>

#include "cli/progress.h"
#include "cli/render.h"

namespace strata::cli {

// Options accepted before or after any command.
struct GlobalOptions {
  std::string env;          // --env NAME
  std::string url;          // --url URL
  std::string dir;          // --dir DIR
  std::string config;       // --config FILE
  std::string format;       // --format FORMAT (migration folder format)
  bool json = false;        // --json: one JSON object on stdout
  bool quiet = false;       // --quiet: nothing but errors
  bool verbose = false;     // --verbose: also notices and lock waits
  bool no_color = false;    // --no-color
};

// What a command returns: a failure (main.cc renders it and picks the exit
// code) or success with an exit code (0, or 3/6 for "ran fine, but ...").
struct Outcome {
  Outcome() = default;
  Outcome(Status s) : status(std::move(s)) {}  // NOLINT: implicit on purpose
  static Outcome Exit(int code) {
    Outcome o;
    o.exit_code = code;
    return o;
  }
  Status status;
  int exit_code = 0;
};

class Context {
 public:
  explicit Context(const GlobalOptions& global);
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const GlobalOptions& global() const { return global_; }
  bool json() const { return global_.json; }
  const Style& style() const { return style_; }

  // Migrator::Open with the global options; progress events go to the
  // context's printer, which outlives the returned Migrator.
  Result<std::unique_ptr<Migrator>> OpenMigrator();

  // For down, redo, baseline, repair: returns the `yes` to pass to the
  // library. With --yes, or in an unprotected environment, `yes` itself.
  // Otherwise, when stdin is a terminal, asks for the environment's name and
  // returns true only on an exact match; else false (the library refuses).
  bool Confirm(const Migrator& migrator, bool yes) const;

  // Text for humans on stdout; suppressed by --quiet.
  void Print(std::string_view text) const;
  // A JSON document on stdout (never suppressed).
  void PrintJson(const std::string& json) const;

 private:
  const GlobalOptions& global_;
  Style style_;
  std::unique_ptr<ProgressPrinter> progress_;
};

}  // namespace strata::cli
