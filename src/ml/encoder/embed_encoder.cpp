#include "ml/encoder/embed_encoder.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/dataset.h"
#include "core/digest.h"
#include "ml/encoder/checkpoint.h"
#include "ml/encoder/encoder_state.h"
#include "ml/encoder/runtime.h"

namespace hitloop::ml::encoder {
namespace fs = std::filesystem;
namespace {

constexpr size_t kDigestBytes = 32;

// The weights file read_weights() reads.
std::string weights_file(const std::string& dir) {
  return fs::exists(fs::path(dir) / "model.safetensors") ? "model.safetensors"
                                                         : "pytorch_model.bin";
}

// A file into the digest as one field (length-prefixed), streamed.
Status digest_file(Digest& d, const fs::path& path) {
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return IoError(path.string() + ": " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path.string() + ": cannot open");
  d.update(std::string_view(reinterpret_cast<const char*>(&size), sizeof size));
  std::string buf(1 << 20, '\0');
  uint64_t seen = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<size_t>(in.gcount());
    d.update(std::string_view(buf.data(), got));
    seen += got;
  }
  if (seen != size) return IoError(path.string() + ": changed while being read");
  return Status::Ok();
}

std::string sentence_key(const SentenceConfig& s) {
  return s.describe() + "|" + std::to_string(s.max_seq_length) + "|" +
         (s.do_lower_case ? "lower" : "asis");
}

// Whether the tokenizer lowercases (then do_lower_case changes nothing).
bool lowercases(const text::WordPieceTokenizer& tok) {
  return tok.token_ids("Where Is My Order") == tok.token_ids("where is my order");
}

}  // namespace

struct SentenceEncoder::State {
  std::shared_ptr<EncoderState> enc;
  SentenceConfig sentence;
  std::string digest;
  std::string dir;
  size_t dim = 0;
};

Result<std::string> encoder_digest(const std::string& dir, const SentenceConfig& sentence) {
  Digest d(kDigestBytes);
  d.field("hitloop sentence encoder 1");
  const std::string weights = weights_file(dir);
  for (const char* name : {"config.json", weights.c_str()}) {
    d.field(name);
    HITLOOP_RETURN_IF_ERROR(digest_file(d, fs::path(dir) / name));
  }
  for (const char* name : kTokenizerFiles) {
    if (!fs::exists(fs::path(dir) / name)) continue;
    d.field(name);
    HITLOOP_RETURN_IF_ERROR(digest_file(d, fs::path(dir) / name));
  }
  d.field(sentence_key(sentence));
  return d.finish();
}

SentenceEncoder::SentenceEncoder(std::unique_ptr<State> state) : state_(std::move(state)) {}
SentenceEncoder::~SentenceEncoder() = default;

Result<std::shared_ptr<const SentenceEncoder>> SentenceEncoder::open(
    const std::string& dir, const std::optional<SentenceConfig>& sentence) {
  if (!fs::is_directory(dir)) return NotFound(dir + ": not a directory");
  HITLOOP_ASSIGN_OR_RETURN(EncoderConfig config,
                           read_config((fs::path(dir) / "config.json").string()));
  auto state = std::make_unique<State>();
  state->dir = dir;
  if (sentence) {
    state->sentence = *sentence;
  } else {
    HITLOOP_ASSIGN_OR_RETURN(state->sentence,
                             read_sentence_config(dir, config.hidden, config.max_positions));
  }
  const SentenceConfig& s = state->sentence;
  if (s.modes.empty() || s.max_seq_length < 3 || s.max_seq_length > config.max_positions) {
    return InvalidArgument(dir + ": the pooling or max_seq_length (" +
                           std::to_string(s.max_seq_length) + ") does not fit the model");
  }
  try {
    HITLOOP_ASSIGN_OR_RETURN(state->enc, open_checkpoint_dir(dir, s.max_seq_length));
    if (s.do_lower_case && !lowercases(*state->enc->tokenizer)) {
      return InvalidArgument(dir +
                             ": sentence_bert_config.json asks for do_lower_case, but the "
                             "tokenizer is cased; hitloop does not lowercase for it");
    }
    HITLOOP_ASSIGN_OR_RETURN(StateDict weights, read_weights(dir));
    // The task head is not used (and usually absent): allowed fresh.
    HITLOOP_ASSIGN_OR_RETURN(LoadReport report,
                             load_weights(*state->enc->net, std::move(weights), true, 0, dir));
    (void)report;
    state->enc->net->eval();
  } catch (const c10::Error& e) {
    return Internal(dir + ": loading the encoder failed: " + e.what_without_backtrace());
  }
  state->dim = static_cast<size_t>(s.dim(state->enc->config.hidden));
  HITLOOP_ASSIGN_OR_RETURN(state->digest, encoder_digest(dir, s));
  return std::shared_ptr<const SentenceEncoder>(new SentenceEncoder(std::move(state)));
}

Result<std::vector<float>> SentenceEncoder::embed(std::span<const std::string_view> texts,
                                                  const ProgressFn& progress) const {
  const State& st = *state_;
  const size_t n = texts.size();
  std::vector<float> out(n * st.dim);
  if (n == 0) return out;
  try {
    adopt_thread_setting();
    c10::InferenceMode guard;
    std::vector<text::Encoding> enc(n);
    for (size_t i = 0; i < n; ++i) {
      enc[i] =
          st.enc->tokenizer->encode(texts[i], {}, static_cast<size_t>(st.sentence.max_seq_length));
    }
    const int64_t hidden = st.enc->config.hidden;
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto last = start;
    size_t done = 0;
    for_each_length_batch(
        enc, st.enc->tokenizer->pad_id(), [&](const TensorBatch& b, std::span<const size_t> rows) {
          torch::Tensor h =
              st.enc->net->hidden_states(b.input_ids, b.token_type_ids, b.attention_mask)
                  .contiguous();
          const float* base = h.data_ptr<float>();
          const int64_t cols = h.size(1);
          for (size_t i = 0; i < rows.size(); ++i) {
            pool_tokens(base + static_cast<int64_t>(i) * cols * hidden,
                        static_cast<int64_t>(enc[rows[i]].size()), hidden, st.sentence,
                        out.data() + rows[i] * st.dim);
          }
          done += rows.size();
          if (progress && Clock::now() - last > std::chrono::seconds(5)) {
            last = Clock::now();
            const double secs = std::chrono::duration<double>(last - start).count();
            char line[160];
            std::snprintf(line, sizeof line, "embed: %zu/%zu texts, %.1f texts/s", done, n,
                          done / secs);
            progress(line);
          }
        });
  } catch (const c10::Error& e) {
    return Internal(std::string("embedding failed: ") + e.what_without_backtrace());
  }
  return out;
}

size_t SentenceEncoder::dim() const { return state_->dim; }
const SentenceConfig& SentenceEncoder::sentence_config() const { return state_->sentence; }
const std::string& SentenceEncoder::digest() const { return state_->digest; }
const std::string& SentenceEncoder::dir() const { return state_->dir; }

std::string SentenceEncoder::describe() const {
  const EncoderConfig& c = state_->enc->config;
  return std::string(c.model_type()) + " " + std::to_string(c.layers) + " layers x " +
         std::to_string(c.hidden) + ", " + state_->sentence.describe() + ", " +
         std::to_string(state_->sentence.max_seq_length) + " tokens";
}

Status SentenceEncoder::copy_files_to(const std::string& dir) const {
  const State& st = *state_;
  std::vector<std::string> names = {"config.json", weights_file(st.dir)};
  for (const char* name : kTokenizerFiles) {
    if (fs::exists(fs::path(st.dir) / name)) names.emplace_back(name);
  }
  std::error_code ec;
  for (const std::string& name : names) {
    fs::copy_file(fs::path(st.dir) / name, fs::path(dir) / name,
                  fs::copy_options::overwrite_existing, ec);
    if (ec) return IoError((fs::path(st.dir) / name).string() + ": cannot copy: " + ec.message());
  }
  HITLOOP_ASSIGN_OR_RETURN(std::string copied, encoder_digest(dir, st.sentence));
  if (copied != st.digest) {
    return InvalidArgument(st.dir + ": the checkpoint changed while the model was trained");
  }
  return Status::Ok();
}

}  // namespace hitloop::ml::encoder
