// Backup file encodings: zstd compression and AES-256-GCM encryption,
// streamed from file to file so that a backup larger than memory is fine.
// The formats are described in docs/operations.md#backup-files.
//
// Encrypted file (version 1): a 64-byte header, then the payload in chunks.
//   0  8  magic "STRATABK"
//   8  1  format version (1)
//   9  1  flags: bit 0 = the payload is zstd-compressed
//  10  1  scrypt log2(N) (15)     11  1  scrypt r (8); p is 1
//  12  4  chunk size in bytes, big-endian (1 MiB)
//  16 16  scrypt salt (random per file)
//  32 12  base nonce (random per file)
//  44 16  key check: bytes 32..47 of the scrypt output
//  60  4  zero
// Chunk i: ciphertext of up to `chunk size` plaintext bytes, then its 16-byte
// GCM tag. Its nonce is the base nonce with the last 8 bytes XORed with i
// (big-endian); its additional data is the header, i (8 bytes, big-endian)
// and 1 for the last chunk, 0 otherwise. The last chunk is always shorter
// than `chunk size` (possibly empty), so a file cut at a chunk boundary is
// detected, and so is any changed, reordered or dropped chunk. The AES key is
// bytes 0..31 of scrypt(backup_key, salt, N, r, p = 1).
//
// Thread-compatible: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <strata/result.h>
#include <strata/status.h>

namespace strata::ops::backup {

// What a file holds, told by its first bytes.
enum class Content { kSqlite, kPgCustom, kZstd, kEncrypted, kUnknown };
std::string_view ToString(Content content);  // "sqlite", "pg_dump", "zstd", "encrypted", "unknown"

// kNotFound / kIo when the file cannot be read.
Result<Content> Sniff(const std::string& path);

struct FileDigest {
  int64_t bytes = 0;
  std::string sha256;  // lower-case hex
};

struct EncodeOptions {
  bool compress = false;  // zstd level 3, with zstd's content checksum
  std::string key;        // "" = not encrypted; otherwise any secret text
  // scrypt's cost log2(N); 0 = 15 (32 MiB, about 0.1 s). The header records
  // it, so Decode needs nothing. Tests lower it to stay fast.
  int scrypt_log2_n_for_testing = 0;
};

// Writes `in`, compressed and/or encrypted, to the new file `out` (mode 0600;
// kIo if it exists), fsync'd. Returns the digest of `out`; *payload gets the
// digest of `in` as read. On failure `out` is removed.
Result<FileDigest> Encode(const std::string& in, const std::string& out, const EncodeOptions& options,
                          FileDigest* payload);

// The reverse of Encode for any file Encode wrote, and for a plain file
// (copied as is): decrypts (with `key`), decompresses, and writes the payload
// to the new file `out` (mode 0600, fsync'd), or only digests it when `out`
// is "". Returns the payload's digest. Errors, with `in` named:
//   kInvalidArgument  encrypted but `key` is "", or the key is wrong;
//   kIo               damaged: truncated, a chunk or tag changed, a bad zstd
//                     frame, or an encrypted header this version cannot read.
// Nothing is returned for a payload that did not authenticate: `out` is
// removed on any failure.
Result<FileDigest> Decode(const std::string& in, const std::string& out, const std::string& key);

// Digest of a file as it is on disk.
Result<FileDigest> DigestFile(const std::string& path);

}  // namespace strata::ops::backup
