#include "util/dynlib.h"

#include <dlfcn.h>

#include <string>

namespace strata::util {

Result<void*> LoadSharedLibrary(std::initializer_list<const char*> names, std::string_view needed_by,
                                std::string_view library, std::string_view hint) {
  for (const char* name : names) {
    if (void* lib = ::dlopen(name, RTLD_NOW | RTLD_LOCAL)) return lib;
  }
  const char* why = ::dlerror();
  return Status::Unsupported(std::string(needed_by) + " needs " + std::string(library) +
                             ", which could not be loaded: " + (why ? why : "unknown error"))
      .WithHint(std::string(hint));
}

}  // namespace strata::util
