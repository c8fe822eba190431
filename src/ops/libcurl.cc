#include "ops/libcurl.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "util/dynlib.h"

namespace strata::ops::curl {
namespace {

Api g_api;
Status g_status;
std::once_flag g_once;

void LoadOnce() {
  auto loaded = util::LoadSharedLibrary({"libcurl.so.4", "libcurl.so"}, "sending alerts", "libcurl",
                                        "install it (Debian: apt-get install libcurl4)");
  if (!loaded.ok()) {
    g_status = loaded.status();
    return;
  }
  void* lib = *loaded;
#define STRATA_CURL_RESOLVE(name)                                                                   \
  g_api.name = reinterpret_cast<decltype(&::name)>(::dlsym(lib, #name));                          \
  if (!g_api.name) {                                                                                \
    g_status = Status::Unsupported("the installed libcurl lacks " #name ": it is too old for strata") \
                   .WithHint("install libcurl 7.85 or newer");                                      \
    return;                                                                                         \
  }
  STRATA_CURL_FUNCTIONS(STRATA_CURL_RESOLVE)
#undef STRATA_CURL_RESOLVE
  // Not thread-safe by itself; call_once makes it so. No signal handlers:
  // strata installs its own (Ctrl-C) and every transfer has a timeout.
  if (g_api.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    g_status = Status::Unsupported("libcurl failed to initialise");
  }
}

}  // namespace

Status Load() {
  std::call_once(g_once, LoadOnce);
  return g_status;
}

const Api& api() { return g_api; }

}  // namespace strata::ops::curl
