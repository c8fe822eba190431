// SHA-256 over OpenSSL's EVP interface.
#pragma once

#include <string>
#include <string_view>

namespace strata::util {

// Lower-case hex digest of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace strata::util
