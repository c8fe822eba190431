// libcurl, loaded with dlopen when the first alert is sent.
//
// Why: linking libcurl would load some twenty shared libraries (nghttp2,
// libssh2, Kerberos, LDAP, ...) at every start of the strata binary, which
// sends an alert in a few runs out of thousands. As for libpq
// (driver/postgres/libpq.h), the types come from curl/curl.h and only the
// functions are resolved at run time. Thread-safe. Used by notify.cc only.
#pragma once

// curl.h otherwise wraps curl_easy_setopt in a type-checking macro, which
// would expand inside `api().curl_easy_setopt(...)`.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <strata/status.h>

namespace strata::ops::curl {

#define STRATA_CURL_FUNCTIONS(X)                                                                         \
  X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform) X(curl_easy_getinfo) \
  X(curl_easy_cleanup) X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all)

struct Api {
#define STRATA_CURL_MEMBER(name) decltype(&::name) name = nullptr;
  STRATA_CURL_FUNCTIONS(STRATA_CURL_MEMBER)
#undef STRATA_CURL_MEMBER
};

// Loads libcurl and runs curl_global_init once per process. kUnsupported,
// naming the package to install, when it cannot be loaded.
Status Load();
// REQUIRES: Load() returned OK.
const Api& api();

}  // namespace strata::ops::curl
