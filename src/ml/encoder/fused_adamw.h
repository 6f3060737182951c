// AdamW and gradient clipping as fused loops over the parameters' raw
// float buffers, spread over the WorkPool.
//
// Why: torch::optim::AdamW runs about ten ATen passes per parameter on one
// thread (libtorch's OpenMP pool is kept at 1, see runtime.cpp), and
// clip_grad_norm_ two more; on a DistilBERT-sized model (66M parameters,
// 23M of them the word embeddings, updated every step) that was a second
// of every training step. Here each parameter is read and written once per
// step, on every worker. The arithmetic is torch's, term for term, and the
// state lives in torch's AdamWParamState, so the optimizer stays a
// torch::optim::AdamW to its callers. Internal (includes libtorch).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace hitloop::ml::encoder {

class FusedAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;

  // The next step() reads every gradient times `scale` (how clipping is
  // applied without a pass of its own); reset to 1 after the step.
  void set_grad_scale(double scale) { grad_scale_ = scale; }

  // torch's AdamW step (no amsgrad), parameters without a gradient skipped.
  torch::Tensor step(LossClosure closure = nullptr) override;

  // Drops the gradients (undefined, not zero-filled): backward then hands
  // its fresh gradient over instead of adding it to a zeroed one.
  void drop_grads();

 private:
  double grad_scale_ = 1.0;
};

// The L2 norm of all the gradients together, as clip_grad_norm_ computes it
// (undefined gradients skipped), in one parallel pass; summed in double in
// a fixed order, so the thread count does not change it.
double gradient_norm(const std::vector<torch::Tensor>& params);

// clip_grad_norm_'s factor: min(1, max_norm / (norm + 1e-6)).
double clip_factor(double norm, double max_norm);

}  // namespace hitloop::ml::encoder
