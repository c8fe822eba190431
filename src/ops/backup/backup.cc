// Taking a backup and restoring one: the steps shared by both engines.
#include "ops/backup/backup.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ops/backup/codec.h"
#include "ops/backup/files.h"
#include "ops/backup/internal.h"
#include "util/clock.h"
#include "util/fs.h"

namespace strata::ops::backup {
namespace {

Result<std::string> PrepareDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status::Io("cannot create the backup folder: " + ec.message())
        .At(dir)
        .WithHint("check backup_dir in strata.toml, and that this user may write there");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::Io(std::string("cannot write to the backup folder: ") + std::strerror(errno))
        .At(dir)
        .WithHint("check backup_dir in strata.toml, and that this user may write there");
  }
  std::string abs = std::filesystem::absolute(dir, ec).lexically_normal().string();
  if (ec) return dir;
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  return abs;
}

// Moves the verified file to its final name without replacing anything
// (link fails when the name exists; rename would overwrite).
Status Publish(const std::string& tmp, const std::string& path) {
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    return Status::Io(std::string("cannot create: ") + std::strerror(errno)).At(path);
  }
  ::unlink(tmp.c_str());
  return Status::Ok();
}

// backup_keep: of this environment's backups older than `newest`, keep
// keep - 1 (the new one is the keep-th) and delete the rest.
std::vector<std::string> ApplyKeep(const std::string& dir, const BackupInfo& newest, int keep) {
  std::vector<std::string> deleted;
  if (keep <= 0) return deleted;
  auto all = List(dir);
  if (!all.ok()) return deleted;
  std::vector<BackupInfo> older;
  for (const auto& b : *all) {
    if (b.environment == newest.environment && b.path != newest.path && b.created_at < newest.created_at) {
      older.push_back(b);
    }
  }
  std::sort(older.begin(), older.end(),
            [](const BackupInfo& a, const BackupInfo& b) { return a.created_at > b.created_at; });
  for (size_t i = static_cast<size_t>(keep - 1); i < older.size(); ++i) {
    if (::unlink(older[i].path.c_str()) == 0) deleted.push_back(older[i].path);
    ::unlink((older[i].path + ".json").c_str());
  }
  if (!deleted.empty()) (void)SyncDir(dir);
  return deleted;
}

}  // namespace

Result<Taken> Take(driver::Connection& conn, const config::Url& url, const Settings& settings,
                   const std::string& newest_version, std::string* attempted_path) {
  util::Stopwatch total;
  auto dir = PrepareDir(settings.dir);
  if (!dir.ok()) return dir.status();
  auto engine = MakeEngine(conn, url, settings);
  Taken taken;
  BackupInfo& info = taken.info;
  info.environment = NameForEnvironment(settings.environment);
  info.created_at = util::NowRfc3339(true);
  info.version = newest_version;
  info.engine = engine->name();
  info.compressed = settings.compress;
  info.encrypted = !settings.key.empty();
  info.file = FileName(info, engine->extension());
  info.path = *dir + "/" + info.file;
  if (attempted_path) *attempted_path = info.path;

  // 1. The copy, into an owner-only temporary file beside the final one.
  std::string raw = TempPath(*dir, "backup");
  RemoveOnExit raw_cleanup(raw);
  {
    auto fd = CreateOwnerOnly(raw);
    if (!fd.ok()) return fd.status().WithHint("check backup_dir in strata.toml, and that this user may write there");
  }
  // Errors name the final file: the temporary one is gone by then.
  Status s = engine->Dump(raw);
  if (!s.ok()) return s.With("back up the database").At(info.path);

  // 2. Verify it, then encode (compress, encrypt) and check that the file
  // decodes to exactly the verified copy.
  util::Stopwatch verify;
  s = engine->Verify(raw);
  if (!s.ok()) return s.With("verify the backup").At(info.path);
  taken.verify_ms = verify.ElapsedMs();
  Manifest manifest;
  manifest.verification = engine->verification();
  manifest.database = url.Redacted();
  std::string final_tmp = raw;
  std::unique_ptr<RemoveOnExit> encoded_cleanup;
  if (info.compressed || info.encrypted) {
    std::string encoded = TempPath(*dir, "backup");
    encoded_cleanup = std::make_unique<RemoveOnExit>(encoded);
    FileDigest payload;
    auto file = Encode(raw, encoded, {info.compressed, settings.key}, &payload);
    if (!file.ok()) return Status(file.status().code(), file.status().message()).At(info.path);  // not the temp file
    util::Stopwatch check;
    auto back = Decode(encoded, "", settings.key);
    taken.verify_ms += check.ElapsedMs();
    if (!back.ok()) {
      return Status(back.status().code(), back.status().message()).With("verify the written backup").At(info.path);
    }
    if (back->sha256 != payload.sha256 || back->bytes != payload.bytes) {
      return Status::Io("the written backup does not decode to the verified copy").At(info.path);
    }
    info.bytes = file->bytes;
    info.sha256 = file->sha256;
    manifest.payload_sha256 = payload.sha256;
    final_tmp = encoded;
  } else {
    util::Stopwatch check;
    auto file = DigestFile(raw);
    taken.verify_ms += check.ElapsedMs();
    if (!file.ok()) return file.status();
    info.bytes = file->bytes;
    info.sha256 = manifest.payload_sha256 = file->sha256;
  }
  info.verified = true;

  // 3. Publish under the final name, with its manifest.
  s = Publish(final_tmp, info.path);
  if (!s.ok()) return s;
  RemoveOnExit published_cleanup(info.path);
  manifest.info = info;
  s = WriteManifest(manifest);
  if (s.ok()) s = SyncDir(*dir);
  if (!s.ok()) {
    ::unlink((info.path + ".json").c_str());
    return s;
  }
  published_cleanup.Keep();

  // 4. Only now may older ones go.
  taken.deleted = ApplyKeep(*dir, info, settings.keep);
  taken.duration_ms = total.ElapsedMs();
  return taken;
}

Result<Restored> Restore(driver::Connection& conn, const config::Url& url, const Settings& settings,
                         const std::string& file) {
  util::Stopwatch total;
  std::error_code ec;
  std::string path = std::filesystem::absolute(file, ec).lexically_normal().string();
  if (ec) path = file;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound("backup file not found").At(file).WithHint("`strata backups` lists the backups");
  }
  Restored out;
  Manifest manifest;
  manifest.info.file = std::filesystem::path(path).filename().string();
  (void)ParseFileName(manifest.info.file, &manifest.info);
  bool has_manifest = ReadManifest(path, &manifest);
  out.info = manifest.info;
  out.info.path = path;
  out.info.file = std::filesystem::path(path).filename().string();

  // 1. The file is the one that was verified: its checksum, when known.
  auto digest = DigestFile(path);
  if (!digest.ok()) return digest.status();
  out.info.bytes = digest->bytes;
  if (has_manifest && !manifest.info.sha256.empty()) {
    if (digest->sha256 != manifest.info.sha256) {
      return Status::Io("damaged backup file: its SHA-256 does not match the one recorded when it was taken "
                        "(the file was changed or cut short)")
          .At(path)
          .WithHint("restore from another backup; `strata backups` lists them");
    }
    out.checksum_checked = true;
  }
  out.info.sha256 = digest->sha256;

  // 2. Decrypt and decompress into a temporary file (owner-only, removed
  // afterwards), checking the key and every chunk on the way.
  auto kind = Sniff(path);
  if (!kind.ok()) return kind.status();
  out.info.encrypted = *kind == Content::kEncrypted;
  std::string payload = path;
  std::unique_ptr<RemoveOnExit> payload_cleanup;
  if (*kind == Content::kEncrypted || *kind == Content::kZstd) {
    auto dir = PrepareDir(settings.dir);
    if (!dir.ok()) return dir.status();
    payload = TempPath(*dir, "restore");
    payload_cleanup = std::make_unique<RemoveOnExit>(payload);
    auto decoded = Decode(path, payload, settings.key);
    if (!decoded.ok()) return decoded.status();
    if (has_manifest && !manifest.payload_sha256.empty() && decoded->sha256 != manifest.payload_sha256) {
      return Status::Io("damaged backup file: its content does not match the one recorded when it was taken")
          .At(path);
    }
    out.info.compressed = *kind == Content::kZstd || manifest.info.compressed;
  }

  // 3. The content, then the database.
  auto engine = MakeEngine(conn, url, settings);
  Status s = engine->Verify(payload);
  if (!s.ok()) return s.With("verify the backup");
  out.info.verified = true;
  out.info.engine = engine->name();
  s = engine->Load(payload);
  if (!s.ok()) return s.With("restore");
  out.duration_ms = total.ElapsedMs();
  return out;
}

}  // namespace strata::ops::backup
