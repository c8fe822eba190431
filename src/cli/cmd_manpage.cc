// strata manpage: the strata(1) man page in roff, generated from the same
// help texts as `strata --help` and `strata CMD --help` (hidden; the build
// installs its output as share/man/man1/strata.1).
#include <fmt/format.h>
#include <strata/types.h>

#include "cli/command_table.h"
#include "cli/commands.h"

namespace strata::cli {

namespace {

// Text for roff: backslashes doubled, hyphens as \-, and a line that would
// start with '.' or '\'' protected.
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string OptionList(const std::vector<OptionInfo>& options) {
  std::string out;
  for (const auto& o : options) {
    std::string label;
    if (o.names.empty()) {
      label = "\\fI" + Roff(o.positional) + "\\fR";
    } else {
      for (const auto& n : o.names) label += (label.empty() ? "" : ", ") + ("\\fB" + Roff(n) + "\\fR");
      if (!o.value.empty()) label += " \\fI" + Roff(o.value) + "\\fR";
    }
    out += ".TP\n" + label + "\n" + Roff(o.description) + "\n";
  }
  return out;
}

std::string ManPage(const CLI::App& root) {
  std::string out = fmt::format(
      ".TH STRATA 1 \"\" \"strata {}\" \"User Commands\"\n"
      ".SH NAME\n"
      "strata \\- versioned, checksummed schema migrations for SQLite and PostgreSQL\n"
      ".SH SYNOPSIS\n"
      ".B strata\n"
      "[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n"
      ".SH DESCRIPTION\n"
      "strata versions, checks, applies, rolls back and generates schema changes for SQLite and PostgreSQL: every "
      "migration checksummed, linted for danger before it ships, applied in its own transaction with its tracking row "
      "under a lock, and recorded with who, when and how long. It reads its own migration folders and those written "
      "for drizzle\\-kit, golang\\-migrate, Flyway and dbmate.\n"
      ".PP\n"
      "Without strata.toml, strata uses \\fB\\-\\-url\\fR or \\fBDATABASE_URL\\fR and the folder "
      "\\fImigrations\\fR. Global options may come before or after the command.\n"
      ".SH GLOBAL OPTIONS\n",
      Version());
  out += OptionList(OptionsOf(root));
  out += ".SH COMMANDS\n";
  for (const auto& c : CommandsOf(root)) {
    std::string usage = "strata " + c.name;
    for (const auto& o : c.options) {
      if (o.names.empty()) usage += " " + o.positional;
    }
    out += ".SS " + Roff(usage) + "\n" + Roff(c.description) + ".\n";
    if (!c.footer.empty()) out += ".PP\n" + Roff(c.footer) + "\n";
    bool any = false;
    for (const auto& o : c.options) any = any || !o.names.empty();
    if (any) {
      std::vector<OptionInfo> named;
      for (const auto& o : c.options) {
        if (!o.names.empty()) named.push_back(o);
      }
      out += ".RS\n" + OptionList(named) + ".RE\n";
    }
  }
  out +=
      ".SH EXIT STATUS\n"
      "0 ok; 1 error; 2 usage; 3 pending (\\fBstatus \\-\\-exit\\-code\\fR); 4 lint errors; 5 drift; "
      "6 validation failed (checksum, missing, dirty, a refused import); 130 interrupted (143 on SIGTERM).\n"
      ".SH ENVIRONMENT\n"
      ".TP\n\\fBDATABASE_URL\\fR\nthe database URL when neither \\fB\\-\\-url\\fR nor strata.toml gives one\n"
      ".TP\n\\fBSTRATA_ENV\\fR\nthe strata.toml environment when \\fB\\-\\-env\\fR is not given\n"
      ".TP\n\\fBNO_COLOR\\fR\nnever colour the output\n"
      ".SH FILES\n"
      ".TP\n\\fIstrata.toml\\fR\nconfiguration: environments, URLs, policies, the folder format\n"
      ".TP\n\\fImigrations/\\fR\nVERSION_NAME.up.sql and VERSION_NAME.down.sql, or a drizzle\\-kit, "
      "golang\\-migrate, Flyway or dbmate folder\n"
      ".SH SEE ALSO\n"
      "The documentation in the strata source tree: docs/commands.md, docs/config.md, docs/migrations.md.\n";
  return out;
}

}  // namespace

Command AddManpage(CLI::App& root) {
  CLI::App* sub = root.add_subcommand("manpage", "Print the strata(1) man page (roff)");
  sub->group("");  // hidden: the build installs its output
  CLI::App* app = &root;
  return {sub, [app](Context&) -> Outcome {
            WriteOut(ManPage(*app));
            return {};
          }};
}

}  // namespace strata::cli
