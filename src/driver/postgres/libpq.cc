#include "driver/postgres/libpq.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "util/dynlib.h"

namespace strata::driver::pq {
namespace {

Api g_api;
Status g_status;
std::once_flag g_once;

void LoadOnce() {
  auto loaded = util::LoadSharedLibrary({"libpq.so.5", "libpq.so"}, "PostgreSQL support", "libpq",
                                        "install it (Debian: apt-get install libpq5)");
  if (!loaded.ok()) {
    g_status = loaded.status();
    return;
  }
  void* lib = *loaded;
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
