#include "loop/sampling.h"

#include <cmath>
#include <string>

#include "core/hash.h"

namespace hitloop::loop {

Status validate_rate(double rate) {
  if (!std::isfinite(rate) || rate < 0.0 || rate > 1.0) {
    return InvalidArgument("audit rate must be a number between 0 and 1, got " +
                           std::to_string(rate));
  }
  return Status::Ok();
}

uint64_t session_key_hash(std::string_view session_key) {
  return splitmix64_mix(fnv1a64(session_key));
}

bool in_audit_sample(std::string_view session_key, double rate) {
  if (!(rate > 0.0)) return false;  // also NaN
  if (rate >= 1.0) return true;
  double u = static_cast<double>(session_key_hash(session_key) >> 11) * 0x1.0p-53;
  return u < rate;
}

}  // namespace hitloop::loop
