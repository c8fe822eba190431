// Bearer-token check for `strata serve --token`.
#pragma once

#include <string>
#include <string_view>

namespace strata::server {

// True when `authorization` (the request's Authorization header) carries
// `token`: "Bearer TOKEN", or "Basic base64(ANY-USER:TOKEN)" (what a browser
// sends after its login prompt). The comparison takes the same time for
// every wrong token of a given length.
bool Authorized(std::string_view authorization, const std::string& token);

// Constant-time equality: the time depends only on expected.size().
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

}  // namespace strata::server
