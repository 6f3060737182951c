#include "ml/encoder/checkpoint.h"

#include <torch/csrc/jit/serialization/pickle.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "ml/encoder/layers.h"
#include "ml/encoder/safetensors.h"

namespace hitloop::ml::encoder {
namespace fs = std::filesystem;
namespace {

std::string shape_text(c10::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Result<torch::ScalarType> torch_type(DType d) {
  switch (d) {
    case DType::kF64:
      return torch::kDouble;
    case DType::kF32:
      return torch::kFloat;
    case DType::kF16:
      return torch::kHalf;
    case DType::kBF16:
      return torch::kBFloat16;
    case DType::kI64:
      return torch::kLong;
    case DType::kI32:
      return torch::kInt;
    case DType::kI16:
      return torch::kShort;
    case DType::kI8:
      return torch::kChar;
    case DType::kU8:
      return torch::kByte;
    case DType::kBool:
      return torch::kBool;
  }
  return InvalidArgument("unknown dtype");
}

bool is_float(DType d) {
  return d == DType::kF64 || d == DType::kF32 || d == DType::kF16 || d == DType::kBF16;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// Old BERT checkpoints (TF-converted) name LayerNorm parameters gamma/beta;
// a bare DistilBertModel / BertModel save has no "distilbert."/"bert."
// prefix. HF's from_pretrained accepts both; so do we.
StateDict normalise_names(StateDict weights, const std::string& body_prefix,
                          const std::vector<std::string>& head_prefixes) {
  StateDict out;
  bool has_prefix = false;
  for (const auto& [k, v] : weights) has_prefix = has_prefix || starts_with(k, body_prefix);
  for (auto& [key, v] : weights) {
    std::string k = key;
    if (ends_with(k, ".gamma")) k = k.substr(0, k.size() - 6) + ".weight";
    if (ends_with(k, ".beta")) k = k.substr(0, k.size() - 5) + ".bias";
    bool is_head = false;
    for (const std::string& p : head_prefixes) is_head = is_head || starts_with(k, p);
    if (!has_prefix && !is_head && !starts_with(k, body_prefix)) k = body_prefix + k;
    out[k] = std::move(v);
  }
  return out;
}

std::string list_names(const std::vector<std::string>& names, size_t max = 5) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < max; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > max) s += " (and " + std::to_string(names.size() - max) + " more)";
  return s;
}

}  // namespace

Result<StateDict> read_safetensors_weights(const std::string& path) {
  HITLOOP_ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::read(path));
  StateDict out;
  for (const TensorEntry& e : file.tensors()) {
    if (!is_float(e.dtype)) continue;  // buffers such as position_ids are not weights
    HITLOOP_ASSIGN_OR_RETURN(torch::ScalarType type, torch_type(e.dtype));
    torch::Tensor t = torch::empty(e.shape, torch::TensorOptions().dtype(type));
    if (e.nbytes) std::memcpy(t.data_ptr(), file.data(e), e.nbytes);
    out[e.name] = t.to(torch::kFloat);
  }
  return out;
}

Result<StateDict> read_pytorch_bin_weights(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path + ": cannot open");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
    return InvalidArgument(path +
                           ": not a torch.save zip archive (the legacy pre-1.6 format and "
                           "other files are not supported; convert it to model.safetensors)");
  }
  try {
    c10::IValue value = torch::pickle_load(bytes);
    if (!value.isGenericDict()) return InvalidArgument(path + ": does not hold a state dict");
    StateDict out;
    for (const auto& item : value.toGenericDict()) {
      if (!item.key().isString() || !item.value().isTensor()) {
        return InvalidArgument(path + ": state dict entries must be name -> tensor");
      }
      torch::Tensor t = item.value().toTensor();
      if (!t.is_floating_point()) continue;
      out[item.key().toStringRef()] = t.to(torch::kFloat).contiguous();
    }
    return out;
  } catch (const c10::Error& e) {
    return InvalidArgument(
        path + ": cannot read (malformed or truncated?): " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    return InvalidArgument(path + ": cannot read (malformed or truncated?): " + e.what());
  }
}

Result<StateDict> read_weights(const std::string& dir) {
  fs::path st = fs::path(dir) / "model.safetensors", bin = fs::path(dir) / "pytorch_model.bin";
  if (fs::exists(st)) return read_safetensors_weights(st.string());
  if (fs::exists(bin)) return read_pytorch_bin_weights(bin.string());
  return NotFound(dir + ": no model.safetensors or pytorch_model.bin");
}

Result<LoadReport> load_weights(SequenceClassifier& model, StateDict weights, bool allow_fresh_head,
                                uint64_t seed, const std::string& origin) {
  const EncoderConfig& config = model.config();
  const std::vector<std::string> head = model.head_prefixes();
  weights = normalise_names(std::move(weights), model.body_prefix(), head);
  auto in_head = [&](const std::string& name) {
    for (const std::string& p : head) {
      if (starts_with(name, p)) return true;
    }
    return false;
  };
  LoadReport report;
  std::vector<std::string> missing, missing_head;
  torch::NoGradGuard no_grad;
  auto params = model.named_parameters();
  for (const auto& item : params) {
    const std::string& name = item.key();
    auto it = weights.find(name);
    if (it == weights.end()) {
      (in_head(name) ? missing_head : missing).push_back(name);
      continue;
    }
    const torch::Tensor& src = it->second;
    if (src.sizes() != item.value().sizes()) {
      if (name.find("word_embeddings") != std::string::npos) {
        return InvalidArgument(origin + ": vocab size mismatch: config.json says vocab_size " +
                               std::to_string(config.vocab_size) + " and hidden size " +
                               std::to_string(config.hidden) + ", but " + name + " is " +
                               shape_text(src.sizes()));
      }
      if (in_head(name) && allow_fresh_head) {
        missing_head.push_back(name);  // e.g. a 3-label head: replaced, as when absent
        continue;
      }
      return InvalidArgument(origin + ": tensor " + name + " has shape " + shape_text(src.sizes()) +
                             " but config.json implies " + shape_text(item.value().sizes()));
    }
    item.value().copy_(src);
  }
  if (!missing.empty()) {
    return InvalidArgument(origin + ": missing tensors: " + list_names(missing));
  }
  if (!missing_head.empty()) {
    if (!allow_fresh_head) {
      return InvalidArgument(
          origin +
          ": no sequence-classification head (missing tensors: " + list_names(missing_head) +
          "); fine-tune it first with `hitloop train --kind encoder --base DIR`");
    }
    init_hf_weights(model, config.initializer_range, config.pad_token_id, missing_head, seed);
    report.fresh_head = true;
  }
  std::set<std::string> known;
  for (const auto& item : params) known.insert(item.key());
  for (const auto& [k, v] : weights) {
    if (!known.count(k)) report.unused.push_back(k);
  }
  return report;
}

Status save_weights(SequenceClassifier& model, const std::string& path) {
  std::vector<torch::Tensor> keep;  // owns the contiguous copies while writing
  std::vector<TensorView> views;
  for (const auto& item : model.named_parameters()) {
    torch::Tensor t = item.value().detach().to(torch::kFloat).contiguous();
    keep.push_back(t);
    views.push_back({item.key(), DType::kF32, t.sizes().vec(), t.data_ptr(),
                     static_cast<size_t>(t.numel()) * sizeof(float)});
  }
  return write_safetensors(path, views, {{"format", "pt"}});
}

}  // namespace hitloop::ml::encoder
