#include "ml/encoder/encoder_model.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "core/dataset.h"
#include "ml/encoder/checkpoint.h"
#include "ml/encoder/encoder_state.h"
#include "ml/encoder/runtime.h"

namespace hitloop::ml::encoder {
namespace fs = std::filesystem;
namespace {

constexpr int kDefaultMaxLength = 128;
// Inference batches: at most this many rows, and rows x length at most
// kTokensPerBatch, so long rows go in small batches and short ones in big.
constexpr size_t kMaxRows = 32;
constexpr size_t kTokensPerBatch = 4096;
// And rows x length^2 at most this: the attention scores of a batch (times
// the heads) stay a few MiB. Larger ones (50 MiB at 16 rows of 256 tokens)
// are fresh pages from the kernel on every allocation, and faulting them in
// made embedding long texts 2.5x slower.
constexpr size_t kAttentionCells = size_t{1} << 18;

}  // namespace

Status write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
  out.flush();
  return out ? Status::Ok() : IoError(p.string() + ": write failed");
}

Result<std::shared_ptr<EncoderState>> open_checkpoint_dir(const std::string& dir,
                                                          int max_length_override) {
  if (!fs::is_directory(dir)) return NotFound(dir + ": not a directory");
  auto state = std::make_shared<EncoderState>();
  HITLOOP_ASSIGN_OR_RETURN(state->config, read_config((fs::path(dir) / "config.json").string()));
  HITLOOP_ASSIGN_OR_RETURN(text::WordPieceTokenizer tok, text::WordPieceTokenizer::load_dir(dir));
  if (tok.vocab_size() > state->config.vocab_size) {
    return InvalidArgument(dir + ": the tokenizer has " + std::to_string(tok.vocab_size()) +
                           " tokens but config.json's vocab_size is " +
                           std::to_string(state->config.vocab_size) +
                           " (the vocabulary does not belong to these weights)");
  }
  state->tokenizer = std::make_shared<const text::WordPieceTokenizer>(std::move(tok));
  for (const char* name : kTokenizerFiles) {
    fs::path p = fs::path(dir) / name;
    if (!fs::exists(p)) continue;
    HITLOOP_ASSIGN_OR_RETURN(state->tokenizer_files[name], read_file(p.string()));
  }
  int max_length = max_length_override > 0        ? max_length_override
                   : state->config.max_length > 0 ? static_cast<int>(state->config.max_length)
                                                  : kDefaultMaxLength;
  if (max_length < 3 || max_length > state->config.max_positions) {
    return InvalidArgument("max length " + std::to_string(max_length) + " is outside 3.." +
                           std::to_string(state->config.max_positions) +
                           " (the model's max_position_embeddings)");
  }
  state->max_length = max_length;
  state->config.max_length = max_length;
  try {
    state->net = make_classifier(state->config);
  } catch (const c10::Error& e) {
    return Internal(std::string("building the network: ") + e.what_without_backtrace());
  }
  return state;
}

TensorBatch to_tensors(const text::Batch& batch) {
  auto make = [&](const std::vector<int64_t>& v) {
    return torch::from_blob(const_cast<int64_t*>(v.data()), {batch.rows, batch.cols}, torch::kLong)
        .clone();
  };
  return {make(batch.input_ids), make(batch.token_type_ids), make(batch.attention_mask)};
}

void for_each_length_batch(
    const std::vector<text::Encoding>& enc, int64_t pad_id,
    const std::function<void(const TensorBatch&, std::span<const size_t>)>& fn) {
  const size_t n = enc.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return enc[a].size() < enc[b].size(); });
  size_t start = 0;
  while (start < n) {
    // Sorted by length, so the last row of a batch is its longest.
    size_t end = start + 1;
    while (end < n && end - start < kMaxRows &&
           (end - start + 1) * enc[order[end]].size() <= kTokensPerBatch &&
           (end - start + 1) * enc[order[end]].size() * enc[order[end]].size() <= kAttentionCells) {
      ++end;
    }
    std::vector<text::Encoding> rows;
    for (size_t i = start; i < end; ++i) rows.push_back(enc[order[i]]);
    fn(to_tensors(text::pad_to_longest(rows, pad_id)),
       std::span<const size_t>(order).subspan(start, end - start));
    start = end;
  }
}

torch::Tensor infer_logits(const EncoderState& state, std::span<const TextPair> pairs) {
  adopt_thread_setting();
  c10::InferenceMode guard;
  const size_t n = pairs.size();
  std::vector<text::Encoding> enc(n);
  for (size_t i = 0; i < n; ++i) {
    enc[i] = state.tokenizer->encode(pairs[i].input, pairs[i].output,
                                     static_cast<size_t>(state.max_length));
  }
  torch::Tensor out = torch::empty({static_cast<int64_t>(n), 2});
  for_each_length_batch(
      enc, state.tokenizer->pad_id(), [&](const TensorBatch& b, std::span<const size_t> rows) {
        torch::Tensor logits = state.net->forward(b.input_ids, b.token_type_ids, b.attention_mask);
        for (size_t i = 0; i < rows.size(); ++i) {
          out[static_cast<int64_t>(rows[i])].copy_(logits[static_cast<int64_t>(i)]);
        }
      });
  return out;
}

EncoderModel::EncoderModel(std::shared_ptr<EncoderState> state) : state_(std::move(state)) {
  state_->net->eval();
}

EncoderModel::~EncoderModel() = default;

Result<std::unique_ptr<EncoderModel>> EncoderModel::load(const std::string& dir,
                                                         const LoadOptions& options) {
  configure_threads(options.threads);
  HITLOOP_ASSIGN_OR_RETURN(std::shared_ptr<EncoderState> state,
                           open_checkpoint_dir(dir, options.max_length));
  if (state->config.num_labels != 2) {
    return InvalidArgument(dir + "/config.json: the model has " +
                           std::to_string(state->config.num_labels) +
                           " labels; a good/bad evaluator needs 2 (label 1 = good)");
  }
  HITLOOP_ASSIGN_OR_RETURN(StateDict weights, read_weights(dir));
  HITLOOP_ASSIGN_OR_RETURN(LoadReport report,
                           load_weights(*state->net, std::move(weights), false, 0, dir));
  (void)report;
  return std::make_unique<EncoderModel>(std::move(state));
}

Result<std::vector<std::array<float, 2>>> EncoderModel::logits(
    std::span<const TextPair> pairs) const {
  try {
    torch::Tensor t = infer_logits(*state_, pairs);
    std::vector<std::array<float, 2>> out(pairs.size());
    auto acc = t.accessor<float, 2>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = {acc[i][0], acc[i][1]};
    return out;
  } catch (const c10::Error& e) {
    return Internal(std::string("encoder inference failed: ") + e.what_without_backtrace());
  }
}

void EncoderModel::margins(std::span<const TextPair> pairs, std::span<double> out) const {
  Result<std::vector<std::array<float, 2>>> l = logits(pairs);
  // The Model interface has no error path; inference on validated weights
  // fails only on resource exhaustion, so a NaN margin marks it visibly.
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] =
        l.ok() ? static_cast<double>((*l)[i][1]) - static_cast<double>((*l)[i][0]) : std::nan("");
  }
}

std::vector<Contribution> EncoderModel::explain(const TextPair&, size_t) const { return {}; }

size_t EncoderModel::max_text_bytes() const { return SIZE_MAX; }

int EncoderModel::max_length() const { return state_->max_length; }

Status EncoderModel::save(const std::string& dir) const {
  const fs::path d(dir);
  HITLOOP_RETURN_IF_ERROR(write_file(d / "config.json", config_to_json(state_->config)));
  for (const auto& [name, content] : state_->tokenizer_files) {
    HITLOOP_RETURN_IF_ERROR(write_file(d / name, content));
  }
  try {
    return save_weights(*state_->net, (d / "model.safetensors").string());
  } catch (const c10::Error& e) {
    return Internal(std::string("saving weights: ") + e.what_without_backtrace());
  }
}

}  // namespace hitloop::ml::encoder
