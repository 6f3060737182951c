// FNV-1a, 64 bits: a stable hash of a text, the same on every platform
// (audit sampling and validation groups depend on it not changing).
#pragma once

#include <cstdint>
#include <string_view>

namespace hitloop {

inline uint64_t fnv1a64(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace hitloop
