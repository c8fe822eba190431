/* The C ABI (include/strata/strata.h) from a program compiled as C: what an
 * application with a C FFI does at start-up. Real SQLite file, real
 * migrations folder in a temporary directory. Exits 0 when every check
 * holds; prints the first failure and exits 1 otherwise. Run by ctest. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <strata/strata.h>

static int failures = 0;

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                        \
    }                                                                    \
  } while (0)

static void write_file(const char* dir, const char* name, const char* text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE* f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    exit(1);
  }
  fputs(text, f);
  fclose(f);
}

int main(void) {
  char root[] = "/tmp/strata_capi_XXXXXX";
  if (mkdtemp(root) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  char migrations[4200], url[4200];
  snprintf(migrations, sizeof migrations, "%s/migrations", root);
  snprintf(url, sizeof url, "sqlite:%s/app.db", root);
  mkdir(migrations, 0755);
  write_file(migrations, "0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n");
  write_file(migrations, "0001_users.down.sql", "DROP TABLE users;\n");
  write_file(migrations, "0002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n");

  CHECK(strlen(strata_version()) > 0);

  /* Open, status, up, status, down. */
  strata_options options = {0};
  options.url = url;
  options.dir = migrations;
  strata_migrator* m = NULL;
  CHECK(strata_open(&options, &m) == STRATA_OK);
  CHECK(m != NULL);
  char* json = NULL;
  CHECK(strata_status_json(m, &json) == STRATA_OK);
  CHECK(json != NULL && strstr(json, "\"pending\": 2") != NULL);
  strata_free(json);

  int applied = -1;
  CHECK(strata_up(m, "0001", &applied) == STRATA_OK);
  CHECK(applied == 1);
  CHECK(strata_up(m, NULL, &applied) == STRATA_OK);
  CHECK(applied == 1);
  CHECK(strata_errcode(m) == STRATA_OK && strcmp(strata_errmsg(m), "") == 0);
  json = NULL;
  CHECK(strata_status_json(m, &json) == STRATA_OK);
  CHECK(json != NULL && strstr(json, "\"applied\": 2") != NULL);
  CHECK(json != NULL && strstr(json, "\"name\": \"users\"") != NULL);
  strata_free(json);

  /* 0002 has no down file: refused, nothing rolled back. */
  int rolled_back = -1;
  CHECK(strata_down(m, 1, 0, &rolled_back) == STRATA_NOT_FOUND);
  CHECK(rolled_back == 0);
  CHECK(strstr(strata_errmsg(m), "0002_orders has no down migration") != NULL);
  CHECK(strlen(strata_errhint(m)) > 0);

  /* A failing migration: the code, the file and line in the message. */
  write_file(migrations, "0003_broken.up.sql", "CREATE TABLE ok (id INTEGER);\nINSERT INTO nosuch VALUES (1);\n");
  CHECK(strata_up(m, NULL, &applied) == STRATA_DATABASE);
  CHECK(applied == 0);
  CHECK(strata_errcode(m) == STRATA_DATABASE);
  CHECK(strstr(strata_errmsg(m), "0003_broken.up.sql:2") != NULL);
  CHECK(strstr(strata_errmsg(m), "nosuch") != NULL);
  strata_close(m);

  /* A bad URL: open reads the configuration only; the first call says why,
   * without the password. */
  strata_options bad = {0};
  bad.url = "mysql://app:Secr3tPw@db/app";
  bad.dir = migrations;
  m = NULL;
  CHECK(strata_open(&bad, &m) == STRATA_OK);
  CHECK(strata_up(m, NULL, NULL) == STRATA_INVALID_ARGUMENT);
  CHECK(strstr(strata_errmsg(m), "mysql") != NULL);
  CHECK(strstr(strata_errmsg(m), "Secr3tPw") == NULL);
  strata_close(m);

  /* A config file that does not exist fails at open, and the handle says so. */
  strata_options missing = {0};
  missing.config_path = "/nonexistent/strata.toml";
  m = NULL;
  CHECK(strata_open(&missing, &m) == STRATA_NOT_FOUND);
  CHECK(m != NULL && strstr(strata_errmsg(m), "/nonexistent/strata.toml") != NULL);
  CHECK(strata_up(m, NULL, NULL) == STRATA_NOT_FOUND);  /* the open error stays */
  strata_close(m);

  /* NULL-safety. */
  CHECK(strata_open(NULL, NULL) == STRATA_INVALID_ARGUMENT);
  CHECK(strata_up(NULL, NULL, NULL) == STRATA_INVALID_ARGUMENT);
  CHECK(strata_errcode(NULL) == STRATA_INTERNAL);
  strata_close(NULL);
  strata_free(NULL);

  char cleanup[4300];
  snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", root);
  if (system(cleanup) != 0) fprintf(stderr, "could not remove %s\n", root);
  if (failures > 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("C ABI: all checks passed\n");
  return 0;
}
