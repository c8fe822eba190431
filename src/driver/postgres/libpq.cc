#include "driver/postgres/libpq.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace strata::driver::pq {
namespace {

Api g_api;
Status g_status;
std::once_flag g_once;

void LoadOnce() {
  void* lib = nullptr;
  for (const char* name : {"libpq.so.5", "libpq.so"}) {
    lib = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib) break;
  }
  if (!lib) {
    const char* why = ::dlerror();
    g_status = Status::Unsupported(std::string("PostgreSQL support needs libpq, which could not be loaded: ") +
                                   (why ? why : "unknown error"))
                   .WithHint("install it (Debian: apt-get install libpq5)");
    return;
  }
  // The library stays loaded for the life of the process.
#define STRATA_PQ_RESOLVE(name)                                                                    \
  g_api.name = reinterpret_cast<decltype(&::name)>(::dlsym(lib, #name));                         \
  if (!g_api.name) {                                                                               \
    g_status = Status::Unsupported("the installed libpq lacks " #name ": it is too old for strata") \
                   .WithHint("install libpq 12 or newer");                                         \
    return;                                                                                        \
  }
  STRATA_PQ_FUNCTIONS(STRATA_PQ_RESOLVE)
#undef STRATA_PQ_RESOLVE
}

}  // namespace

Status Load() {
  std::call_once(g_once, LoadOnce);
  return g_status;
}

const Api& api() { return g_api; }

}  // namespace strata::driver::pq
