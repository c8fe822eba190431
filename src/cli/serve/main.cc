// strata-serve: the process behind `strata serve` (see cmd_serve.cc for why it
// is a separate executable). Parses the same options, starts strata::Server
// and waits for SIGINT or SIGTERM, then stops it cleanly and exits 0.
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <strata/redact.h>
#include <strata/server.h>
#include <strata/types.h>

#include "cli/exit_codes.h"
#include "cli/render.h"
#include "cli/serve_flags.h"

namespace strata::cli {
namespace {

int Fail(const Status& status) {
  WriteErr("error: " + status.ToString() + "\n");
  if (!status.hint().empty()) WriteErr("hint: " + status.hint() + "\n");
  return ExitCode(status.code());
}

bool IsLoopback(const std::string& listen) {
  return listen.rfind("127.", 0) == 0 || listen.rfind("localhost:", 0) == 0 || listen.rfind("[::1]:", 0) == 0;
}

int Main(int argc, char** argv) {
  CLI::App app("strata-serve: the HTTP server behind `strata serve` (see `strata serve --help`).", "strata-serve");
  Options options;
  bool quiet = false, verbose = false, json = false, no_color = false;
  app.add_option("--env", options.env, "Environment from strata.toml")->type_name("NAME");
  app.add_option("--url", options.url, "Database URL")->type_name("URL");
  app.add_option("--dir", options.dir, "Migrations directory")->type_name("DIR");
  app.add_option("--config", options.config_path, "Path of strata.toml")->type_name("FILE");
  app.add_flag("-q,--quiet", quiet, "Print nothing but errors");
  app.add_flag("-v,--verbose", verbose, "Accepted for symmetry with strata");
  app.add_flag("--json", json, "Accepted for symmetry with strata (the endpoints speak JSON)");
  app.add_flag("--no-color", no_color, "Accepted for symmetry with strata");
  ServeFlags flags;
  AddServeFlags(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    WriteOut(app.help());
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    return Fail(Status::InvalidArgument(e.what()).WithHint("run 'strata serve --help' for usage"));
  }

  ServeOptions serve;
  serve.listen = flags.listen;
  serve.token = flags.token;
  if (serve.token.empty()) {
    if (const char* t = std::getenv("STRATA_SERVE_TOKEN"); t && *t) serve.token = t;
  }
  if (!serve.token.empty()) RegisterSecret(serve.token);
  auto refresh = ParseServeDuration(flags.refresh);
  if (!refresh) {
    return Fail(Status::InvalidArgument("--refresh '" + flags.refresh + "': expected a duration such as 500ms, 10s or 1m"));
  }
  serve.refresh = *refresh;
  serve.ready_requires_current = flags.ready_requires_current;
  serve.threads = flags.threads;

  // Signals are taken by sigwait below: block them before any thread starts,
  // so that every thread the server creates inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A client that goes away mid-response must not kill the server.
  signal(SIGPIPE, SIG_IGN);

  auto server = Server::Start(options, serve);
  if (!server.ok()) return Fail(server.status());
  std::string address = (*server)->address();
  if (!quiet) {
    WriteOut(fmt::format("strata serve: listening on http://{}/ (snapshot every {}; {})\n", address, flags.refresh,
                         serve.token.empty() ? "no token" : "bearer token required"));
  }
  if (!IsLoopback(address) && serve.token.empty()) {
    WriteErr("warning: listening on " + address +
             " without --token: anyone who can reach it sees the migration status and history\n");
  }
  int signo = 0;
  sigwait(&stop_signals, &signo);
  if (!quiet) WriteErr(fmt::format("strata serve: {} received, stopping\n", signo == SIGINT ? "SIGINT" : "SIGTERM"));
  (*server)->Stop();
  return kExitOk;
}

}  // namespace
}  // namespace strata::cli

int main(int argc, char** argv) { return strata::cli::Main(argc, argv); }
