// Fine-tuning, after HF Trainer's defaults: AdamW (betas 0.9/0.999, eps
// 1e-8), a linear schedule with optional warm-up, gradient-norm clipping,
// shuffled batches padded to their longest row, dropout on, and
// per-epoch held-out metrics with the best epoch kept.
// Internal to the encoder library (includes libtorch).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "ml/encoder/encoder_state.h"
#include "ml/encoder/fused_adamw.h"
#include "ml/evaluator.h"

namespace hitloop::ml::encoder {

// AdamW over `net`'s parameters in two groups: decayed, and (HF Trainer's
// rule) biases and LayerNorm weights without decay, unless `decay_all`.
std::unique_ptr<FusedAdamW> make_optimizer(SequenceClassifier& net, double lr, double weight_decay,
                                           bool decay_all);

// Whether HF Trainer would decay this parameter.
bool decays(const std::string& parameter_name);

// Weighted mean cross-entropy of `net` on one batch (weights may be
// undefined: a plain mean, as HF's loss).
torch::Tensor batch_loss(SequenceClassifier& net, const TensorBatch& batch,
                         const torch::Tensor& labels, const torch::Tensor& weights);

// One optimisation step at learning rate `lr`; clips the gradient norm to
// `max_grad_norm` when it is > 0 (the update reads the clipped gradient;
// the parameters' .grad() keep the unclipped one). Returns the loss before
// the step.
double train_step(SequenceClassifier& net, FusedAdamW& optimizer, const TensorBatch& batch,
                  const torch::Tensor& labels, const torch::Tensor& weights, double lr,
                  double max_grad_norm);

// HF's get_linear_schedule_with_warmup factor for optimizer step `step`
// (0-based) of `total`.
double linear_schedule(int64_t step, int64_t total, int64_t warmup);

// Fine-tunes the model in `state` (loaded, head possibly fresh) on
// `examples`; with options.validation, scores it after every epoch and
// leaves the best epoch's weights in place.
Status fine_tune(EncoderState& state, const std::vector<Example>& examples,
                 const TrainOptions& options);

}  // namespace hitloop::ml::encoder
