// Deterministic audit sampling: whether a session belongs to the random
// audit sample depends only on its key and the rate, so every process, every
// platform and every rerun agrees, and raising the rate only adds sessions.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/hash.h"
#include "core/status.h"

namespace hitloop::loop {

// The default share of evaluated traffic queued for human audit.
inline constexpr double kDefaultAuditRate = 0.05;

// OK iff `rate` is a finite number in [0, 1].
Status validate_rate(double rate);

// 64-bit FNV-1a (core/hash.h): fixed by its definition, unlike std::hash.
using ::hitloop::fnv1a64;

// The sampling hash: FNV-1a followed by the splitmix64 finalizer, which
// spreads keys that differ only in their last characters over all 64 bits.
uint64_t session_key_hash(std::string_view session_key);

// True iff the key's hash, read as a number u uniform in [0, 1), is below
// `rate`. Over many keys the share in the sample is about `rate`; a key in
// the sample at some rate is in it at every higher rate. Call
// validate_rate() first: a rate <= 0 or NaN samples nothing, >= 1 samples
// everything.
bool in_audit_sample(std::string_view session_key, double rate);

}  // namespace hitloop::loop
