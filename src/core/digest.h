// BLAKE2b (libsodium's generichash): the one cryptographic hash of hitloop,
// for content keys (a session's text, a training row, a data set), artifact
// checksums and the hashes of secrets. Stable across platforms and
// versions: stored keys and manifests depend on it not changing.
//
// Header-only, so that core itself does not link libsodium: only the
// libraries that include this header (store, ml, auth) need it, and they
// link it already. Non-cryptographic stable hashing is fnv.h.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace hitloop {

class Digest {
 public:
  // `bytes`: the digest size, 1 to 64 (libsodium recommends at least 16;
  // shorter digests serve as non-secret keys).
  explicit Digest(size_t bytes) : bytes_(bytes) {
    static const bool initialised = sodium_init() >= 0;
    (void)initialised;
    crypto_generichash_init(&state_, nullptr, 0, bytes_);
  }

  // Raw bytes, as they come.
  Digest& update(std::string_view data) {
    crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(data.data()),
                              data.size());
    return *this;
  }

  // One field of a record, prefixed with its length (8 bytes, the host's
  // order) so that ("ab", "c") and ("a", "bc") differ.
  Digest& field(std::string_view data) {
    uint64_t len = data.size();
    crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(&len), sizeof len);
    return update(data);
  }

  // The digest as raw bytes; the Digest is spent.
  std::string finish() {
    std::string out(bytes_, '\0');
    crypto_generichash_final(&state_, reinterpret_cast<unsigned char*>(out.data()), bytes_);
    return out;
  }

 private:
  size_t bytes_;
  crypto_generichash_state state_;
};

// The digest of a record's fields (Digest::field each).
inline std::string digest_fields(std::initializer_list<std::string_view> fields, size_t bytes) {
  Digest d(bytes);
  for (std::string_view f : fields) d.field(f);
  return d.finish();
}

// Lowercase hexadecimal of raw bytes.
inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace hitloop
