// Backup file names, manifests and the listing of backup_dir.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "ops/backup/files.h"
#include "ops/backup/internal.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata::ops::backup {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "2026-11-22T09:30:00.123Z" <-> "20261122T093000.123Z".
std::string CompactTime(const std::string& rfc3339) {
  std::string out;
  for (char c : rfc3339) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

bool ParseCompactTime(std::string_view t, std::string* rfc3339) {
  // YYYYMMDDTHHMMSS.mmmZ
  if (t.size() != 20 || t[8] != 'T' || t[15] != '.' || t[19] != 'Z') return false;
  if (!AllDigits(t.substr(0, 8)) || !AllDigits(t.substr(9, 6)) || !AllDigits(t.substr(16, 3))) return false;
  *rfc3339 = std::string(t.substr(0, 4)) + "-" + std::string(t.substr(4, 2)) + "-" + std::string(t.substr(6, 2)) +
             "T" + std::string(t.substr(9, 2)) + ":" + std::string(t.substr(11, 2)) + ":" +
             std::string(t.substr(13, 2)) + "." + std::string(t.substr(16, 3)) + "Z";
  return true;
}

}  // namespace

std::string NameForEnvironment(const std::string& environment) {
  if (environment.empty()) return "default";
  std::string out;
  for (char c : environment) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    out += ok ? c : '_';
  }
  if (out[0] == '.') out[0] = '_';  // never a hidden file
  return out;
}

std::string FileName(const BackupInfo& info, const std::string& extension) {
  std::string name = NameForEnvironment(info.environment) + "-" + CompactTime(info.created_at) + "-" +
                     (info.version.empty() ? "none" : info.version) + "." + extension;
  if (info.compressed && !info.encrypted) name += ".zst";
  if (info.encrypted) name += info.compressed ? ".zst.enc" : ".enc";
  return name;
}

bool ParseFileName(const std::string& name, BackupInfo* info) {
  std::string_view stem = name;
  auto strip = [&](std::string_view suffix) {
    if (!util::EndsWith(stem, suffix)) return false;
    stem.remove_suffix(suffix.size());
    return true;
  };
  info->encrypted = strip(".enc");
  info->compressed = strip(".zst");
  if (strip(".sqlite")) {
    info->engine = "sqlite";
  } else if (strip(".dump")) {
    info->engine = "postgres";
  } else {
    return false;
  }
  size_t v = stem.rfind('-');
  if (v == std::string_view::npos || v == 0) return false;
  std::string_view version = stem.substr(v + 1);
  size_t t = stem.rfind('-', v - 1);
  if (t == std::string_view::npos || t == 0) return false;
  if (version != "none" && !AllDigits(version)) return false;
  if (!ParseCompactTime(stem.substr(t + 1, v - t - 1), &info->created_at)) return false;
  info->version = version == "none" ? "" : std::string(version);
  info->environment = std::string(stem.substr(0, t));
  info->file = name;
  return true;
}

Status WriteManifest(const Manifest& m) {
  nlohmann::ordered_json j;
  j["strata_backup"] = 1;  // manifest format version
  j["file"] = m.info.file;
  j["environment"] = m.info.environment;
  j["engine"] = m.info.engine;
  j["created_at"] = m.info.created_at;
  j["version"] = m.info.version;
  j["bytes"] = m.info.bytes;
  j["sha256"] = m.info.sha256;
  j["payload_sha256"] = m.payload_sha256;
  j["verified"] = m.info.verified;
  j["verification"] = m.verification;
  j["compressed"] = m.info.compressed;
  j["encrypted"] = m.info.encrypted;
  j["database"] = m.database;
  j["strata_version"] = std::string(Version());
  std::string text = j.dump(2) + "\n";
  std::string path = m.info.path + ".json";
  std::string dir = std::filesystem::path(path).parent_path().string();
  std::string tmp = TempPath(dir, "manifest");
  RemoveOnExit cleanup(tmp);
  auto fd = CreateOwnerOnly(tmp);
  if (!fd.ok()) return fd.status();
  Status s = WriteAll(fd->get(), text.data(), text.size(), tmp);
  if (s.ok()) s = fd->SyncAndClose(tmp);
  if (!s.ok()) return s;
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::Io("cannot write the manifest").At(path);
  cleanup.Keep();
  return Status::Ok();
}

bool ReadManifest(const std::string& path, Manifest* m) {
  auto text = util::ReadFile(path + ".json");
  if (!text.ok()) return false;
  // A manifest strata cannot read is treated like a missing one (the file
  // shows as not verified); nlohmann's exceptions stop here.
  try {
    auto j = nlohmann::json::parse(*text);
    if (!j.is_object() || j.value("strata_backup", 0) != 1) return false;
    m->info.environment = j.value("environment", m->info.environment);
    m->info.engine = j.value("engine", m->info.engine);
    m->info.created_at = j.value("created_at", m->info.created_at);
    m->info.version = j.value("version", m->info.version);
    m->info.bytes = j.value("bytes", int64_t{-1});
    m->info.sha256 = j.value("sha256", std::string());
    m->info.verified = j.value("verified", false);
    m->info.compressed = j.value("compressed", m->info.compressed);
    m->info.encrypted = j.value("encrypted", m->info.encrypted);
    m->payload_sha256 = j.value("payload_sha256", std::string());
    m->verification = j.value("verification", std::string());
    m->database = j.value("database", std::string());
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::string EventDetail(const BackupInfo& info) {
  nlohmann::ordered_json j;
  j["path"] = info.path;
  j["bytes"] = info.bytes;
  j["sha256"] = info.sha256;
  j["verified"] = info.verified;
  j["compressed"] = info.compressed;
  j["encrypted"] = info.encrypted;
  return j.dump();
}

Result<std::vector<BackupInfo>> List(const std::string& dir) {
  std::vector<BackupInfo> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::string abs = std::filesystem::absolute(dir, ec).lexically_normal().string();
  if (ec) abs = dir;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || !entry.is_regular_file(ec)) continue;
    BackupInfo info;
    if (!ParseFileName(name, &info)) continue;
    info.path = util::JoinPath(abs, name);
    info.bytes = FileSize(info.path);
    Manifest m;
    m.info = info;
    if (ReadManifest(info.path, &m)) {
      // A file whose size changed since it was verified is not verified.
      if (m.info.bytes != info.bytes) m.info.verified = false;
      m.info.path = info.path;
      m.info.file = name;
      m.info.bytes = info.bytes;
      info = m.info;
    }
    out.push_back(std::move(info));
  }
  if (ec) return Status::Io("cannot list the backup folder: " + ec.message()).At(dir);
  std::sort(out.begin(), out.end(), [](const BackupInfo& a, const BackupInfo& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.file < b.file;
  });
  return out;
}

}  // namespace strata::ops::backup
