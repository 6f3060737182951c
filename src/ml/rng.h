// A small seeded generator with the same output on every platform (the
// standard distributions are implementation-defined), so a seed fixes a
// split and a training run everywhere.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/hash.h"

namespace hitloop::ml {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() { return splitmix64_mix(state_ += 0x9E3779B97F4A7C15ULL); }  // splitmix64
  // Uniform in [0, n).
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  uint64_t state_;
};

}  // namespace hitloop::ml
