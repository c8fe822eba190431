// Runs external programs (pg_dump, pg_restore, psql) without a shell: argv
// as given, extra environment variables for the child only (PGPASSWORD never
// goes on a command line), stderr collected, and optionally several programs
// joined by pipes (pg_restore -f - | psql).
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include <strata/result.h>

namespace strata::ops::backup {

struct ProcessSpec {
  // argv[0] is looked up in PATH unless it contains a '/'.
  std::vector<std::string> argv;
  // Set (or replaced) in the child's environment only.
  std::vector<std::pair<std::string, std::string>> env;
};

struct ProcessOutcome {
  int exit_code = -1;  // -1 when a signal ended it
  int signal = 0;
  std::string err;     // its stderr (the last 64 KiB)
  bool ok() const { return exit_code == 0; }
};

struct PipelineResult {
  std::vector<ProcessOutcome> processes;  // one per spec, in order
  std::string out;                        // stdout of the last one (the first 16 MiB)
};

// Starts every spec with its stdout piped into the next one's stdin (the
// first reads /dev/null) and waits for all. When *stop becomes true, the
// programs get SIGTERM. Fails only when a program cannot be started: kNotFound
// naming it when it does not exist, kIo otherwise; a program that runs and
// fails is a result with its exit code.
Result<PipelineResult> RunPipeline(const std::vector<ProcessSpec>& specs, const std::atomic<bool>* stop = nullptr);

// "pg_dump exited with code 1: <the last line of its stderr>" for messages.
std::string Describe(const std::string& program, const ProcessOutcome& outcome);

}  // namespace strata::ops::backup
