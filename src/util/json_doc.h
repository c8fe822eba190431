// The helpers every JSON document strata prints is built with (nlohmann's
// ordered_json): api/json.cc, api/health_json.cc and cli/json.cc. Header
// only; the includer links nlohmann_json.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace strata::util {

// Insertion order keeps documents readable: identity first, details after.
using Json = nlohmann::ordered_json;

// Pretty-printed, two spaces. Messages can carry bytes from files or the
// database that are not UTF-8: those are replaced instead of throwing.
inline std::string DumpJson(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace); }

template <class T>
Json OrNull(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

inline Json StringOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace strata::util
