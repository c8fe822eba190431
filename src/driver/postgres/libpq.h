// libpq, loaded with dlopen on the first PostgreSQL connection.
//
// Why: libpq drags some twenty shared libraries (Kerberos, LDAP, GnuTLS, ...)
// into every process that links it, which costs ~8 ms at each start-up of
// the strata binary: most of a no-op `strata status` on SQLite. Loading it
// only when a postgres:// URL is opened keeps SQLite runs at the speed of the
// sqlite3 shell. Types still come from libpq-fe.h; only the functions are
// resolved at run time. Thread-safe.
#pragma once

#include <libpq-fe.h>

#include <strata/status.h>

namespace strata::driver::pq {

// Every libpq function the driver calls. Add new ones here.
#define STRATA_PQ_FUNCTIONS(X)                                                                              \
  X(PQconnectdbParams) X(PQfinish) X(PQstatus) X(PQerrorMessage) X(PQtransactionStatus) X(PQuser)           \
  X(PQsetNoticeProcessor) X(PQexec) X(PQexecParams) X(PQsendQuery) X(PQgetResult) X(PQresultStatus)         \
  X(PQresultErrorField) X(PQresultErrorMessage) X(PQclear) X(PQntuples) X(PQnfields) X(PQfname)             \
  X(PQgetvalue) X(PQgetlength) X(PQgetisnull) X(PQfreemem) X(PQputCopyEnd) X(PQgetCopyData)                 \
  X(PQconninfoParse) X(PQconninfoFree) X(PQgetCancel) X(PQcancel) X(PQfreeCancel) X(PQport)

struct Api {
#define STRATA_PQ_MEMBER(name) decltype(&::name) name = nullptr;
  STRATA_PQ_FUNCTIONS(STRATA_PQ_MEMBER)
#undef STRATA_PQ_MEMBER
};

// Loads libpq once per process. kUnsupported, naming the library and the
// package to install, when it cannot be loaded.
Status Load();
// REQUIRES: Load() returned OK.
const Api& api();

}  // namespace strata::driver::pq
