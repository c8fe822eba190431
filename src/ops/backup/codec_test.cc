#include "ops/backup/codec.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <random>
#include <string>

#include "ops/backup/internal.h"
#include "testing/test_support.h"
#include "util/fs.h"
#include "util/sha256.h"

namespace strata::ops::backup {
namespace {

constexpr size_t kChunk = 1 << 20;  // codec.h: the chunk size of format version 1

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// The key derivation at its lowest cost: these tests run it dozens of times.
EncodeOptions Fast(EncodeOptions options) {
  options.scrypt_log2_n_for_testing = 10;
  return options;
}

int Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return st.st_mode & 0777;
}

class CodecTest : public ::testing::Test {
 protected:
  // Writes `data` to in.bin, encodes it to out.bin, decodes that to back.bin
  // and returns what came back.
  std::string RoundTrip(const std::string& data, const EncodeOptions& options, const std::string& key) {
    dir_.Write("in.bin", data);
    FileDigest payload;
    auto encoded = Encode(dir_.Path("in.bin"), dir_.Path("out.bin"), options, &payload);
    EXPECT_TRUE(encoded.ok()) << encoded.status().ToString();
    if (!encoded.ok()) return {};
    EXPECT_EQ(payload.sha256, util::Sha256Hex(data));
    EXPECT_EQ(payload.bytes, static_cast<int64_t>(data.size()));
    EXPECT_EQ(encoded->sha256, util::Sha256Hex(dir_.Read("out.bin")));
    EXPECT_EQ(Mode(dir_.Path("out.bin")), 0600);
    auto decoded = Decode(dir_.Path("out.bin"), dir_.Path("back.bin"), key);
    EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
    if (!decoded.ok()) return {};
    EXPECT_EQ(Mode(dir_.Path("back.bin")), 0600);
    EXPECT_EQ(decoded->sha256, payload.sha256);
    std::string back = dir_.Read("back.bin");
    std::remove(dir_.Path("out.bin").c_str());
    std::remove(dir_.Path("back.bin").c_str());
    return back;
  }

  testing::TempDir dir_;
};

TEST_F(CodecTest, RoundTripsEverySizeAroundTheChunkBoundary) {
  for (size_t size : {size_t{0}, size_t{1}, kChunk - 1, kChunk, kChunk + 1, 2 * kChunk, 3 * kChunk + 5}) {
    std::string data = RandomBytes(size, static_cast<uint32_t>(size));
    EXPECT_EQ(RoundTrip(data, Fast({false, "a long test key"}), "a long test key"), data) << "encrypted, " << size;
    EXPECT_EQ(RoundTrip(data, Fast({true, "a long test key"}), "a long test key"), data) << "both, " << size;
  }
  std::string text(3 * kChunk, 'x');  // compressible
  EXPECT_EQ(RoundTrip(text, {true, ""}, ""), text);
}

TEST_F(CodecTest, SniffTellsTheKinds) {
  dir_.Write("plain.bin", "SQLite format 3" + std::string(1, '\0') + "rest");
  EXPECT_EQ(*Sniff(dir_.Path("plain.bin")), Content::kSqlite);
  dir_.Write("pg.bin", "PGDMP....");
  EXPECT_EQ(*Sniff(dir_.Path("pg.bin")), Content::kPgCustom);
  dir_.Write("x.bin", "hello");
  EXPECT_EQ(*Sniff(dir_.Path("x.bin")), Content::kUnknown);
  ASSERT_TRUE(Encode(dir_.Path("x.bin"), dir_.Path("x.zst"), {true, ""}, nullptr).ok());
  EXPECT_EQ(*Sniff(dir_.Path("x.zst")), Content::kZstd);
  ASSERT_TRUE(Encode(dir_.Path("x.bin"), dir_.Path("x.enc"), Fast({true, "another test key"}), nullptr).ok());
  EXPECT_EQ(*Sniff(dir_.Path("x.enc")), Content::kEncrypted);
}

TEST_F(CodecTest, WrongOrMissingKeyIsAClearErrorAndWritesNothing) {
  dir_.Write("in.bin", RandomBytes(5000, 1));
  ASSERT_TRUE(Encode(dir_.Path("in.bin"), dir_.Path("out.enc"), Fast({true, "the right key!"}), nullptr).ok());
  auto wrong = Decode(dir_.Path("out.enc"), dir_.Path("back.bin"), "the wrong key!");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("wrong key"), std::string::npos) << wrong.status().ToString();
  EXPECT_FALSE(util::Exists(dir_.Path("back.bin")));
  auto none = Decode(dir_.Path("out.enc"), dir_.Path("back.bin"), "");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("encrypted and no key"), std::string::npos) << none.status().ToString();
  EXPECT_FALSE(util::Exists(dir_.Path("back.bin")));
}

// Every way of cutting or changing an encrypted file is detected, and no
// output is left behind.
TEST_F(CodecTest, TruncatedOrTamperedEncryptedFilesFail) {
  const std::string key = "a long test key";
  dir_.Write("in.bin", RandomBytes(2 * kChunk + 100, 7));
  ASSERT_TRUE(Encode(dir_.Path("in.bin"), dir_.Path("good.enc"), Fast({false, key}), nullptr).ok());
  const std::string good = dir_.Read("good.enc");
  const size_t header = 64, record = kChunk + 16;
  struct Case {
    std::string name;
    std::string bytes;
  };
  std::string flipped = good;
  flipped[header + kChunk + 20] ^= 1;  // inside the second chunk
  std::string tag_flipped = good;
  tag_flipped[good.size() - 1] ^= 0x80;  // the last tag
  std::string header_flipped = good;
  header_flipped[9] ^= 1;  // flags: authenticated as additional data
  std::string swapped = good.substr(0, header) + good.substr(header + record, record) + good.substr(header, record) +
                        good.substr(header + 2 * record);
  std::vector<Case> cases = {
      {"half header", good.substr(0, 30)},
      {"header only", good.substr(0, header)},
      {"cut at a chunk boundary", good.substr(0, header + record)},
      {"cut at the second boundary", good.substr(0, header + 2 * record)},
      {"cut mid-chunk", good.substr(0, header + record / 2)},
      {"last byte missing", good.substr(0, good.size() - 1)},
      {"byte flipped", flipped},
      {"tag flipped", tag_flipped},
      {"header flipped", header_flipped},
      {"chunks swapped", swapped},
      {"extra byte", good + "x"},
  };
  for (const auto& c : cases) {
    dir_.Write("bad.enc", c.bytes);
    auto r = Decode(dir_.Path("bad.enc"), dir_.Path("back.bin"), key);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), Status::Code::kIo) << c.name << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find("damaged"), std::string::npos) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r.status().file(), dir_.Path("bad.enc")) << c.name;
    EXPECT_FALSE(util::Exists(dir_.Path("back.bin"))) << c.name;
  }
}

TEST_F(CodecTest, TruncatedCompressedFileFails) {
  dir_.Write("in.bin", RandomBytes(300000, 3));
  ASSERT_TRUE(Encode(dir_.Path("in.bin"), dir_.Path("good.zst"), {true, ""}, nullptr).ok());
  std::string good = dir_.Read("good.zst");
  dir_.Write("bad.zst", good.substr(0, good.size() - 10));
  auto r = Decode(dir_.Path("bad.zst"), "", "");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("damaged"), std::string::npos) << r.status().ToString();
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  dir_.Write("bad.zst", flipped);
  EXPECT_FALSE(Decode(dir_.Path("bad.zst"), "", "").ok());
}

TEST_F(CodecTest, EncodeRefusesToOverwrite) {
  dir_.Write("in.bin", "data");
  dir_.Write("out.bin", "existing");
  auto r = Encode(dir_.Path("in.bin"), dir_.Path("out.bin"), {true, ""}, nullptr);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(dir_.Read("out.bin"), "existing");
}

TEST(BackupNames, RoundTripAndRejectOthers) {
  BackupInfo info;
  info.environment = "prod-eu";
  info.created_at = "2026-11-22T09:30:00.123Z";
  info.version = "20261122093000";
  info.compressed = true;
  info.encrypted = true;
  std::string name = FileName(info, "dump");
  EXPECT_EQ(name, "prod-eu-20261122T093000.123Z-20261122093000.dump.zst.enc");
  BackupInfo back;
  ASSERT_TRUE(ParseFileName(name, &back));
  EXPECT_EQ(back.environment, "prod-eu");
  EXPECT_EQ(back.created_at, info.created_at);
  EXPECT_EQ(back.version, info.version);
  EXPECT_EQ(back.engine, "postgres");
  EXPECT_TRUE(back.compressed);
  EXPECT_TRUE(back.encrypted);

  info.version = "";
  info.compressed = info.encrypted = false;
  info.environment = "";
  EXPECT_EQ(FileName(info, "sqlite"), "default-20261122T093000.123Z-none.sqlite");
  ASSERT_TRUE(ParseFileName("default-20261122T093000.123Z-none.sqlite", &back));
  EXPECT_EQ(back.version, "");
  EXPECT_EQ(NameForEnvironment("a b/c"), "a_b_c");
  EXPECT_EQ(NameForEnvironment(".x"), "_x");

  for (const char* other : {"notes.txt", "app.sqlite", "x-2026-0001.sqlite", "dev-20261122T093000Z-0001.sqlite",
                            "dev-20261122T093000.123Z-abc.sqlite", "dev-20261122T093000.123Z-0001.tar"}) {
    EXPECT_FALSE(ParseFileName(other, &back)) << other;
  }
}

}  // namespace
}  // namespace strata::ops::backup
