// Secret redaction. Every password strata learns (from a URL, a setting or an
// environment variable) is registered here, and every text that leaves the
// library or the CLI passes through Redact(), which prints it as "****".
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace strata {

// Remembers `secret` (and its percent-decoded form) for the life of the
// process. Empty secrets and secrets of fewer than 3 characters are not
// registered: too short to find without damaging ordinary text; they are
// still masked in URLs by RedactUrl.
void RegisterSecret(std::string_view secret);

// `text` with every registered secret replaced by "****".
std::string Redact(std::string_view text);

// `url` with the password part of "scheme://user:password@host" and any
// "password=" query parameter replaced by "****". Also applies Redact().
std::string RedactUrl(std::string_view url);

}  // namespace strata
