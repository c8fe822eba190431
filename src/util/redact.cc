#include <strata/redact.h>

#include "util/redact_testing.h"

#include <mutex>
#include <set>
#include <string>

namespace strata {
namespace {

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}
// Longest first, so that a secret containing another is replaced whole.
struct LongestFirst {
  bool operator()(const std::string& a, const std::string& b) const {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  }
};
std::set<std::string, LongestFirst>& Secrets() {
  static std::set<std::string, LongestFirst> secrets;
  return secrets;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
        HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void ReplaceAll(std::string& text, const std::string& secret) {
  size_t pos = 0;
  while ((pos = text.find(secret, pos)) != std::string::npos) {
    text.replace(pos, secret.size(), "****");
    pos += 4;
  }
}

}  // namespace

void RegisterSecret(std::string_view secret) {
  if (secret.size() < 3) return;
  std::lock_guard<std::mutex> lock(Mu());
  Secrets().insert(std::string(secret));
  std::string decoded = PercentDecode(secret);
  if (decoded.size() >= 3) Secrets().insert(decoded);
}

void ForgetSecretsForTesting() {
  std::lock_guard<std::mutex> lock(Mu());
  Secrets().clear();
}

std::string Redact(std::string_view text) {
  std::string out(text);
  std::lock_guard<std::mutex> lock(Mu());
  for (const auto& secret : Secrets()) ReplaceAll(out, secret);
  return out;
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  // scheme://user:password@host -> scheme://user:****@host
  size_t scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    size_t auth_start = scheme_end + 3;
    size_t auth_end = out.find_first_of("/?#", auth_start);
    if (auth_end == std::string::npos) auth_end = out.size();
    size_t at = out.rfind('@', auth_end);
    if (at != std::string::npos && at >= auth_start) {
      size_t colon = out.find(':', auth_start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "****");
    }
  }
  // ...?password=secret&... -> ...?password=****&...
  for (const char* key : {"password=", "PASSWORD="}) {
    size_t pos = 0;
    while ((pos = out.find(key, pos)) != std::string::npos) {
      if (pos > 0 && out[pos - 1] != '?' && out[pos - 1] != '&' && out[pos - 1] != ' ') {
        pos += 1;
        continue;
      }
      size_t start = pos + 9;
      size_t end = out.find_first_of("& ", start);
      if (end == std::string::npos) end = out.size();
      out.replace(start, end - start, "****");
      pos = start + 4;
    }
  }
  return Redact(out);
}

}  // namespace strata
