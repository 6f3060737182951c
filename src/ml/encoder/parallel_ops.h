// GELU and softmax for training, run by ATen's own kernels on slices of
// the tensor spread over the WorkPool, forward and backward.
//
// Why: libtorch's OpenMP pool is kept at 1 thread (its workers spin, see
// runtime.cpp), so in a training step every elementwise op ran on one core
// while the products ran on all. The same ATen kernels on slices give the
// same numbers on every worker. Outside autograd (inference) these are the
// plain ATen ops. Internal (includes libtorch).
#pragma once

#include <torch/torch.h>

#include <string>

namespace hitloop::ml::encoder {

// torch::gelu(x, approximate) ("none": the erf form, or "tanh").
torch::Tensor parallel_gelu(const torch::Tensor& x, const std::string& approximate);

// torch::softmax(x, -1).
torch::Tensor parallel_softmax(const torch::Tensor& x);

}  // namespace hitloop::ml::encoder
