// An application that migrates its database at start-up with libstrata.
//
//   strata_embed_example [URL] [DIR]
//
// URL defaults to $DATABASE_URL, DIR to "migrations". Applies every pending
// migration, prints one line per migration it applied, and exits 0 when the
// database is ready; prints the error and exits 1 otherwise. A real
// application would go on to serve requests where this program returns 0.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <strata/migrator.h>
#include <strata/options.h>
#include <strata/status.h>
#include <strata/types.h>

namespace {

// Prints a failed Status and returns the exit code for it. Messages from
// strata never contain a password, so they are safe to log.
int Fail(const strata::Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  if (!status.hint().empty()) std::fprintf(stderr, "hint: %s\n", status.hint().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  strata::Options options;
  if (argc > 1) {
    options.url = argv[1];
  } else if (const char* env = std::getenv("DATABASE_URL")) {
    options.url = env;
  }
  options.dir = argc > 2 ? argv[2] : "migrations";

  // Open() only reads the configuration; the first command connects.
  auto migrator = strata::Migrator::Open(options);
  if (!migrator.ok()) return Fail(migrator.status());

  // Up() takes the migration lock, so several instances of the application
  // starting at once apply each migration exactly once. It refuses to run
  // anything when an applied migration was modified, is missing or is dirty.
  auto report = (*migrator)->Up(strata::UpOptions{});
  if (!report.ok()) return Fail(report.status());

  for (const strata::StepResult& step : report->steps) {
    std::printf("applied %s_%s (%lld ms)\n", step.version.c_str(), step.name.c_str(),
                static_cast<long long>(step.duration_ms));
  }
  std::printf("database ready: %zu migrations applied\n", report->steps.size());
  return 0;
}
