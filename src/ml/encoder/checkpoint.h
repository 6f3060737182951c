// Weights in and out of a SequenceClassifier: model.safetensors (our own
// parser) or pytorch_model.bin (torch.save's zip archive, read by libtorch's
// unpickler), mapped name for name onto the module's parameters.
// Internal (includes libtorch).
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "ml/encoder/classifier.h"

namespace hitloop::ml::encoder {

using StateDict = std::map<std::string, torch::Tensor>;

// The weights in `dir`: model.safetensors when present, else
// pytorch_model.bin; NotFound when neither is there. Tensors are float32.
Result<StateDict> read_weights(const std::string& dir);
Result<StateDict> read_safetensors_weights(const std::string& path);
Result<StateDict> read_pytorch_bin_weights(const std::string& path);

struct LoadReport {
  bool fresh_head = false;          // the head was missing (or had another label count)
  std::vector<std::string> unused;  // checkpoint tensors the model has no place for
};

// Copies `weights` into `model`. Every parameter must be present with its
// exact shape, except the task head when `allow_fresh_head`: then a head
// that is missing, or sized for another number of labels, is initialised
// as HF does, seeded. `origin` names the checkpoint in errors.
Result<LoadReport> load_weights(SequenceClassifier& model, StateDict weights, bool allow_fresh_head,
                                uint64_t seed, const std::string& origin);

// model.safetensors with every parameter under its HF name, F32,
// __metadata__ {"format": "pt"}, as save_pretrained writes it.
Status save_weights(SequenceClassifier& model, const std::string& path);

}  // namespace hitloop::ml::encoder
