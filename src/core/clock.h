// Wall-clock time as stored everywhere in hitloop: unix milliseconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace hitloop {

inline int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace hitloop
