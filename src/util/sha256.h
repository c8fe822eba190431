// SHA-256 and HMAC-SHA256 over OpenSSL.
#pragma once

#include <string>
#include <string_view>

namespace strata::util {

// Lower-case hex digest of `data`.
std::string Sha256Hex(std::string_view data);

// Lower-case hex HMAC-SHA256 of `data` under `key` (webhook signatures).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace strata::util
