// Internal to ops/backup: the per-engine steps, file names and manifests.
#pragma once

#include <memory>
#include <string>

#include "config/url.h"
#include "driver/connection.h"
#include "ops/backup/backup.h"
#include <strata/result.h>
#include <strata/types.h>

namespace strata::ops::backup {

// What differs between SQLite and PostgreSQL.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string name() const = 0;       // "sqlite", "postgres"
  virtual std::string extension() const = 0;  // "sqlite", "dump"
  virtual std::string verification() const = 0;  // how Verify checks, for the manifest
  // Writes a backup of the whole database into `path` (an existing empty
  // file, mode 0600), without the lease table's rows.
  virtual Status Dump(const std::string& path) = 0;
  // Checks that `path` is a complete, readable backup of this engine.
  virtual Status Verify(const std::string& path) = 0;
  // Replaces the whole database with the verified backup at `path`.
  virtual Status Load(const std::string& path) = 0;
};

std::unique_ptr<Engine> MakeSqliteEngine(driver::Connection& conn, const config::Url& url, const Settings& settings);
std::unique_ptr<Engine> MakePostgresEngine(driver::Connection& conn, const config::Url& url,
                                           const Settings& settings);
std::unique_ptr<Engine> MakeEngine(driver::Connection& conn, const config::Url& url, const Settings& settings);

// --- catalog.cc: names and manifests ---

// The environment as it appears in file names: "default" for "", and
// anything but letters, digits, '_', '.' and '-' replaced by '_'.
std::string NameForEnvironment(const std::string& environment);
// ENV-YYYYMMDDTHHMMSS.mmmZ-VERSION.EXT[.zst][.enc]; `created_at` is RFC 3339
// with milliseconds, version "" becomes "none".
std::string FileName(const BackupInfo& info, const std::string& extension);
// Fills environment, created_at, version, engine, compressed, encrypted from
// a name FileName made; false for any other name.
bool ParseFileName(const std::string& name, BackupInfo* info);

struct Manifest {
  BackupInfo info;
  std::string payload_sha256;  // of the decrypted, decompressed backup
  std::string verification;
  std::string database;        // redacted URL
};
// Writes FILE.json (mode 0600, fsync'd, atomically).
Status WriteManifest(const Manifest& manifest);
// Reads path + ".json" into *manifest; false when there is none (or it does
// not parse: then the file is listed as not verified).
bool ReadManifest(const std::string& path, Manifest* manifest);

}  // namespace strata::ops::backup
