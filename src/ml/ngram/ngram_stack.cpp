#include "ml/ngram/ngram_stack.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "ml/ngram/binio.h"
#include "ml/ngram/linear.h"

namespace hitloop::ml::ngram {
namespace {

constexpr char kMagicV1[8] = {'H', 'L', 'N', 'G', 'R', 'A', 'M', '2'};
constexpr char kMagicV2[8] = {'H', 'L', 'N', 'G', 'R', 'A', 'M', '3'};
constexpr char kMagicV3[8] = {'H', 'L', 'N', 'G', 'R', 'A', 'M', '4'};
constexpr char kWeightsFile[] = "ngram.bin";

bool finite(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

}  // namespace

NgramStack::NgramStack(NgramModel full, SparseWeights output, std::optional<Gbm> pair,
                       WordIdf word_idf, Combiner combiner)
    : full_(std::move(full)),
      output_(std::move(output)),
      pair_(std::move(pair)),
      word_idf_(std::move(word_idf)),
      combiner_(combiner) {
  if (!output_.index.empty()) {
    output_weights_.assign(full_.weights().size(), 0.f);
    for (size_t i = 0; i < output_.index.size(); ++i)
      output_weights_[output_.index[i]] = output_.value[i];
  }
}

double NgramStack::output_margin(const Features& f) const {
  if (output_weights_.empty()) return 0;
  double m = output_weights_.back();  // bias
  for (size_t i = 0; i < f.sparse.size(); ++i) {
    if (output_namespace(f.ns[i])) m += output_weights_[f.sparse[i].index] * f.sparse[i].value;
  }
  return m;
}

NgramStack::Parts NgramStack::parts(std::string_view input, std::string_view output,
                                    Features& scratch) const {
  Parts p;
  p.full = full_.margin(input, output, scratch);  // featurizes into scratch
  p.output = output_margin(scratch);
  if (pair_) {
    PairRow row;
    pair_features(scratch, word_idf_, row);
    p.pair = pair_->predict(row.data());
  }
  return p;
}

void NgramStack::margins(std::span<const TextPair> pairs, std::span<double> out) const {
  thread_local Features scratch;
  for (size_t i = 0; i < pairs.size(); ++i) {
    Parts p = parts(pairs[i].input, pairs[i].output, scratch);
    out[i] = combiner_.bias + combiner_.full * p.full + combiner_.output * p.output +
             combiner_.pair * p.pair;
  }
}

std::vector<Contribution> NgramStack::explain(const TextPair& pair, size_t top_k) const {
  // Every part's contributions, scaled by the combiner's weight for it; they
  // add up to the margin.
  std::map<std::string, double> by_name;
  by_name["(bias)"] += combiner_.bias;
  if (combiner_.full != 0) {
    for (const Contribution& c : full_.explain(pair, std::numeric_limits<size_t>::max()))
      by_name[c.feature] += combiner_.full * c.value;
  }
  Features f;
  full_.featurizer().featurize(pair.input, pair.output, f, full_.idf().data());
  if (combiner_.output != 0 && !output_weights_.empty()) {
    auto names = full_.featurizer().describe(pair.input, pair.output);
    for (size_t i = 0; i < f.sparse.size(); ++i) {
      if (output_namespace(f.ns[i])) {
        by_name[names[f.sparse[i].index]] +=
            combiner_.output * output_weights_[f.sparse[i].index] * f.sparse[i].value;
      }
    }
    by_name["(bias)"] += combiner_.output * output_weights_.back();
  }
  if (combiner_.pair != 0 && pair_) {
    PairRow row;
    pair_features(f, word_idf_, row);
    std::vector<double> per(kPairCount, 0.0);
    double bias = 0;
    pair_->explain(row.data(), per, bias);
    by_name["(bias)"] += combiner_.pair * bias;
    for (int k = 0; k < kPairCount; ++k) {
      if (per[k] == 0) continue;
      char label[128];
      std::snprintf(label, sizeof label, "pair: %s = %.3g", pair_feature_name(k), row[k]);
      by_name[label] += combiner_.pair * per[k];
    }
  }
  return ranked(by_name, top_k);
}

Status NgramStack::save(const std::string& dir) const {
  const FeaturizerConfig& config = full_.featurizer().config();
  std::string body(config.sublinear_tf ? kMagicV3 : kMagicV2, 8);
  bin::put<uint32_t>(body, static_cast<uint32_t>(config.hash_bits));
  bin::put<uint32_t>(body, static_cast<uint32_t>(config.max_text_bytes));
  bin::put(body, full_.dense());
  bin::put_vector(body, full_.idf());
  bin::put_vector(body, full_.weights());
  bin::put_vector(body, output_.index);
  bin::put_vector(body, output_.value);
  bin::put<uint8_t>(body, pair_ ? 1 : 0);
  if (pair_) pair_->serialize(body);
  word_idf_.serialize(body);
  bin::put(body, combiner_);
  std::string path = dir + "/" + kWeightsFile;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.close();
  return out ? Status::Ok() : IoError(path + ": write failed");
}

Result<std::unique_ptr<NgramStack>> NgramStack::load(const std::string& dir) {
  std::string path = dir + "/" + kWeightsFile;
  std::ifstream file(path, std::ios::binary);
  if (!file) return InvalidArgument(path + ": cannot open");
  std::stringstream ss;
  ss << file.rdbuf();
  const std::string data = ss.str();
  std::string_view in(data);
  auto bad = [&](const std::string& why) {
    return InvalidArgument(
        path + ": not a valid n-gram model file, v2/v3 (truncated or corrupt: " + why + ")");
  };
  const std::string_view magic = in.substr(0, 8);
  const bool v3 = magic == std::string_view(kMagicV3, 8);
  if (!v3 && magic != std::string_view(kMagicV2, 8)) return bad("wrong magic");
  in.remove_prefix(8);
  uint32_t bits = 0, max_bytes = 0;
  DenseEncoder dense;
  if (!bin::get(in, bits) || !bin::get(in, max_bytes) || bits < 10 || bits > 26 || max_bytes == 0 ||
      !bin::get(in, dense))
    return bad("header");
  FeaturizerConfig config;
  config.hash_bits = static_cast<int>(bits);
  config.max_text_bytes = max_bytes;
  config.sublinear_tf = v3;
  Featurizer fz(config);
  const uint32_t dim = NgramModel::dim_for(fz);
  std::vector<float> idf, weights;
  SparseWeights output;
  if (!bin::get_vector(in, idf, fz.hash_size()) || idf.size() != fz.hash_size() || !finite(idf) ||
      !bin::get_vector(in, weights, dim) || weights.size() != dim || !finite(weights))
    return bad("linear weights");
  if (!bin::get_vector(in, output.index, dim) || !bin::get_vector(in, output.value, dim) ||
      output.index.size() != output.value.size() || !finite(output.value) ||
      !std::all_of(output.index.begin(), output.index.end(), [&](uint32_t i) { return i < dim; }))
    return bad("output-only weights");
  uint8_t has_pair = 0;
  std::optional<Gbm> pair;
  if (!bin::get(in, has_pair) || has_pair > 1) return bad("pair flag");
  if (has_pair) {
    auto gbm = Gbm::parse(in);
    if (!gbm.ok()) return bad(gbm.status().message());
    if (gbm->n_features() != kPairCount) return bad("pair feature count");
    pair = std::move(gbm).value();
  }
  auto word_idf = WordIdf::parse(in);
  if (!word_idf.ok()) return bad(word_idf.status().message());
  Combiner combiner;
  if (!bin::get(in, combiner) || !in.empty()) return bad("combiner or trailing bytes");
  for (double v : {combiner.bias, combiner.full, combiner.output, combiner.pair}) {
    if (!std::isfinite(v)) return bad("combiner");
  }
  return std::make_unique<NgramStack>(NgramModel(fz, std::move(idf), dense, std::move(weights)),
                                      std::move(output), std::move(pair),
                                      std::move(word_idf).value(), combiner);
}

Result<int> ngram_artifact_version(const std::string& dir) {
  std::string path = dir + "/" + kWeightsFile;
  std::ifstream file(path, std::ios::binary);
  if (!file) return InvalidArgument(path + ": cannot open");
  char magic[8] = {};
  file.read(magic, sizeof magic);
  if (file.gcount() == sizeof magic) {
    if (std::equal(magic, magic + 8, kMagicV1)) return 1;
    if (std::equal(magic, magic + 8, kMagicV2)) return 2;
    if (std::equal(magic, magic + 8, kMagicV3)) return 3;
    if (std::equal(magic, magic + 7, kMagicV1)) {
      return InvalidArgument(path + ": an n-gram model format (" + std::string(magic, 8) +
                             ") that this hitloop does not read (it reads v1 to v3); use the "
                             "hitloop that trained it, or retrain");
    }
  }
  return InvalidArgument(path + ": not an n-gram model file (unknown header)");
}

}  // namespace hitloop::ml::ngram
