#include "ops/backup/codec.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <zstd.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "ops/backup/files.h"
#include "util/sha256.h"

namespace strata::ops::backup {
namespace {

constexpr size_t kBlock = 1 << 20;  // read size
constexpr char kMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'B', 'K'};
constexpr uint8_t kFormatVersion = 1;
constexpr uint8_t kFlagCompressed = 1;
constexpr size_t kHeaderSize = 64;
constexpr size_t kTagSize = 16;
constexpr uint32_t kChunkSize = 1 << 20;
constexpr uint8_t kScryptLogN = 15;  // 32 MiB and about 0.1 s per key
constexpr uint8_t kScryptR = 8;
constexpr unsigned char kZstdMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};

using Header = std::array<unsigned char, kHeaderSize>;

void PutBe32(unsigned char* p, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<unsigned char>(v & 0xff);
}
uint32_t GetBe32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// --- Sinks: each stage writes to the next; Finish() flushes the chain. ---

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Write(const unsigned char* data, size_t size) = 0;
  virtual Status Finish() = 0;
};

// The last stage: hashes what it gets and writes it to a file (or nowhere).
class DigestSink : public Sink {
 public:
  DigestSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status Write(const unsigned char* data, size_t size) override {
    sha_.Update(data, size);
    bytes_ += static_cast<int64_t>(size);
    return fd_ >= 0 ? WriteAll(fd_, data, size, path_) : Status::Ok();
  }
  Status Finish() override { return Status::Ok(); }
  FileDigest Digest() { return {bytes_, sha_.HexDigest()}; }

 private:
  int fd_;
  std::string path_;
  util::Sha256 sha_;
  int64_t bytes_ = 0;
};

class ZstdCompressSink : public Sink {
 public:
  explicit ZstdCompressSink(Sink& next) : next_(next), cctx_(ZSTD_createCCtx()), out_(ZSTD_CStreamOutSize()) {
    if (cctx_) {
      ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel, 3);
      ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_checksumFlag, 1);
    }
  }
  Status Write(const unsigned char* data, size_t size) override { return Run(data, size, ZSTD_e_continue); }
  Status Finish() override {
    Status s = Run(nullptr, 0, ZSTD_e_end);
    return s.ok() ? next_.Finish() : s;
  }

 private:
  Status Run(const unsigned char* data, size_t size, ZSTD_EndDirective mode) {
    if (!cctx_) return Status::Internal("zstd: out of memory");
    ZSTD_inBuffer in{data, size, 0};
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t left = ZSTD_compressStream2(cctx_.get(), &out, &in, mode);
      if (ZSTD_isError(left)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(left));
      Status s = next_.Write(out_.data(), out.pos);
      if (!s.ok()) return s;
      bool done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
      if (done) return Status::Ok();
    }
  }
  struct Free {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  Sink& next_;
  std::unique_ptr<ZSTD_CCtx, Free> cctx_;
  std::vector<unsigned char> out_;
};

class ZstdDecompressSink : public Sink {
 public:
  ZstdDecompressSink(Sink& next, std::string path)
      : next_(next), path_(std::move(path)), dctx_(ZSTD_createDCtx()), out_(ZSTD_DStreamOutSize()) {}
  Status Write(const unsigned char* data, size_t size) override {
    if (!dctx_) return Status::Internal("zstd: out of memory");
    ZSTD_inBuffer in{data, size, 0};
    while (in.pos < in.size) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t hint = ZSTD_decompressStream(dctx_.get(), &out, &in);
      if (ZSTD_isError(hint)) {
        return Status::Io(std::string("damaged backup file: the compressed data does not decode (zstd: ") +
                          ZSTD_getErrorName(hint) + ")")
            .At(path_);
      }
      frame_open_ = hint != 0;
      Status s = next_.Write(out_.data(), out.pos);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  Status Finish() override {
    if (frame_open_) {
      return Status::Io("damaged backup file: the compressed data ends early (truncated)").At(path_);
    }
    return next_.Finish();
  }

 private:
  struct Free {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
  };
  Sink& next_;
  std::string path_;
  std::unique_ptr<ZSTD_DCtx, Free> dctx_;
  std::vector<unsigned char> out_;
  bool frame_open_ = true;  // nothing decoded yet is not a complete frame
};

// --- AES-256-GCM in chunks (see codec.h) ---

struct Keys {
  std::array<unsigned char, 32> aes{};
  std::array<unsigned char, 16> check{};
};

Result<Keys> DeriveKeys(const std::string& secret, const unsigned char* salt, uint8_t log_n, uint8_t r) {
  if (log_n < 10 || log_n > 22 || r < 1 || r > 32) {
    return Status::Io("unsupported key derivation parameters in the backup header");
  }
  std::array<unsigned char, 48> out{};
  uint64_t n = uint64_t{1} << log_n;
  uint64_t maxmem = 128 * uint64_t{r} * n + (uint64_t{1} << 20) + 128 * uint64_t{r} * 2;
  if (EVP_PBE_scrypt(secret.data(), secret.size(), salt, 16, n, r, 1, maxmem * 2, out.data(), out.size()) != 1) {
    return Status::Internal("scrypt key derivation failed (out of memory?)");
  }
  Keys keys;
  std::memcpy(keys.aes.data(), out.data(), 32);
  std::memcpy(keys.check.data(), out.data() + 32, 16);
  OPENSSL_cleanse(out.data(), out.size());
  return keys;
}

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// Encrypts or decrypts one chunk; false when the tag does not match.
class ChunkCipher {
 public:
  ChunkCipher(const Keys& keys, const Header& header) : keys_(keys), header_(header), ctx_(EVP_CIPHER_CTX_new()) {}
  ~ChunkCipher() { OPENSSL_cleanse(keys_.aes.data(), keys_.aes.size()); }

  // out gets size bytes of ciphertext then the tag.
  bool Seal(uint64_t index, bool last, const unsigned char* in, size_t size, std::vector<unsigned char>* out) {
    out->resize(size + kTagSize);
    int len = 0;
    if (!Start(index, last, /*encrypt=*/true)) return false;
    if (size > 0 && EVP_EncryptUpdate(ctx_.get(), out->data(), &len, in, static_cast<int>(size)) != 1) return false;
    if (EVP_EncryptFinal_ex(ctx_.get(), out->data() + len, &len) != 1) return false;
    return EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, out->data() + size) == 1;
  }

  // in = ciphertext then tag; out gets the plaintext.
  bool Open(uint64_t index, bool last, const unsigned char* in, size_t size, std::vector<unsigned char>* out) {
    if (size < kTagSize) return false;
    size_t body = size - kTagSize;
    out->resize(body);
    int len = 0;
    if (!Start(index, last, /*encrypt=*/false)) return false;
    if (body > 0 && EVP_DecryptUpdate(ctx_.get(), out->data(), &len, in, static_cast<int>(body)) != 1) return false;
    unsigned char tag[kTagSize];
    std::memcpy(tag, in + body, kTagSize);
    if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) != 1) return false;
    return EVP_DecryptFinal_ex(ctx_.get(), out->data() + len, &len) == 1;
  }

 private:
  bool Start(uint64_t index, bool last, bool encrypt) {
    if (!ctx_) return false;
    unsigned char nonce[12];
    std::memcpy(nonce, header_.data() + 32, 12);
    for (int i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<unsigned char>((index >> (8 * i)) & 0xff);
    unsigned char aad[kHeaderSize + 9];
    std::memcpy(aad, header_.data(), kHeaderSize);
    for (int i = 0; i < 8; ++i) aad[kHeaderSize + 7 - i] = static_cast<unsigned char>((index >> (8 * i)) & 0xff);
    aad[kHeaderSize + 8] = last ? 1 : 0;
    int len = 0;
    auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
    auto update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
    return init(ctx_.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1 &&
           init(ctx_.get(), nullptr, nullptr, keys_.aes.data(), nonce) == 1 &&
           update(ctx_.get(), nullptr, &len, aad, sizeof aad) == 1;
  }

  Keys keys_;
  Header header_;
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx_;
};

class EncryptSink : public Sink {
 public:
  EncryptSink(Sink& next, const Keys& keys, const Header& header) : next_(next), cipher_(keys, header) {}
  Status Write(const unsigned char* data, size_t size) override {
    buf_.insert(buf_.end(), data, data + size);
    // Strictly more than a chunk: the last chunk must stay shorter than one.
    size_t used = 0;
    while (buf_.size() - used > kChunkSize) {
      Status s = Emit(buf_.data() + used, kChunkSize, false);
      if (!s.ok()) return s;
      used += kChunkSize;
    }
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(used));
    return Status::Ok();
  }
  Status Finish() override {
    Status s = Status::Ok();
    if (buf_.size() == kChunkSize) {
      s = Emit(buf_.data(), kChunkSize, false);
      buf_.clear();
    }
    if (s.ok()) s = Emit(buf_.data(), buf_.size(), true);
    return s.ok() ? next_.Finish() : s;
  }

 private:
  Status Emit(const unsigned char* data, size_t size, bool last) {
    if (!cipher_.Seal(index_++, last, data, size, &out_)) return Status::Internal("AES-256-GCM encryption failed");
    return next_.Write(out_.data(), out_.size());
  }
  Sink& next_;
  ChunkCipher cipher_;
  std::vector<unsigned char> buf_, out_;
  uint64_t index_ = 0;
};

class DecryptSink : public Sink {
 public:
  DecryptSink(Sink& next, const Keys& keys, const Header& header, std::string path)
      : next_(next), cipher_(keys, header), path_(std::move(path)) {}
  Status Write(const unsigned char* data, size_t size) override {
    buf_.insert(buf_.end(), data, data + size);
    const size_t record = kChunkSize + kTagSize;
    size_t used = 0;
    while (buf_.size() - used > record) {  // more follows: not the last chunk
      Status s = Open(buf_.data() + used, record, false);
      if (!s.ok()) return s;
      used += record;
    }
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(used));
    return Status::Ok();
  }
  Status Finish() override {
    // The last chunk is always shorter than a full one: a full one at the
    // end means the file was cut after it.
    if (buf_.size() < kTagSize || buf_.size() >= kChunkSize + kTagSize) {
      return Status::Io("damaged backup file: it ends early (truncated)").At(path_);
    }
    Status s = Open(buf_.data(), buf_.size(), true);
    return s.ok() ? next_.Finish() : s;
  }

 private:
  Status Open(const unsigned char* data, size_t size, bool last) {
    uint64_t index = index_++;
    if (!cipher_.Open(index, last, data, size, &out_)) {
      return Status::Io("damaged backup file: chunk " + std::to_string(index) +
                        " does not authenticate (the file was changed or cut short)")
          .At(path_)
          .WithHint("restore from another backup");
    }
    return next_.Write(out_.data(), out_.size());
  }
  Sink& next_;
  ChunkCipher cipher_;
  std::string path_;
  std::vector<unsigned char> buf_, out_;
  uint64_t index_ = 0;
};

// Reads `fd` from its current position to the end into `sink`.
Status Pump(int fd, const std::string& path, Sink& sink) {
  std::vector<unsigned char> block(kBlock);
  for (;;) {
    auto n = ReadFull(fd, block.data(), block.size(), path);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    Status s = sink.Write(block.data(), *n);
    if (!s.ok()) return s;
    if (*n < block.size()) break;
  }
  return sink.Finish();
}

Status NeedKey(const std::string& path) {
  return Status::InvalidArgument("backup file is encrypted and no key is set")
      .At(path)
      .WithHint("set backup_key in strata.toml (e.g. backup_key = \"${STRATA_BACKUP_KEY}\") or export STRATA_BACKUP_KEY");
}

}  // namespace

std::string_view ToString(Content content) {
  switch (content) {
    case Content::kSqlite: return "sqlite";
    case Content::kPgCustom: return "pg_dump";
    case Content::kZstd: return "zstd";
    case Content::kEncrypted: return "encrypted";
    case Content::kUnknown: break;
  }
  return "unknown";
}

Result<Content> Sniff(const std::string& path) {
  auto fd = OpenForReading(path);
  if (!fd.ok()) return fd.status();
  unsigned char head[16] = {};
  auto n = ReadFull(fd->get(), head, sizeof head, path);
  if (!n.ok()) return n.status();
  auto starts = [&](const void* magic, size_t len) { return *n >= len && std::memcmp(head, magic, len) == 0; };
  if (starts("SQLite format 3\0", 16)) return Content::kSqlite;
  if (starts("PGDMP", 5)) return Content::kPgCustom;
  if (starts(kZstdMagic, 4)) return Content::kZstd;
  if (starts(kMagic, 8)) return Content::kEncrypted;
  return Content::kUnknown;
}

Result<FileDigest> DigestFile(const std::string& path) {
  auto fd = OpenForReading(path);
  if (!fd.ok()) return fd.status();
  DigestSink sink(-1, path);
  Status s = Pump(fd->get(), path, sink);
  if (!s.ok()) return s;
  return sink.Digest();
}

Result<FileDigest> Encode(const std::string& in, const std::string& out, const EncodeOptions& options,
                          FileDigest* payload) {
  auto src = OpenForReading(in);
  if (!src.ok()) return src.status();
  auto dst = CreateOwnerOnly(out);
  if (!dst.ok()) return dst.status();
  RemoveOnExit cleanup(out);

  DigestSink file_sink(dst->get(), out);
  std::unique_ptr<EncryptSink> encrypt;
  Sink* head = &file_sink;
  if (!options.key.empty()) {
    Header header{};
    std::memcpy(header.data(), kMagic, 8);
    header[8] = kFormatVersion;
    header[9] = options.compress ? kFlagCompressed : 0;
    const uint8_t log_n =
        options.scrypt_log2_n_for_testing > 0 ? static_cast<uint8_t>(options.scrypt_log2_n_for_testing) : kScryptLogN;
    header[10] = log_n;
    header[11] = kScryptR;
    PutBe32(header.data() + 12, kChunkSize);
    if (RAND_bytes(header.data() + 16, 16 + 12) != 1) return Status::Internal("no random bytes for the salt and nonce");
    auto keys = DeriveKeys(options.key, header.data() + 16, log_n, kScryptR);
    if (!keys.ok()) return keys.status();
    std::memcpy(header.data() + 44, keys->check.data(), 16);
    Status s = file_sink.Write(header.data(), header.size());
    if (!s.ok()) return s;
    encrypt = std::make_unique<EncryptSink>(file_sink, *keys, header);
    head = encrypt.get();
  }
  // Hash the payload as it is read, before compression.
  class Tee : public Sink {
   public:
    explicit Tee(Sink& next) : next_(next) {}
    Status Write(const unsigned char* d, size_t n) override {
      (void)digest_.Write(d, n);  // no file: cannot fail
      return next_.Write(d, n);
    }
    Status Finish() override { return next_.Finish(); }
    FileDigest Digest() { return digest_.Digest(); }

   private:
    Sink& next_;
    DigestSink digest_{-1, ""};
  };
  std::unique_ptr<ZstdCompressSink> compress;
  if (options.compress) {
    compress = std::make_unique<ZstdCompressSink>(*head);
    head = compress.get();
  }
  Tee tee(*head);
  Status s = Pump(src->get(), in, tee);
  if (!s.ok()) return s;
  s = dst->SyncAndClose(out);
  if (!s.ok()) return s;
  cleanup.Keep();
  if (payload) *payload = tee.Digest();
  return file_sink.Digest();
}

Result<FileDigest> Decode(const std::string& in, const std::string& out, const std::string& key) {
  auto kind = Sniff(in);
  if (!kind.ok()) return kind.status();
  auto src = OpenForReading(in);
  if (!src.ok()) return src.status();
  Fd dst;
  std::unique_ptr<RemoveOnExit> cleanup;
  if (!out.empty()) {
    auto created = CreateOwnerOnly(out);
    if (!created.ok()) return created.status();
    dst = std::move(*created);
    cleanup = std::make_unique<RemoveOnExit>(out);
  }
  DigestSink payload(dst.get(), out);
  Sink* head = &payload;
  std::unique_ptr<ZstdDecompressSink> decompress;
  std::unique_ptr<DecryptSink> decrypt;
  bool compressed = *kind == Content::kZstd;
  if (*kind == Content::kEncrypted) {
    Header header{};
    auto n = ReadFull(src->get(), header.data(), header.size(), in);
    if (!n.ok()) return n.status();
    if (*n < header.size()) return Status::Io("damaged backup file: the header is cut short (truncated)").At(in);
    if (header[8] != kFormatVersion) {
      return Status::Io("backup file format version " + std::to_string(header[8]) +
                        " is not supported by this strata (it reads version 1)")
          .At(in)
          .WithHint("restore it with the strata version that wrote it, or a newer one");
    }
    if (GetBe32(header.data() + 12) != kChunkSize) return Status::Io("damaged backup file: bad chunk size").At(in);
    if (key.empty()) return NeedKey(in);
    auto keys = DeriveKeys(key, header.data() + 16, header[10], header[11]);
    if (!keys.ok()) return keys.status().At(in);
    if (CRYPTO_memcmp(keys->check.data(), header.data() + 44, 16) != 0) {
      return Status::InvalidArgument("wrong key for this encrypted backup file")
          .At(in)
          .WithHint("set backup_key (or STRATA_BACKUP_KEY) to the key the backup was taken with");
    }
    compressed = (header[9] & kFlagCompressed) != 0;
    if (compressed) {
      decompress = std::make_unique<ZstdDecompressSink>(payload, in);
      head = decompress.get();
    }
    decrypt = std::make_unique<DecryptSink>(*head, *keys, header, in);
    head = decrypt.get();
  } else if (compressed) {
    decompress = std::make_unique<ZstdDecompressSink>(payload, in);
    head = decompress.get();
  }
  Status s = Pump(src->get(), in, *head);
  if (!s.ok()) return s;
  if (dst.valid()) {
    s = dst.SyncAndClose(out);
    if (!s.ok()) return s;
  }
  if (cleanup) cleanup->Keep();
  return payload.Digest();
}

}  // namespace strata::ops::backup
