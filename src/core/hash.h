// Stable non-cryptographic hashing: the same value on every platform and in
// every version, unlike std::hash (audit sampling, validation groups, the
// n-gram features and seeded generators depend on it not changing).
// Cryptographic digests are digest.h.
#pragma once

#include <cstdint>
#include <string_view>

namespace hitloop {

// 64-bit FNV-1a of the bytes of `key` (offset basis 0xcbf29ce484222325,
// prime 0x100000001b3).
inline uint64_t fnv1a64(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// splitmix64's finalizer: spreads inputs that differ in a few bits (the
// last characters of a key, consecutive counters) over all 64 bits.
inline uint64_t splitmix64_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace hitloop
