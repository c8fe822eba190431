// SHA-256 and HMAC-SHA256 over OpenSSL.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace strata::util {

// Lower-case hex digest of `data`.
std::string Sha256Hex(std::string_view data);

// Incremental SHA-256, for data that does not fit in memory (backup files).
// One thread at a time; not copyable.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t size);
  // Lower-case hex digest of everything passed to Update (empty if OpenSSL
  // failed, which makes every comparison with it fail). Ends the hash.
  std::string HexDigest();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};
// Lower-case hex HMAC-SHA256 of `data` under `key` (webhook signatures).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace strata::util
