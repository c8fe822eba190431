// Shared libraries loaded at run time (libpq, libcurl): strata runs without
// them until a feature needs one.
#pragma once

#include <initializer_list>
#include <string_view>

#include <strata/result.h>

namespace strata::util {

// dlopen()s the first of `names` that loads (RTLD_NOW | RTLD_LOCAL; it stays
// loaded for the life of the process). kUnsupported otherwise: "<needed_by>
// needs <library>, which could not be loaded: <dlerror>", with `hint`.
Result<void*> LoadSharedLibrary(std::initializer_list<const char*> names, std::string_view needed_by,
                                std::string_view library, std::string_view hint);

}  // namespace strata::util
