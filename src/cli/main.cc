// strata: argv -> one strata::Migrator call -> text or JSON -> exit code.
// This file builds the CLI11 app with the global options, dispatches to the
// selected command (cmd_<name>.cc) and renders any failure.
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <strata/redact.h>
#include <strata/types.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/json.h"
#include "util/strings.h"

namespace strata::cli {
namespace {

constexpr const char* kCommandFooter =
    "\n\nGlobal options (--env, --url, --dir, --config, --format, --json, --quiet,\n"
    "--verbose, --no-color) are accepted too; see 'strata --help'.";

constexpr const char* kFooter =
    "Global options may also follow the command. Run 'strata COMMAND --help' for details.\n"
    "Fleets: up, status, drift, lint and health take --targets FILE or --fleet NAME to run on\n"
    "many databases (--parallel N, --fail-fast); see docs/commands.md#fleets.\n"
    "Exit codes: 0 ok, 1 error, 2 usage, 3 pending (status --exit-code, health), 4 lint errors,\n"
    "5 drift, 6 validation failed (checksum, missing, dirty), 130 interrupted (Ctrl-C;\n"
    "143 on SIGTERM).";

void AddGlobalOptions(CLI::App& app, GlobalOptions& g) {
  app.add_option("--env", g.env, "Environment from strata.toml ([env.NAME]); default $STRATA_ENV or default_env")
      ->type_name("NAME");
  app.add_option("--url", g.url, "Database URL (sqlite:PATH or postgres://...); overrides the environment's url")
      ->type_name("URL");
  app.add_option("--dir", g.dir, "Migrations directory; default from strata.toml, else ./migrations")
      ->type_name("DIR");
  app.add_option("--config", g.config, "Path of strata.toml; default ./strata.toml when it exists")
      ->type_name("FILE");
  // `lint --format` (its output format) is lint's own option: after `lint`,
  // --format means that one; before the command it means this one.
  app.add_option("--format", g.format,
                 "Migrations folder format: auto (default), native, drizzle, golang-migrate, flyway, dbmate")
      ->type_name("FORMAT");
  app.add_flag("--json", g.json, "Print one JSON object on stdout (errors too); see docs/json.md");
  // --quiet with --verbose is checked after parsing: CLI11's excludes() would
  // clutter the help text.
  app.add_flag("-q,--quiet", g.quiet, "Print nothing but errors");
  app.add_flag("-v,--verbose", g.verbose, "Also print server notices and lock waits");
  app.add_flag("--no-color", g.no_color, "Never colour the output (also: NO_COLOR=1)");
  app.set_version_flag("--version", fmt::format("strata {}", Version()), "Print the version and exit");
}

// --json must shape even errors in argv, which CLI11 reports before it has
// stored any flag; so look for it directly.
bool JsonRequested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

// The command word in argv: the first argument that is neither an option nor
// the value of a global option. For "unknown command" messages.
std::string CommandWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") return i + 1 < argc ? argv[i + 1] : "";
    if (a == "--env" || a == "--url" || a == "--dir" || a == "--config" || a == "--format") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    return std::string(a);
  }
  return "";
}

// Last line of defence: the library registers URL passwords when it parses a
// URL, but a URL it rejects early may never get that far.
void RegisterUrlPassword(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return;
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view auth = url.substr(start, end == std::string_view::npos ? url.npos : end - start);
  size_t at = auth.rfind('@');
  if (at == std::string_view::npos) return;
  size_t colon = auth.find(':');
  if (colon != std::string_view::npos && colon < at) RegisterSecret(auth.substr(colon + 1, at - colon - 1));
}

int Fail(const Status& status, bool json) {
  int code = ExitCode(status.code());
  if (status.code() == Status::Code::kCancelled && InterruptScope::signal() != 0) code = 128 + InterruptScope::signal();
  if (json) {
    WriteOut(ErrorJson(status, code) + "\n");
    return code;
  }
  WriteErr("error: " + status.ToString() + "\n");
  if (!status.hint().empty()) WriteErr("hint: " + status.hint() + "\n");
  return code;
}

// The command nearest to a mistyped one ("upp" -> "up"), or "".
std::string NearestCommand(const std::string& word, const std::vector<Command>& commands) {
  std::string best;
  size_t best_distance = 3;  // at most two edits
  for (const auto& c : commands) {
    size_t d = util::EditDistance(word, c.app->get_name());
    if (d < best_distance) {
      best_distance = d;
      best = c.app->get_name();
    }
  }
  return best;
}

// CLI11's "Could not convert: --steps = two" in words a user reads:
// "--steps: 'two' is not a valid value (expected N)".
std::optional<std::string> ConversionMessage(const std::string& what, const CLI::App& app) {
  constexpr std::string_view kPrefix = "Could not convert: ";
  if (what.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::string rest = what.substr(kPrefix.size());
  size_t eq = rest.find(" = ");
  if (eq == std::string::npos) return std::nullopt;
  std::string name = rest.substr(0, eq);
  std::string value = rest.substr(eq + 3);
  std::string expected;
  for (const CLI::App* sub : app.get_subcommands()) {
    try {
      const CLI::Option* option = sub->get_option(name);
      expected = option->get_type_name();
    } catch (const CLI::Error&) {
    }
  }
  if (expected == "N" || expected == "INT" || expected == "UINT") expected = "a whole number";
  return fmt::format("{}: '{}' is not a valid value{}", name, value, expected.empty() ? "" : " (expected " + expected + ")");
}

int Main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) RegisterUrlPassword(argv[i]);
  if (const char* url = std::getenv("DATABASE_URL")) RegisterUrlPassword(url);
  bool json = JsonRequested(argc, argv);

  CLI::App app("strata: versioned, checksummed schema migrations for SQLite and PostgreSQL.", "strata");
  GlobalOptions global;
  AddGlobalOptions(app, global);
  app.require_subcommand(1, 1);
  app.footer(kFooter);
  app.get_formatter()->column_width(34);
  std::vector<Command> commands = AddAllCommands(app);
  for (auto& c : commands) {
    c.app->fallthrough();
    c.app->footer(c.app->get_footer() + kCommandFooter);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    WriteOut(app.help());
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    WriteOut(app.help("", CLI::AppFormatMode::All));
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    WriteOut(std::string(e.what()) + "\n");
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::string where = "strata";
    for (const auto* sub : app.get_subcommands()) where += " " + sub->get_name();
    std::string message = ConversionMessage(e.what(), app).value_or(e.what());
    std::string word = CommandWord(argc, argv);
    if (app.get_subcommands().empty() && !word.empty()) {
      message = fmt::format("unknown command '{}'", word);
      std::string near = NearestCommand(word, commands);
      if (!near.empty()) message += fmt::format(" (did you mean '{}'?)", near);
    }
    if (app.get_subcommands().empty() && word.empty()) message = "no command given";
    return Fail(Status::InvalidArgument(message).WithHint(fmt::format("run '{} --help' for usage", where)), json);
  }
  if (global.quiet && global.verbose) {
    return Fail(Status::InvalidArgument("--quiet and --verbose exclude each other")
                    .WithHint("run 'strata --help' for usage"),
                json);
  }

  Context ctx(global);
  for (auto& c : commands) {
    if (!c.app->parsed()) continue;
    Outcome outcome;
    try {
      outcome = c.run(ctx);
    } catch (const std::exception& e) {
      // No exception is meant to get here; one that does is a bug, reported
      // as one instead of an abort. The unwinding rolled back any open
      // transaction and released the migration lock.
      return Fail(Status::Internal(std::string("unexpected error: ") + e.what())
                      .WithHint("this is a bug in strata: please report it with the command that was run"),
                  json);
    }
    if (!outcome.status.ok()) return Fail(outcome.status, json);
    return outcome.exit_code;
  }
  return Fail(Status::Internal("no command ran"), json);
}

}  // namespace
}  // namespace strata::cli

int main(int argc, char** argv) {
  // libpg_query's parse trees of a large migration come in allocations of
  // megabytes, which glibc would mmap and unmap for every 256 KiB chunk of
  // SQL: page faults were 70% of `lint` on a 10 MB file (1.16 s; 0.26 s
  // with these). Memory stays in the heap for reuse instead; peak RSS is
  // unchanged (bench/large).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  return strata::cli::Main(argc, argv);
}
