// libFuzzer target: the database URL parser (config::ParseUrl) and its
// redaction (Url::Redacted, RedactUrl).
//
// Beyond "no crash": the password a URL carries (three characters or more,
// the shortest strata registers as a secret) never shows in Url::Redacted()
// (as decoded, nor a password= parameter's value).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/url.h"
#include "util/redact_testing.h"
#include <strata/redact.h>

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "url_fuzz: %s\n", what.c_str());
  std::abort();
}

// Whether `shown` leaks `secret`. Secrets made of '*' and text around them
// are skipped: "****" is what redaction writes, so it may rebuild such a
// "secret" out of the mask itself.
bool Leaks(const std::string& shown, const std::string& secret) {
  if (secret.size() < 3 || secret.find('*') != std::string::npos) return false;
  return shown.find(secret) != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  strata::ForgetSecretsForTesting();
  auto url = strata::config::ParseUrl(text);
  std::string redacted_input = strata::RedactUrl(text);
  if (!url.ok()) {
    if (url.status().message().empty()) Fail("a failed parse has no message");
    return 0;
  }
  if (url->scheme == strata::config::Url::Scheme::kPostgres) {
    std::string shown = url->Redacted();
    if (Leaks(shown, url->password)) Fail("password '" + url->password + "' in Redacted(): " + shown);
    auto q = url->query.find("password");
    if (q != url->query.end() && Leaks(shown, q->second)) Fail("password= value in Redacted(): " + shown);
  }
  return 0;
}
