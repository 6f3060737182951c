// A random HF checkpoint directory of any size, for tests and benchmarks
// that need a DistilBERT-sized model without downloading one.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "ml/encoder/config.h"

namespace hitloop::ml::encoder {

// Writes config.json, model.safetensors (HF's initialisation, seeded,
// classification head included) and the tokenizer files found in
// `tokenizer_dir` into `dir` (created if needed).
Status write_random_checkpoint(const std::string& dir, const EncoderConfig& config,
                               const std::string& tokenizer_dir, uint64_t seed);

}  // namespace hitloop::ml::encoder
