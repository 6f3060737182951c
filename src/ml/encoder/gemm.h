// Matrix products for the encoder, computed by oneDNN's sgemm.
//
// Why not torch::matmul: Debian's libtorch sends float GEMMs to whatever
// libblas.so.3 the system has, which by default is the reference Netlib
// BLAS (about 2 GFLOP/s here). oneDNN, which libtorch already depends on,
// has a JIT-compiled sgemm that runs 20-30x faster on the same core. These
// functions call it directly and carry their own backward passes, so
// training and inference both get it, whatever BLAS is installed.
//
// Internal to the encoder library (includes libtorch).
#pragma once

#include <torch/torch.h>

namespace hitloop::ml::encoder {

// op(a) @ op(b) for 2-D [M,K]x[K,N] or batched 3-D [B,M,K]x[B,K,N] tensors,
// where op transposes the last two dimensions when asked. Differentiable.
torch::Tensor gemm(const torch::Tensor& a, const torch::Tensor& b, bool trans_a, bool trans_b);

// x @ weight^T + bias for x [..., in], weight [out, in], bias [out].
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight,
                     const torch::Tensor& bias);

}  // namespace hitloop::ml::encoder
