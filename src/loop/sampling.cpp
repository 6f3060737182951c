#include "loop/sampling.h"

#include <cmath>
#include <string>

#include "core/fnv.h"

namespace hitloop::loop {

Status validate_rate(double rate) {
  if (!std::isfinite(rate) || rate < 0.0 || rate > 1.0) {
    return InvalidArgument("audit rate must be a number between 0 and 1, got " +
                           std::to_string(rate));
  }
  return Status::Ok();
}

uint64_t fnv1a64(std::string_view key) { return hitloop::fnv1a64(key); }

uint64_t session_key_hash(std::string_view session_key) {
  uint64_t z = fnv1a64(session_key);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

bool in_audit_sample(std::string_view session_key, double rate) {
  if (!(rate > 0.0)) return false;  // also NaN
  if (rate >= 1.0) return true;
  double u = static_cast<double>(session_key_hash(session_key) >> 11) * 0x1.0p-53;
  return u < rate;
}

}  // namespace hitloop::loop
