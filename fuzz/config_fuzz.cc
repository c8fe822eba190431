// libFuzzer target: the strata.toml reader (config::Load): TOML syntax
// (toml++), every setting's type and value checks, ${VAR} interpolation,
// environments, [notify], hooks, durations and sizes, and the URL each
// environment names.
//
// Input: the text of strata.toml, written to a scratch folder on tmpfs and
// loaded with need_url true and false, with a fixed fake environment (so a
// run never depends on the machine). A failed Load must carry a message, and
// no output may show the password the fake DATABASE_URL carries.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "config/config.h"
#include "fuzz_support.h"
#include "util/redact_testing.h"
#include <strata/redact.h>

namespace {

constexpr const char* kPassword = "fuzz-pw-8d2f";

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "config_fuzz: %s\n", what.c_str());
  std::abort();
}

std::optional<std::string> FakeEnv(const std::string& name) {
  static const std::map<std::string, std::string> kEnv = {
      {"DATABASE_URL", std::string("postgres://app:") + kPassword + "@db.internal:5432/app"},
      {"HOME_DB", "sqlite:app.db"},
      {"EMPTY", ""},
      {"SECRET", "s3cr3t"},
  };
  auto it = kEnv.find(name);
  if (it == kEnv.end()) return std::nullopt;
  return it->second;
}

// `input`: the file's text; when it holds the password itself, an error
// quoting the file may show it (that is the user's own text, not a leak).
void Check(const strata::Result<strata::config::Config>& cfg, std::string_view input) {
  if (cfg.ok()) return;
  const strata::Status& s = cfg.status();
  if (s.message().empty()) Fail("a failed Load has no message");
  std::string shown = strata::Redact(s.ToString() + "\n" + s.hint());
  if (shown.find(kPassword) != std::string::npos && input.find(kPassword) == std::string_view::npos) {
    Fail("password in an error: " + shown);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strata::fuzz::Scratch& scratch = strata::fuzz::Scratch::Get();
  const std::string path = scratch.dir() + "/strata.toml";
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!scratch.Write("strata.toml", input)) return 0;
  strata::ForgetSecretsForTesting();
  strata::Options options;
  options.config_path = path;
  Check(strata::config::Load(options, FakeEnv, /*need_url=*/true), input);
  Check(strata::config::Load(options, FakeEnv, /*need_url=*/false), input);
  return 0;
}
