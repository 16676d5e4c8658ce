// SPDX-License-Identifier: MIT
// CRC-32 (the IEEE 802.3 polynomial, reflected, as zlib's crc32() and `gzip` compute it): the cheap
// per-record checksum of the scan journal (scan_journal.hpp), where SHA-256 would cost more than a
// job. It detects every burst of up to 32 bits and other damage with probability 1 - 2^-32. Not API.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace nusi::detail {

/// The 256-entry table of the reflected polynomial 0xEDB88320 (ISO 3309, ITU-T V.42).
inline constexpr std::array<std::uint32_t, 256> crc32_table = [] {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[n] = c;
  }
  return t;
}();

/// CRC-32 of `bytes` continued from `crc` (0 to start): crc32(b, crc32(a)) == crc32(a + b).
inline std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0) {
  crc = ~crc;
  for (const char ch : bytes) crc = crc32_table[(crc ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

}  // namespace nusi::detail
