#include "util/sha256.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace strata::util {
namespace {

// Fetch the implementation once: OpenSSL 3 otherwise looks it up on every
// call, which showed in `strata status` over a thousand files.
const EVP_MD* Sha256Md() {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return sha256;
}

std::string Hex(const unsigned char* digest, unsigned int len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  // EVP_Digest cannot fail for SHA-256 on in-memory data short of allocation
  // failure; an empty digest then makes every checksum comparison fail loudly.
  const EVP_MD* sha256 = Sha256Md();
  if (sha256 == nullptr ||
      EVP_Digest(data.data(), data.size(), digest.data(), &len, sha256, nullptr) != 1) {
    return {};
  }
  return Hex(digest.data(), len);
}

struct Sha256::Ctx {
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> md;  // null after a failure or HexDigest()
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md.reset(EVP_MD_CTX_new());
  if (ctx_->md && (Sha256Md() == nullptr || EVP_DigestInit_ex(ctx_->md.get(), Sha256Md(), nullptr) != 1)) {
    ctx_->md.reset();
  }
}

Sha256::~Sha256() = default;

void Sha256::Update(const void* data, size_t size) {
  if (ctx_->md && size > 0 && EVP_DigestUpdate(ctx_->md.get(), data, size) != 1) ctx_->md.reset();
}

std::string Sha256::HexDigest() {
  if (!ctx_->md) return {};
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  bool ok = EVP_DigestFinal_ex(ctx_->md.get(), digest.data(), &len) == 1;
  ctx_->md.reset();
  return ok ? Hex(digest.data(), len) : std::string();
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac.data(), &len) == nullptr) {
    return {};
  }
  return Hex(mac.data(), len);
}

}  // namespace strata::util
