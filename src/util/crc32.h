// CRC-32 (IEEE 802.3, polynomial 0xEDB88320): the checksum of zlib and of
// java.util.zip.CRC32, which Flyway records for each migration.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata::util {

// Continues `crc` (0 to start) over `data`.
uint32_t Crc32(std::string_view data, uint32_t crc = 0);

}  // namespace strata::util
