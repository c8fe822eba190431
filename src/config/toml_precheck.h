// config::PrecheckToml: what strata refuses in strata.toml before toml++ (3.3,
// Debian 12) reads it, because toml++ itself would misbehave on it. Found by
// fuzz/config_fuzz.cc; each case is a syntax error or a rare corner of TOML:
//   - a NUL byte anywhere (TOML allows no control character but tab; a NUL
//     where a key starts fails an assertion in toml++'s parse_key);
//   - a non-ASCII character outside strings and comments (TOML keys are
//     ASCII): toml++ asks is_non_ascii_horizontal_whitespace about it, whose
//     generated table reaches __builtin_unreachable() for U+00A1..U+0499,
//     U+2C8E..U+3087 and U+FB26..U+FEFE, undefined behaviour in every build;
//   - one of those characters first after a line-ending backslash in a
//     multi-line basic string (toml++ trims whitespace there the same way).
// Since a fourth way past it turned up, config.cc also compiles toml++'s
// Unicode tables so that they cannot reach __builtin_unreachable(); this
// check stays for its message (the file, line and column, and what to fix).
// Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::config {

struct TomlProblem {
  size_t offset = std::string_view::npos;  // npos: nothing refused
  std::string what;                        // "NUL byte: ..."
};

TomlProblem PrecheckToml(std::string_view text);

}  // namespace strata::config
