// strata serve: HTTP health, readiness, metrics and a dashboard. The server
// (strata::Server, src/server/) runs in the strata-serve executable installed
// beside strata: it links cpp-httplib, whose shared libraries would slow down
// the start of every other command. This command checks the options, then
// replaces itself (exec) with strata-serve, so signals and the exit code are
// the server's own.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/serve_flags.h"

namespace strata::cli {

namespace {

Outcome RunServe(const ServeFlags& flags, Context& ctx) {
  if (!ParseServeDuration(flags.refresh)) {
    return Status::InvalidArgument("--refresh '" + flags.refresh + "': expected a duration such as 500ms, 10s or 1m");
  }
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::filesystem::path server = self.parent_path() / "strata-serve";
  if (ec || !std::filesystem::exists(server, ec)) {
    return Status::NotFound("strata-serve not found beside " + self.string())
        .WithHint("it is built and installed with strata (cmake --install); reinstall strata");
  }
  const GlobalOptions& g = ctx.global();
  std::vector<std::string> args = {server.string()};
  auto add = [&](const char* flag, const std::string& value) {
    if (!value.empty()) args.insert(args.end(), {flag, value});
  };
  add("--env", g.env);
  add("--url", g.url);
  add("--dir", g.dir);
  add("--config", g.config);
  if (g.quiet) args.push_back("--quiet");
  if (g.verbose) args.push_back("--verbose");
  add("--listen", flags.listen);
  add("--token", flags.token);  // only when given on this command line; else $STRATA_SERVE_TOKEN is read there
  add("--refresh", flags.refresh);
  add("--threads", std::to_string(flags.threads));
  if (flags.ready_requires_current) args.push_back("--ready-requires-current");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  return Status::Io("cannot run " + server.string() + ": " + std::strerror(errno));
}

}  // namespace

Command AddServe(CLI::App& root) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* sub = root.add_subcommand("serve", "HTTP health, readiness, Prometheus metrics and a status dashboard");
  sub->footer(
      "Serves, read-only:\n"
      "  /live     200 while the process runs (never needs the token)\n"
      "  /ready    200 when the database answers and nothing is dirty, modified or\n"
      "            missing (and nothing pending, with --ready-requires-current); else 503\n"
      "  /health   the JSON of `strata health --json` (503 when unhealthy)\n"
      "  /metrics  Prometheus text format: migrations by state, apply times and\n"
      "            durations, failures, lock, backup age\n"
      "  /         a dashboard: migrations, history chart, recent events, lint\n"
      "Requests never touch the database: a background thread takes a snapshot every\n"
      "--refresh, and answers are at most that old (the Age header says how old).\n"
      "Listens on loopback unless told otherwise. Stops cleanly on Ctrl-C or SIGTERM.\n"
      "See docs/operations.md.");
  AddServeFlags(*sub, *flags);
  return {sub, [flags](Context& ctx) { return RunServe(*flags, ctx); }};
}

}  // namespace strata::cli
