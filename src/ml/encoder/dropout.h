// Dropout with its mask drawn in parallel by a counter-based hash.
//
// Why not torch::dropout: on Debian's libtorch (no MKL) bernoulli_ draws
// one element at a time from a Mersenne twister on one thread, then
// dropout takes two more passes to scale and multiply; a DistilBERT
// training step drops about 20M activations. Here each element's keep bit
// is a hash of (seed, index), so the mask costs one pass on every worker,
// and the seed comes from torch's default generator: torch::manual_seed
// still makes training reproducible. Internal (includes libtorch).
#pragma once

#include <torch/torch.h>

namespace hitloop::ml::encoder {

// x with each element zeroed with probability p and the rest scaled by
// 1 / (1 - p); x itself when not training or p == 0. Differentiable: the
// gradient is masked and scaled the same way.
torch::Tensor dropout(const torch::Tensor& x, double p, bool training);

}  // namespace hitloop::ml::encoder
