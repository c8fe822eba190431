#include "source/checksum_cache.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace strata::source {
namespace {

namespace fs = std::filesystem;

class ChecksumCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata_cache_test_" + std::to_string(::getpid()));
    fs::create_directories(root_ / "migrations");
    ::setenv("STRATA_CACHE_DIR", (root_ / "cache").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("STRATA_CACHE_DIR");
    fs::remove_all(root_);
  }
  std::string Dir() const { return (root_ / "migrations").string(); }
  struct stat Write(const std::string& name, const std::string& content) {
    std::ofstream(root_ / "migrations" / name, std::ios::binary | std::ios::trunc) << content;
    struct stat st {};
    ::stat((root_ / "migrations" / name).c_str(), &st);
    return st;
  }
  fs::path root_;
};

TEST_F(ChecksumCacheTest, RemembersAcrossInstances) {
  struct stat st = Write("0001_a.up.sql", "SELECT 1;");
  {
    ChecksumCache cache(Dir(), /*racy_margin_ns=*/0);
    ASSERT_TRUE(cache.enabled());
    EXPECT_FALSE(cache.Lookup("0001_a.up.sql", st));
    cache.Remember("0001_a.up.sql", st, {std::string(64, 'a'), true, {"rule-1", "rule-2"}});
    cache.Save();
  }
  ChecksumCache again(Dir(), 0);
  auto hit = again.Lookup("0001_a.up.sql", st);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->checksum, std::string(64, 'a'));
  EXPECT_TRUE(hit->no_transaction);
  EXPECT_EQ(hit->allow, (std::vector<std::string>{"rule-1", "rule-2"}));
}

TEST_F(ChecksumCacheTest, AnEditThatKeepsSizeAndMtimeIsStillSeen) {
  struct stat before = Write("0001_a.up.sql", "SELECT 1;");
  ChecksumCache cache(Dir(), 0);
  cache.Remember("0001_a.up.sql", before, {std::string(64, 'a'), false, {}});
  cache.Save();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // past the ctime clock tick
  Write("0001_a.up.sql", "SELECT 2;");  // same size
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, (root_ / "migrations/0001_a.up.sql").c_str(), times, 0), 0);
  struct stat after {};
  ::stat((root_ / "migrations/0001_a.up.sql").c_str(), &after);
  ASSERT_EQ(after.st_size, before.st_size);
  ASSERT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  EXPECT_FALSE(ChecksumCache(Dir(), 0).Lookup("0001_a.up.sql", after)) << "ctime must invalidate the entry";
}

TEST_F(ChecksumCacheTest, RecentlyChangedFilesAreNotCached) {
  struct stat st = Write("0001_a.up.sql", "SELECT 1;");
  ChecksumCache cache(Dir());  // default margin: the file was written just now
  cache.Remember("0001_a.up.sql", st, {std::string(64, 'a'), false, {}});
  cache.Save();
  EXPECT_FALSE(ChecksumCache(Dir()).Lookup("0001_a.up.sql", st));
}

TEST_F(ChecksumCacheTest, CorruptCacheIsIgnoredAndOffDisables) {
  struct stat st = Write("0001_a.up.sql", "SELECT 1;");
  ChecksumCache cache(Dir(), 0);
  cache.Remember("0001_a.up.sql", st, {std::string(64, 'a'), false, {}});
  cache.Save();
  for (const auto& e : fs::directory_iterator(root_ / "cache")) {
    std::ofstream(e.path(), std::ios::trunc) << "strata-checksum-cache 1\ngarbage\tline\n0001_a.up.sql\tx\ty\n";
  }
  EXPECT_FALSE(ChecksumCache(Dir(), 0).Lookup("0001_a.up.sql", st));
  ::setenv("STRATA_CACHE_DIR", "off", 1);
  EXPECT_FALSE(ChecksumCache(Dir(), 0).enabled());
}

}  // namespace
}  // namespace strata::source
