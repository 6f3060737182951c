#include "ml/ngram/ngram_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "ml/ngram/linear.h"

namespace hitloop::ml::ngram {
namespace {

constexpr char kMagic[8] = {'H', 'L', 'N', 'G', 'R', 'A', 'M', '2'};
constexpr char kWeightsFile[] = "ngram.bin";

}  // namespace

void DenseEncoder::fit(const std::vector<std::array<float, kDenseCount>>& rows) {
  if (rows.empty()) return;
  std::vector<float> column(rows.size());
  for (int d = 0; d < kDenseCount; ++d) {
    double sum = 0, sq = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      column[i] = rows[i][d];
      sum += column[i];
      sq += static_cast<double>(column[i]) * column[i];
    }
    double n = static_cast<double>(rows.size());
    double mean_d = sum / n, var = std::max(0.0, sq / n - mean_d * mean_d);
    mean[d] = static_cast<float>(mean_d);
    inv_std[d] = var > 1e-12 ? static_cast<float>(1 / std::sqrt(var)) : 0.f;
    std::sort(column.begin(), column.end());
    for (int b = 1; b < kBins; ++b) {
      edges[d][b - 1] = column[std::min(column.size() - 1, column.size() * b / kBins)];
    }
  }
}

void DenseEncoder::encode(const std::array<float, kDenseCount>& x, uint32_t base,
                          std::vector<SparseFeature>& out) const {
  for (int d = 0; d < kDenseCount; ++d) {
    float z = std::clamp((x[d] - mean[d]) * inv_std[d], -5.f, 5.f);
    out.push_back({base + static_cast<uint32_t>(d), z * 0.5f});
    int bin = static_cast<int>(std::upper_bound(edges[d].begin(), edges[d].end(), x[d]) -
                               edges[d].begin());
    out.push_back({base + kDenseCount + static_cast<uint32_t>(d * kBins + bin), 0.5f});
  }
}

void encode_row(const Featurizer& featurizer, const DenseEncoder& dense, const Features& f,
                std::vector<SparseFeature>& out) {
  out.assign(f.sparse.begin(), f.sparse.end());
  dense.encode(f.dense, featurizer.hash_size(), out);
  out.push_back({featurizer.hash_size() + DenseEncoder::kWidth, 1.0f});  // bias
}

NgramModel::NgramModel(Featurizer featurizer, std::vector<float> idf, DenseEncoder dense,
                       std::vector<float> weights)
    : featurizer_(featurizer), idf_(std::move(idf)), dense_(dense), weights_(std::move(weights)) {}

void NgramModel::encode(std::string_view input, std::string_view output, Features& scratch,
                        std::vector<SparseFeature>& out) const {
  featurizer_.featurize(input, output, scratch, idf_.data());
  encode_row(featurizer_, dense_, scratch, out);
}

double NgramModel::margin(std::string_view input, std::string_view output,
                          Features& scratch) const {
  featurizer_.featurize(input, output, scratch, idf_.data());
  double m = dot(weights_, scratch.sparse);
  // Dense part and bias without materialising the row.
  const uint32_t base = featurizer_.hash_size();
  for (int d = 0; d < kDenseCount; ++d) {
    float z = std::clamp((scratch.dense[d] - dense_.mean[d]) * dense_.inv_std[d], -5.f, 5.f);
    int bin = static_cast<int>(
        std::upper_bound(dense_.edges[d].begin(), dense_.edges[d].end(), scratch.dense[d]) -
        dense_.edges[d].begin());
    m += weights_[base + d] * z * 0.5 + weights_[base + kDenseCount + d * kBins + bin] * 0.5;
  }
  return m + weights_[base + DenseEncoder::kWidth];
}

void NgramModel::margins(std::span<const TextPair> pairs, std::span<double> out) const {
  thread_local Features scratch;
  for (size_t i = 0; i < pairs.size(); ++i)
    out[i] = margin(pairs[i].input, pairs[i].output, scratch);
}

std::vector<Contribution> NgramModel::explain(const TextPair& pair, size_t top_k) const {
  Features f;
  featurizer_.featurize(pair.input, pair.output, f, idf_.data());
  auto names = featurizer_.describe(pair.input, pair.output);
  std::map<std::string, double> by_name;
  for (const SparseFeature& s : f.sparse)
    by_name[names[s.index]] += static_cast<double>(weights_[s.index]) * s.value;
  std::vector<SparseFeature> dense;
  dense_.encode(f.dense, featurizer_.hash_size(), dense);
  for (int d = 0; d < kDenseCount; ++d) {
    char label[96];
    std::snprintf(label, sizeof label, "%s = %.3g", Featurizer::dense_name(d), f.dense[d]);
    by_name[label] = weights_[dense[2 * d].index] * dense[2 * d].value +
                     weights_[dense[2 * d + 1].index] * dense[2 * d + 1].value;
  }
  by_name["(bias)"] = weights_[featurizer_.hash_size() + DenseEncoder::kWidth];
  return ranked(by_name, top_k);
}

std::vector<Contribution> ranked(const std::map<std::string, double>& by_name, size_t top_k) {
  std::vector<Contribution> out;
  for (const auto& [name, v] : by_name) out.push_back({name, v});
  std::sort(out.begin(), out.end(), [](const Contribution& a, const Contribution& b) {
    return std::abs(a.value) != std::abs(b.value) ? std::abs(a.value) > std::abs(b.value)
                                                  : a.feature < b.feature;
  });
  if (out.size() > top_k) out.resize(top_k);
  return out;
}

Status NgramModel::save(const std::string& dir) const {
  std::string path = dir + "/" + kWeightsFile;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError(path + ": cannot write");
  uint32_t header[3] = {static_cast<uint32_t>(featurizer_.config().hash_bits),
                        static_cast<uint32_t>(featurizer_.config().max_text_bytes),
                        static_cast<uint32_t>(weights_.size())};
  bool ok = std::fwrite(kMagic, 1, sizeof kMagic, f) == sizeof kMagic &&
            std::fwrite(header, sizeof header, 1, f) == 1 &&
            std::fwrite(&dense_, sizeof dense_, 1, f) == 1 &&
            std::fwrite(idf_.data(), sizeof(float), idf_.size(), f) == idf_.size() &&
            std::fwrite(weights_.data(), sizeof(float), weights_.size(), f) == weights_.size();
  ok = std::fclose(f) == 0 && ok;
  return ok ? Status::Ok() : IoError(path + ": write failed");
}

Result<std::unique_ptr<NgramModel>> NgramModel::load(const std::string& dir) {
  std::string path = dir + "/" + kWeightsFile;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return InvalidArgument(path + ": cannot open");
  char magic[8];
  uint32_t header[3];
  DenseEncoder dense;
  bool ok = std::fread(magic, 1, sizeof magic, f) == sizeof magic &&
            std::memcmp(magic, kMagic, sizeof magic) == 0 &&
            std::fread(header, sizeof header, 1, f) == 1 && header[0] >= 10 && header[0] <= 26 &&
            std::fread(&dense, sizeof dense, 1, f) == 1;
  FeaturizerConfig config;
  std::vector<float> weights, idf;
  if (ok) {
    config.hash_bits = static_cast<int>(header[0]);
    config.max_text_bytes = header[1];
    ok = header[2] == NgramModel::dim_for(Featurizer(config));
  }
  if (ok) {
    idf.resize(Featurizer(config).hash_size());
    ok = std::fread(idf.data(), sizeof(float), idf.size(), f) == idf.size();
  }
  if (ok) {
    weights.resize(header[2]);
    ok = std::fread(weights.data(), sizeof(float), weights.size(), f) == weights.size() &&
         std::fgetc(f) == EOF;
  }
  std::fclose(f);
  if (!ok)
    return InvalidArgument(path + ": not a valid n-gram weights file (truncated or corrupt)");
  return std::make_unique<NgramModel>(Featurizer(config), std::move(idf), dense,
                                      std::move(weights));
}

}  // namespace hitloop::ml::ngram
