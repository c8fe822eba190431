// The golden script format of tests/cli/testdata (see README.md there):
// parsing, variable expansion, output masking, rewriting with actual output,
// and running a program on a pseudo-terminal.
#include "golden_script.h"

#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <regex>
#include <sstream>
#include <utility>

#include <gtest/gtest.h>

namespace strata::testing::golden {

// ---------------------------------------------------------------------------
// Script model and parser

namespace {

bool IsBlockMarker(const std::string& line) {
  return line.size() >= 6 && line.rfind("-- ", 0) == 0 && line.compare(line.size() - 3, 3, " --") == 0;
}
bool IsExitLine(const std::string& line) { return std::regex_match(line, std::regex(R"(\[exit \d+\])")); }

// "-- NAME (ENGINE) --" -> name, engine.
Block ParseMarker(const std::string& line) {
  Block b;
  std::string inner = line.substr(3, line.size() - 6);
  std::smatch m;
  if (std::regex_match(inner, m, std::regex(R"((.*\S)\s+\((sqlite|postgres)\))"))) {
    b.name = m[1];
    b.engine = m[2];
  } else {
    b.name = inner;
  }
  return b;
}

}  // namespace

Script ParseScript(const std::string& text, std::string* error) {
  Script script;
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  size_t i = 0;
  bool in_header = true;
  std::string comments;  // waiting for the next step
  auto fail = [&](size_t at, const std::string& why) {
    if (error->empty()) *error = "line " + std::to_string(at + 1) + ": " + why;
  };
  while (i < lines.size() && error->empty()) {
    const std::string& line = lines[i];
    if (IsBlockMarker(line)) {
      in_header = false;
      Block block = ParseMarker(line);
      size_t start = i++;
      std::vector<std::string> body;
      // A block runs to the next marker, or to a comment after a blank line.
      while (i < lines.size() && !IsBlockMarker(lines[i]) && lines[i].rfind("$ ", 0) != 0 && !IsExitLine(lines[i]) &&
             !(lines[i].rfind('#', 0) == 0 && !body.empty() && body.back().empty())) {
        body.push_back(lines[i++]);
      }
      while (!body.empty() && body.back().empty()) body.pop_back();
      for (size_t k = 0; k < body.size(); ++k) block.text += (k ? "\n" : "") + body[k];
      if (block.name == "stdout" || block.name == "stderr") {
        if (script.steps.empty() || script.steps.back().kind != Step::Kind::kCommand) {
          fail(start, "-- " + block.name + " -- must follow a $ command");
        } else {
          script.steps.back().expect.push_back(block);
        }
      } else {
        Step step;
        step.kind = Step::Kind::kFile;
        step.file = block;
        step.line = static_cast<int>(start + 1);
        step.comments = std::exchange(comments, "");
        script.steps.push_back(step);
      }
      continue;
    }
    if (line.rfind("$ ", 0) == 0) {
      in_header = false;
      Step step;
      step.kind = Step::Kind::kCommand;
      step.command = line.substr(2);
      step.line = static_cast<int>(i + 1);
      step.comments = std::exchange(comments, "");
      script.steps.push_back(step);
      ++i;
      continue;
    }
    if (IsExitLine(line)) {
      if (script.steps.empty() || script.steps.back().kind != Step::Kind::kCommand) {
        fail(i, "[exit N] must follow a $ command");
      } else {
        script.steps.back().exit_code = std::stoi(line.substr(6));
      }
      ++i;
      continue;
    }
    if (in_header) {
      // Comments right before the first step belong to it; the rest is header.
      if (line.empty() || line[0] != '#') {
        script.header += std::exchange(comments, "") + line + "\n";
      } else {
        comments += line + "\n";
      }
      std::smatch m;
      if (std::regex_match(line, m, std::regex(R"(engines:\s*(.*))"))) {
        script.engines = SplitWords(m[1]);
      } else if (std::regex_match(line, m, std::regex(R"(env:\s*([A-Za-z_][A-Za-z0-9_]*)=(.*))"))) {
        script.env.emplace_back(m[1], m[2]);
      } else if (std::regex_match(line, m, std::regex(R"(secret:\s*(.*\S))"))) {
        script.secrets.push_back(m[1]);
      } else if (!line.empty() && line[0] != '#') {
        fail(i, "unknown header line: " + line);
      }
      ++i;
      continue;
    }
    if (!line.empty() && line[0] != '#') fail(i, "unexpected line (not a comment, $ command or -- block --): " + line);
    if (!line.empty()) comments += line + "\n";
    ++i;
  }
  script.trailer = comments;
  return script;
}

std::vector<std::string> SplitWords(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  bool have = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t') {
      if (have) words.push_back(cur);
      cur.clear();
      have = false;
    } else if (c == '\'') {
      size_t end = s.find('\'', i + 1);
      cur += s.substr(i + 1, end - i - 1);
      i = end == std::string::npos ? s.size() : end;
      have = true;
    } else if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        cur += s[i];
      }
      have = true;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) words.push_back(cur);
  return words;
}

// ---------------------------------------------------------------------------
// Variables and masking

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

std::string Expand(std::string s, const Vars& vars) {
  for (const auto& [name, value] : vars) s = ReplaceAll(s, "$" + name, value);
  return s;
}

std::string Mask(std::string s, const Vars& vars) {
  // Longest values first, so $URL (which contains $WORK) wins.
  // On equal values ($URL and $PG_URL) $URL wins: scripts for both engines use it.
  Vars by_value = vars;
  std::sort(by_value.begin(), by_value.end(), [](const auto& a, const auto& b) {
    if (a.second.size() != b.second.size()) return a.second.size() > b.second.size();
    return (a.first == "URL") > (b.first == "URL");
  });
  for (const auto& [name, value] : by_value) {
    if (value.size() >= 4 && name != "ENGINE") s = ReplaceAll(s, value, "$" + name);
  }
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex(R"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d(:?\d\d)?)?)"), "TIMESTAMP"},
      {std::regex(R"(\b20\d{12}(?![0-9]))"), "YYYYMMDDHHMMSS"},
      {std::regex(R"(\b\d+ ms\b)"), "N ms"},
      {std::regex(R"(\b\d+\.\d s\b)"), "N ms"},
      {std::regex(R"(\b\d+m \d\ds\b)"), "N ms"},
      {std::regex(R"re("(duration_ms|total_ms)": \d+)re"), "\"$1\": N"},
      {std::regex(R"re("applied_by": "[^"]*")re"), "\"applied_by\": \"USER\""},
  };
  for (const auto& [re, to] : rules) s = std::regex_replace(s, re, to);
  return s;
}

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  // Trailing blanks on each line are invisible in a script: ignore them.
  return std::regex_replace(s, std::regex(R"([ \t]+\n)"), "\n");
}

// ---------------------------------------------------------------------------
// Running strata on a terminal (for prompts)

CommandResult RunOnTerminal(const std::vector<std::string>& argv, const std::string& answer,
                            const CommandOptions& options) {
  CommandResult result;
  termios tio{};
  tio.c_iflag = ICRNL;
  tio.c_oflag = OPOST | ONLCR;
  tio.c_cflag = CS8 | CREAD;
  tio.c_lflag = ICANON | ISIG;  // no ECHO: the typed answer does not appear
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VEOF] = 4;
  std::vector<std::string> env_strings = {"NO_COLOR=1", "PATH=/usr/bin:/bin"};
  for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argvp;
  for (auto& a : args) argvp.push_back(a.data());
  argvp.push_back(nullptr);
  int master = -1;
  int slave = -1;
  if (::openpty(&master, &slave, nullptr, &tio, nullptr) != 0) {
    ADD_FAILURE() << "openpty failed";
    return result;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    ::close(master);
    ::close(slave);
    return result;
  }
  if (pid == 0) {
    ::close(master);
    ::setsid();
    ::ioctl(slave, TIOCSCTTY, 0);
    ::dup2(slave, 0);
    ::dup2(slave, 1);
    ::dup2(slave, 2);
    if (slave > 2) ::close(slave);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) _exit(127);
    ::execve(argvp[0], argvp.data(), envp.data());
    _exit(127);
  }
  // The parent keeps its own descriptor of the terminal open: the terminal is
  // never hung up when the child exits, so nothing the child wrote just
  // before exiting is lost (reading after a hang-up can return EIO early).
  std::string line = answer + "\n";
  if (::write(master, line.data(), line.size()) < 0) ADD_FAILURE() << "write to terminal failed";
  char buf[4096];
  auto drain = [&](int timeout_ms) {
    pollfd p{master, POLLIN, 0};
    while (::poll(&p, 1, timeout_ms) > 0 && (p.revents & POLLIN)) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      result.out.append(buf, static_cast<size_t>(n));
      p.revents = 0;
    }
  };
  int status = 0;
  for (;;) {
    drain(20);
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || done < 0) break;
  }
  drain(0);
  ::close(slave);
  ::close(master);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = ReplaceAll(result.out, "\r\n", "\n");
  return result;
}


const Block* FindExpect(const Step& step, const std::string& stream, const std::string& engine) {
  const Block* any = nullptr;
  for (const auto& b : step.expect) {
    if (b.name != stream) continue;
    if (b.engine == engine) return &b;
    if (b.engine.empty()) any = &b;
  }
  return any;
}

std::string Regenerate(const Script& script, const std::vector<Step>& actual, const std::string& engine) {
  std::string out = script.header;
  auto block = [](const Block& b) {
    std::string head = "-- " + b.name + (b.engine.empty() ? "" : " (" + b.engine + ")") + " --\n";
    return head + b.text + (b.text.empty() ? "" : "\n");
  };
  auto separate = [&out] {
    if (!out.empty() && (out.size() < 2 || out.substr(out.size() - 2) != "\n\n")) out += "\n";
  };
  for (size_t i = 0; i < script.steps.size(); ++i) {
    const Step& s = script.steps[i];
    // Files written one after another stay together.
    bool follows_file = i > 0 && s.kind == Step::Kind::kFile && script.steps[i - 1].kind == Step::Kind::kFile;
    if (!follows_file || !s.comments.empty()) separate();
    out += s.comments;
    if (s.kind == Step::Kind::kFile) {
      out += block(s.file);
      continue;
    }
    out += "$ " + s.command + "\n";
    const Step& a = i < actual.size() ? actual[i] : s;
    if (a.exit_code != 0) out += "[exit " + std::to_string(a.exit_code) + "]\n";
    for (const char* stream : {"stdout", "stderr"}) {
      const Block* mine = FindExpect(s, stream, engine);
      bool tagged = mine != nullptr && !mine->engine.empty();
      for (const auto& b : s.expect) {  // other engines' blocks stay
        if (b.name == stream && !b.engine.empty() && b.engine != engine) out += block(b);
      }
      const Block* got = FindExpect(a, stream, "");
      if (got != nullptr && !got->text.empty()) out += block({stream, tagged ? engine : "", got->text});
    }
  }
  if (!script.trailer.empty()) {
    separate();
    out += script.trailer;
  }
  return out;
}

}  // namespace strata::testing::golden
