/* strata.h: the C ABI of libstrata, for any language with a C FFI (Python
 * ctypes/cffi, Rust, Go cgo, Ruby, ...) to migrate a database at start-up.
 *
 *   strata_options o = {0};
 *   o.url = "sqlite:app.db";
 *   o.dir = "migrations";
 *   strata_migrator* m = NULL;
 *   if (strata_open(&o, &m) != STRATA_OK) { fprintf(stderr, "%s\n", strata_errmsg(m)); strata_close(m); return 1; }
 *   int applied = 0;
 *   if (strata_up(m, NULL, &applied) != STRATA_OK) { ...strata_errmsg(m)... }
 *   strata_close(m);
 *
 * A strata_migrator wraps strata::Migrator (include/strata/migrator.h): it
 * reads the configuration when opened and connects on the first call that
 * needs the database. One handle is used by one thread at a time; separate
 * handles are independent. Every function returns a strata_code; after a
 * failure strata_errmsg() and strata_errhint() describe it until the next
 * call on the same handle. Strings returned through an out parameter are
 * owned by the caller and freed with strata_free(); strings returned directly
 * (strata_errmsg, strata_version) belong to libstrata. No message contains a
 * password. No C++ exception crosses this interface.
 *
 * Linking: libstrata is a static C++ library; link with a C++ linker, or add
 * the C++ runtime (-lstdc++) and the libraries `pkg-config --libs strata`
 * names. CMake: find_package(strata) and link strata::strata.
 */
#ifndef STRATA_STRATA_H_
#define STRATA_STRATA_H_

#ifdef __cplusplus
extern "C" {
#endif

/* Outcome of a call. The values mirror strata::Status::Code and never change. */
typedef enum strata_code {
  STRATA_OK = 0,
  STRATA_INVALID_ARGUMENT = 1, /* bad option, URL, setting or usage */
  STRATA_NOT_FOUND = 2,        /* file, environment, version or object does not exist */
  STRATA_PARSE = 3,            /* malformed strata.toml, journal or SQL */
  STRATA_VALIDATION = 4,       /* the migration set is inconsistent (duplicate, missing, ...) */
  STRATA_CHECKSUM_MISMATCH = 5,/* an applied migration's file changed */
  STRATA_DIRTY = 6,            /* a no-transaction migration did not finish */
  STRATA_LOCKED = 7,           /* another runner holds the migration lock */
  STRATA_DATABASE = 8,         /* the database rejected a statement, or cannot be reached */
  STRATA_IO = 9,               /* reading or writing a file failed */
  STRATA_LINT = 10,            /* lint errors block the migration (lint = "error") */
  STRATA_DRIFT = 11,           /* the live schema differs from the expected one */
  STRATA_PROTECTED = 12,       /* a protected environment needs confirmation */
  STRATA_CANCELLED = 13,       /* interrupted */
  STRATA_UNSUPPORTED = 14,     /* not available for this engine */
  STRATA_INTERNAL = 15         /* a bug in strata, or out of memory */
} strata_code;

/* Where the configuration comes from; every field may be NULL (the default).
 * Zero-initialise it ({0}) so that fields added later stay NULL. */
typedef struct strata_options {
  const char* url;         /* database URL; default: the environment's url, then $DATABASE_URL */
  const char* dir;         /* migrations folder; default: strata.toml's dir, else "migrations" */
  const char* config_path; /* strata.toml; default: ./strata.toml when it exists */
  const char* env;         /* environment of strata.toml; default: $STRATA_ENV, default_env, ... */
  const char* format;      /* folder format: "auto", "native", "drizzle", "golang-migrate", "flyway", "dbmate" */
} strata_options;

typedef struct strata_migrator strata_migrator;

/* Reads the configuration. On success *out is a handle; on failure too
 * (unless memory ran out, then *out is NULL and STRATA_INTERNAL is returned),
 * so that strata_errmsg(*out) says what went wrong. Always strata_close(*out). */
strata_code strata_open(const strata_options* options, strata_migrator** out);

/* Every migration and its state as a JSON document, the shape of
 * `strata status --json` (docs/json.md). *json_out: free with strata_free. */
strata_code strata_status_json(strata_migrator* m, char** json_out);

/* Applies pending migrations (up to and including version `to`, or all when
 * `to` is NULL). *applied_out (may be NULL) receives how many ran. */
strata_code strata_up(strata_migrator* m, const char* to, int* applied_out);

/* Rolls back the newest `steps` migrations with the down SQL stored when they
 * were applied. `yes` non-zero confirms in a protected environment.
 * *rolled_back_out (may be NULL) receives how many were rolled back. */
strata_code strata_down(strata_migrator* m, int steps, int yes, int* rolled_back_out);

/* The last error on `m`: "" after a success. "file:line: message" when it
 * points into a file. Valid until the next call on `m`. NULL-safe. */
const char* strata_errmsg(const strata_migrator* m);
/* What to do about the last error; "" when there is no hint. */
const char* strata_errhint(const strata_migrator* m);
/* The code of the last call on `m` (STRATA_INTERNAL for a NULL handle). */
strata_code strata_errcode(const strata_migrator* m);

/* Frees a string returned through an out parameter. NULL is a no-op. */
void strata_free(void* p);
/* Closes the connection and frees the handle. NULL is a no-op. */
void strata_close(strata_migrator* m);

/* The library's version, "0.1.0". */
const char* strata_version(void);

#ifdef __cplusplus
}
#endif

#endif /* STRATA_STRATA_H_ */
