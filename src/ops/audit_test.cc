#include "ops/audit.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <strata/redact.h>

#include "testing/test_support.h"
#include "util/fs.h"

namespace strata::ops {
namespace {

AuditRecord Record(int i) {
  AuditRecord r;
  r.time = "2026-11-22T09:30:00.123Z";
  r.kind = "apply";
  r.outcome = i % 2 ? "failure" : "success";
  r.environment = "production";
  r.command = "up";
  r.version = std::to_string(1000 + i);
  r.name = "create_users";
  r.batch = 3;
  r.duration_ms = 12;
  r.actor = "deploy@ci";
  r.db_user = "app";
  r.host = "ci";
  r.strata_version = "0.1.0";
  if (i % 2) {
    r.error = "relation \"users\" already exists";
    r.statement = "CREATE TABLE users (id int)";
  }
  return r;
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// A whole line as AuditLog writes it: one JSON object with the fixed keys.
bool WholeLine(const std::string& line) {
  return line.size() > 2 && line.front() == '{' && line.back() == '}' &&
         line.find("\"time\":") == 1 && line.find("\"detail\":") != std::string::npos;
}

TEST(AuditLogTest, OneJsonLinePerRecordWithEveryField) {
  EXPECT_EQ(AuditLog::Line(Record(1)),
            "{\"time\":\"2026-11-22T09:30:00.123Z\",\"kind\":\"apply\",\"outcome\":\"failure\","
            "\"environment\":\"production\",\"command\":\"up\",\"database\":null,\"version\":\"1001\",\"name\":\"create_users\","
            "\"batch\":3,\"duration_ms\":12,\"actor\":\"deploy@ci\",\"db_user\":\"app\",\"host\":\"ci\","
            "\"strata_version\":\"0.1.0\",\"error\":\"relation \\\"users\\\" already exists\","
            "\"statement\":\"CREATE TABLE users (id int)\",\"detail\":null}\n");
  AuditRecord multi = Record(0);
  multi.statement = "SELECT 1;\nSELECT 2;";
  std::string line = AuditLog::Line(multi);
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "a newline inside a field must be escaped";
}

TEST(AuditLogTest, SecretsAreMasked) {
  RegisterSecret("audit-s3cret-pw");
  AuditRecord r = Record(1);
  r.error = "connection to postgres://app:audit-s3cret-pw@db/x failed";
  r.detail = "audit-s3cret-pw";
  std::string line = AuditLog::Line(r);
  EXPECT_EQ(line.find("audit-s3cret-pw"), std::string::npos) << line;
  EXPECT_NE(line.find("****"), std::string::npos) << line;
}

TEST(AuditLogTest, CreatesTheFolderAndFileOwnerOnly) {
  testing::TempDir dir;
  AuditLog log({dir.Path("logs/deep/audit.log"), 0, 5});
  ASSERT_TRUE(log.Append(Record(0)).ok());
  ASSERT_TRUE(log.Sync().ok());
  struct stat st {};
  ASSERT_EQ(::stat(dir.Path("logs/deep/audit.log").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(Lines(dir.Path("logs/deep/audit.log")).size(), 1u);
}

TEST(AuditLogTest, UnwritablePathFailsOnOpen) {
  testing::TempDir dir;
  dir.Write("file", "x");
  AuditLog log({dir.Path("file/audit.log"), 0, 5});  // a folder that is a file
  Status s = log.Open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kIo);
  EXPECT_NE(s.ToString().find("audit log"), std::string::npos) << s.ToString();
}

TEST(AuditLogTest, RotatesBeforeALineWouldPassTheSize) {
  testing::TempDir dir;
  const std::string path = dir.Path("audit.log");
  const size_t line = AuditLog::Line(Record(0)).size();
  const int64_t max = static_cast<int64_t>(line * 3 + line / 2);  // room for 3 lines
  AuditLog log({path, max, 2});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log.Append(Record(0)).ok());
  // 10 lines, 3 per file: 3 + 3 + 3 + 1; keep 2 rotated files.
  EXPECT_EQ(Lines(path).size(), 1u);
  EXPECT_EQ(Lines(path + ".1").size(), 3u);
  EXPECT_EQ(Lines(path + ".2").size(), 3u);
  EXPECT_FALSE(util::Exists(path + ".3"));
  for (const char* suffix : {"", ".1", ".2"}) {
    struct stat st {};
    ASSERT_EQ(::stat((path + suffix).c_str(), &st), 0);
    EXPECT_LE(st.st_size, max) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600) << suffix;
  }
}

TEST(AuditLogTest, KeepZeroDropsTheFullFile) {
  testing::TempDir dir;
  const std::string path = dir.Path("audit.log");
  const size_t line = AuditLog::Line(Record(0)).size();
  AuditLog log({path, static_cast<int64_t>(line * 2), 0});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log.Append(Record(0)).ok());
  EXPECT_EQ(Lines(path).size(), 1u);
  EXPECT_FALSE(util::Exists(path + ".1"));
}

// Writers with their own descriptors, as separate processes have, appending
// and rotating at once: every line whole, none lost, none in a file twice.
TEST(AuditLogTest, ConcurrentWritersAndRotationNeverTearOrLoseLines) {
  testing::TempDir dir;
  const std::string path = dir.Path("audit.log");
  const size_t line = AuditLog::Line(Record(0)).size();
  constexpr int kWriters = 4, kLines = 300;
  // Rotate every ~20 lines; keep enough files to hold every line.
  const int64_t max = static_cast<int64_t>(line * 20);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      AuditLog log({path, max, 1000});
      for (int i = 0; i < kLines; ++i) {
        AuditRecord r = Record(0);
        r.version = std::to_string(w * 100000 + i);
        ASSERT_TRUE(log.Append(r).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> versions;
  int total = 0;
  for (int i = 0; i <= 1000; ++i) {
    std::string file = i == 0 ? path : path + "." + std::to_string(i);
    if (!util::Exists(file)) continue;
    for (const auto& l : Lines(file)) {
      ASSERT_TRUE(WholeLine(l)) << file << ": " << l;
      size_t v = l.find("\"version\":\"");
      ASSERT_NE(v, std::string::npos);
      versions.insert(l.substr(v + 11, l.find('"', v + 11) - v - 11));
      ++total;
    }
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_LE(st.st_size, max) << file;
  }
  EXPECT_EQ(total, kWriters * kLines);
  EXPECT_EQ(versions.size(), static_cast<size_t>(kWriters * kLines));
}

}  // namespace
}  // namespace strata::ops
