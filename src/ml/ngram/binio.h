// Little helpers for the n-gram artifact's binary file: values are appended
// to a string in the machine's byte order (artifacts are read where they
// were written, like the v1 format), and read back with every length
// checked, so a truncated or hostile file is refused rather than overrun.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hitloop::ml::ngram::bin {

template <typename T>
void put(std::string& out, const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
void put_vector(std::string& out, const std::vector<T>& v) {
  put<uint64_t>(out, v.size());
  out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
bool get(std::string_view& in, T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (in.size() < sizeof v) return false;
  std::memcpy(&v, in.data(), sizeof v);
  in.remove_prefix(sizeof v);
  return true;
}

// `max` bounds the element count before anything is allocated.
template <typename T>
bool get_vector(std::string_view& in, std::vector<T>& v, uint64_t max) {
  uint64_t n = 0;
  if (!get(in, n) || n > max || n * sizeof(T) > in.size()) return false;
  v.resize(n);
  std::memcpy(v.data(), in.data(), n * sizeof(T));
  in.remove_prefix(n * sizeof(T));
  return true;
}

}  // namespace hitloop::ml::ngram::bin
