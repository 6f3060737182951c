#include "ml/ngram/pair_features.h"

#include <algorithm>
#include <cmath>

#include "ml/ngram/binio.h"

namespace hitloop::ml::ngram {
namespace {

inline uint64_t trigram(uint64_t a, uint64_t b, uint64_t c) {
  return (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL + 1) ^
         (c * 0x165667B19E3779F9ULL);
}

float ratio(double a, double b) { return b > 0 ? static_cast<float>(a / b) : 0.f; }

// Sum over distinct words of `sorted` (with repeats) of idf, and of idf
// over those also in `other_set`.
void idf_sums(const std::vector<uint64_t>& set, const std::vector<uint64_t>& other_set,
              const WordIdf& idf, double& all, double& shared, double& max_novel,
              double& novel_sum) {
  all = shared = max_novel = novel_sum = 0;
  for (uint64_t w : set) {
    double v = idf(w);
    all += v;
    if (std::binary_search(other_set.begin(), other_set.end(), w)) {
      shared += v;
    } else {
      max_novel = std::max(max_novel, v);
      novel_sum += v;
    }
  }
}

// TF-IDF cosine of two sorted word lists (repeats are term frequency).
double tfidf_cosine(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                    const WordIdf& idf) {
  auto norm = [&](const std::vector<uint64_t>& v) {
    double s = 0;
    for (size_t i = 0; i < v.size();) {
      size_t j = i;
      while (j < v.size() && v[j] == v[i]) ++j;
      double x = (j - i) * idf(v[i]);
      s += x * x;
      i = j;
    }
    return std::sqrt(s);
  };
  double dot = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && a[i2] == a[i]) ++i2;
      while (j2 < b.size() && b[j2] == b[j]) ++j2;
      double v = idf(a[i]);
      dot += (i2 - i) * (j2 - j) * v * v;
      i = i2, j = j2;
    }
  }
  double d = norm(a) * norm(b);
  return d > 0 ? dot / d : 0;
}

}  // namespace

void WordIdf::fit(const std::vector<std::vector<uint64_t>>& docs) {
  std::vector<uint32_t> df(size_t{1} << kBits, 0);
  std::vector<uint32_t> buckets;
  for (const auto& doc : docs) {
    buckets.clear();
    for (uint64_t w : doc) buckets.push_back(static_cast<uint32_t>(w >> (64 - kBits)));
    std::sort(buckets.begin(), buckets.end());
    buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
    for (uint32_t b : buckets) df[b]++;
  }
  table_.resize(df.size());
  const double n = static_cast<double>(docs.size());
  for (size_t i = 0; i < df.size(); ++i)
    table_[i] = static_cast<float>(std::log((1 + n) / (1 + df[i])) + 1);
}

void WordIdf::serialize(std::string& out) const { bin::put_vector(out, table_); }

Result<WordIdf> WordIdf::parse(std::string_view& in) {
  WordIdf idf;
  if (!bin::get_vector(in, idf.table_, size_t{1} << kBits) ||
      idf.table_.size() != size_t{1} << kBits ||
      !std::all_of(idf.table_.begin(), idf.table_.end(),
                   [](float v) { return std::isfinite(v) && v >= 0 && v < 100; })) {
    return InvalidArgument("word IDF table is malformed");
  }
  return idf;
}

void pair_features(Features& f, const WordIdf& idf, PairRow& out) {
  std::copy(f.dense.begin(), f.dense.end(), out.begin());
  float* x = out.data() + kDenseCount;
  double out_all, out_shared, out_max_novel, out_novel_sum;
  idf_sums(f.out_set, f.in_set, idf, out_all, out_shared, out_max_novel, out_novel_sum);
  double in_all, in_shared, unused_max, unused_sum;
  idf_sums(f.in_set, f.out_set, idf, in_all, in_shared, unused_max, unused_sum);

  // Trigrams and the longest run of output words copied from the input.
  f.in_trigrams.clear();
  for (size_t i = 2; i < f.in_words.size(); ++i)
    f.in_trigrams.push_back(trigram(f.in_words[i - 2], f.in_words[i - 1], f.in_words[i]));
  std::sort(f.in_trigrams.begin(), f.in_trigrams.end());
  size_t tri = 0, tri_found = 0;
  for (size_t i = 2; i < f.out_words.size(); ++i) {
    ++tri;
    tri_found +=
        std::binary_search(f.in_trigrams.begin(), f.in_trigrams.end(),
                           trigram(f.out_words[i - 2], f.out_words[i - 1], f.out_words[i]));
  }
  size_t run = 0, longest = 0;
  for (size_t i = 0; i < f.out_words.size(); ++i) {
    bool in = std::binary_search(f.in_set.begin(), f.in_set.end(), f.out_words[i]);
    run = in ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  // The output's first line (a title, a greeting) against the input.
  size_t line_end = f.lower_out.find('\n');
  size_t first_words = 0, first_found = 0;
  for (size_t i = 0; i < f.out_spans.size() && f.out_spans[i].first < line_end; ++i) {
    ++first_words;
    first_found += std::binary_search(f.in_set.begin(), f.in_set.end(), f.out_words[i]);
  }
  // The input's last paragraph (in a chat log, often the user's latest turn;
  // before it, knowledge or earlier turns) against the output's words.
  size_t last_par = f.lower_in.rfind("\n\n");
  last_par = last_par == std::string::npos ? 0 : last_par;
  f.sorted_in.clear();
  for (size_t i = 0; i < f.in_spans.size(); ++i) {
    if (f.in_spans[i].first >= last_par) f.sorted_in.push_back(f.in_words[i]);
  }
  std::sort(f.sorted_in.begin(), f.sorted_in.end());
  size_t in_last = 0, in_before = 0, out_content = 0;
  for (uint64_t w : f.out_set) {
    if (idf(w) <= 2) continue;  // content words only
    ++out_content;
    bool last = std::binary_search(f.sorted_in.begin(), f.sorted_in.end(), w);
    in_last += last;
    in_before += !last && std::binary_search(f.in_set.begin(), f.in_set.end(), w);
  }
  f.sorted_in = f.in_words;
  std::sort(f.sorted_in.begin(), f.sorted_in.end());
  f.sorted_out = f.out_words;
  std::sort(f.sorted_out.begin(), f.sorted_out.end());
  size_t novel_content = 0;
  for (uint64_t w : f.out_set)
    novel_content += !std::binary_search(f.in_set.begin(), f.in_set.end(), w) && idf(w) > 2;

  x[0] = ratio(out_shared, out_all);
  x[1] = ratio(in_shared, in_all);
  x[2] = ratio(tri_found, tri);
  x[3] = ratio(longest, f.out_words.size());
  x[4] = std::log1p(static_cast<float>(longest));
  x[5] = static_cast<float>(out_max_novel);
  x[6] = ratio(out_all, f.out_set.size());
  x[7] = ratio(in_all, f.in_set.size());
  x[8] = static_cast<float>(tfidf_cosine(f.sorted_in, f.sorted_out, idf));
  x[9] = ratio(first_found, first_words);
  x[10] = std::log1p(static_cast<float>(novel_content));
  x[11] = std::log1p(static_cast<float>(out_novel_sum));
  x[12] = ratio(in_last, out_content);
  x[13] = ratio(in_before, out_content);
}

const char* pair_feature_name(int i) {
  static const char* const kNames[kPairCount - kDenseCount] = {
      "rare-word-weighted share of output words in input",
      "rare-word-weighted share of input words in output",
      "output trigrams in input",
      "longest copied run / output words",
      "log longest copied run",
      "rarest output word not in input (IDF)",
      "mean IDF of output words",
      "mean IDF of input words",
      "TF-IDF cosine of input and output",
      "output first line words in input",
      "log rare output words not in input",
      "log IDF mass of output words not in input",
      "output content words in the input's last paragraph",
      "output content words only earlier in the input"};
  if (i < kDenseCount) return Featurizer::dense_name(i);
  return i < kPairCount ? kNames[i - kDenseCount] : "?";
}

}  // namespace hitloop::ml::ngram
