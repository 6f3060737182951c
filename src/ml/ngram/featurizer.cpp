#include "ml/ngram/featurizer.h"

#include <algorithm>
#include <cmath>

#include "core/hash.h"

namespace hitloop::ml::ngram {
namespace {

constexpr uint64_t kIn = kNsIn, kOut = kNsOut, kChr = kNsChr, kNew = kNsNew;
constexpr int kNamespaces = 5;

inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDULL;
  z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53ULL;
  return z ^ (z >> 33);
}

inline uint64_t bigram(uint64_t a, uint64_t b) { return mix64(a * 0x9E3779B97F4A7C15ULL + b); }

inline bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// Lowercases ASCII into `lower` and appends the spans of words.
void split_words(std::string_view text, std::string& lower,
                 std::vector<std::pair<uint32_t, uint32_t>>& spans) {
  lower.assign(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  spans.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(lower.data());
  uint32_t n = static_cast<uint32_t>(lower.size());
  for (uint32_t i = 0; i < n;) {
    if (!is_word_byte(p[i])) {
      ++i;
      continue;
    }
    uint32_t b = i;
    while (i < n && is_word_byte(p[i])) ++i;
    spans.emplace_back(b, i);
  }
}

bool is_number(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void sorted_unique(std::vector<uint64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool contains(const std::vector<uint64_t>& sorted, uint64_t h) {
  return std::binary_search(sorted.begin(), sorted.end(), h);
}

size_t intersection_size(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  size_t i = 0, j = 0, n = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j])
      ++i;
    else if (b[j] < a[i])
      ++j;
    else
      ++n, ++i, ++j;
  }
  return n;
}

float frac(size_t a, size_t b) {
  return b == 0 ? 0.f : static_cast<float>(a) / static_cast<float>(b);
}

// Walks every feature of a pair. `Sink::add(ns, hash, name)` receives each
// one; `name` is a callable so that only the explaining sink builds strings.
template <typename Sink>
void extract(std::string_view input, std::string_view output, size_t max_bytes, Features& f,
             Sink& sink) {
  input = input.substr(0, max_bytes);
  output = output.substr(0, max_bytes);
  auto& in_spans = f.in_spans;
  split_words(input, f.lower_in, in_spans);
  split_words(output, f.lower_out, f.out_spans);
  auto word = [](const std::string& s, std::pair<uint32_t, uint32_t> sp) {
    return std::string_view(s).substr(sp.first, sp.second - sp.first);
  };

  f.in_words.clear();
  f.numbers_in.clear();
  for (auto sp : in_spans) {
    std::string_view w = word(f.lower_in, sp);
    f.in_words.push_back(fnv1a64(w));
    if (is_number(w)) f.numbers_in.push_back(f.in_words.back());
  }
  f.out_words.clear();
  for (auto sp : f.out_spans) f.out_words.push_back(fnv1a64(word(f.lower_out, sp)));

  // in: unigrams and bigrams of the input.
  for (size_t i = 0; i < f.in_words.size(); ++i) {
    sink.add(kIn, f.in_words[i],
             [&] { return "in:" + std::string(word(f.lower_in, in_spans[i])); });
    if (i > 0) {
      sink.add(kIn, bigram(f.in_words[i - 1], f.in_words[i]), [&] {
        return "in:" + std::string(word(f.lower_in, in_spans[i - 1])) + " " +
               std::string(word(f.lower_in, in_spans[i]));
      });
    }
  }
  // out: unigrams and bigrams of the output.
  for (size_t i = 0; i < f.out_words.size(); ++i) {
    sink.add(kOut, f.out_words[i],
             [&] { return "out:" + std::string(word(f.lower_out, f.out_spans[i])); });
    if (i > 0) {
      sink.add(kOut, bigram(f.out_words[i - 1], f.out_words[i]), [&] {
        return "out:" + std::string(word(f.lower_out, f.out_spans[i - 1])) + " " +
               std::string(word(f.lower_out, f.out_spans[i]));
      });
    }
  }
  // chr: character 3-5-grams of "<word>", hashed incrementally.
  for (auto sp : f.out_spans) {
    std::string_view w = word(f.lower_out, sp);
    if (w.size() > 40) w = w.substr(0, 40);
    const size_t len = w.size() + 2;
    auto at = [&](size_t k) -> unsigned char {
      return k == 0 ? '<' : k == len - 1 ? '>' : static_cast<unsigned char>(w[k - 1]);
    };
    for (size_t s = 0; s + 3 <= len; ++s) {
      uint64_t h = 0xCBF29CE484222325ULL;
      for (size_t k = s; k < s + 5 && k < len; ++k) {
        h = (h ^ at(k)) * 0x100000001B3ULL;
        if (k - s + 1 >= 3) {
          sink.add(kChr, h, [&] {
            std::string g;
            for (size_t q = s; q <= k; ++q) g.push_back(static_cast<char>(at(q)));
            return "chr:" + g;
          });
        }
      }
    }
  }
  // new: output words absent from the input.
  f.in_set = f.in_words;
  sorted_unique(f.in_set);
  for (size_t i = 0; i < f.out_words.size(); ++i) {
    if (!contains(f.in_set, f.out_words[i])) {
      sink.add(kNew, f.out_words[i],
               [&] { return "new:" + std::string(word(f.lower_out, f.out_spans[i])); });
    }
  }

  // Dense pair features.
  f.out_set = f.out_words;
  sorted_unique(f.out_set);
  sorted_unique(f.numbers_in);
  size_t shared = intersection_size(f.out_set, f.in_set);
  size_t content = 0, content_grounded = 0, numbers = 0, novel_numbers = 0;
  for (size_t i = 0; i < f.out_words.size(); ++i) {
    std::string_view w = word(f.lower_out, f.out_spans[i]);
    if (w.size() >= 4) {
      ++content;
      content_grounded += contains(f.in_set, f.out_words[i]);
    }
    if (is_number(w)) {
      ++numbers;
      novel_numbers += !contains(f.numbers_in, f.out_words[i]);
    }
  }
  f.in_bigrams.clear();
  for (size_t i = 1; i < f.in_words.size(); ++i)
    f.in_bigrams.push_back(bigram(f.in_words[i - 1], f.in_words[i]));
  sorted_unique(f.in_bigrams);
  size_t out_bigrams = f.out_words.size() > 1 ? f.out_words.size() - 1 : 0, grounded_bigrams = 0;
  for (size_t i = 1; i < f.out_words.size(); ++i) {
    grounded_bigrams += contains(f.in_bigrams, bigram(f.out_words[i - 1], f.out_words[i]));
  }
  size_t questions = 0, exclaims = 0, upper = 0, letters = 0, sentences = 0;
  for (size_t i = 0; i < output.size(); ++i) {
    char c = output[i];
    questions += c == '?';
    exclaims += c == '!';
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      ++letters;
      upper += c <= 'Z';
    }
    if ((c == '.' || c == '!' || c == '?') &&
        (i + 1 == output.size() || output[i + 1] == ' ' || output[i + 1] == '\n')) {
      ++sentences;
    }
  }
  auto& d = f.dense;
  d[0] = std::log1p(static_cast<float>(input.size()));
  d[1] = std::log1p(static_cast<float>(output.size()));
  d[2] = d[1] - d[0];
  d[3] = std::log1p(static_cast<float>(f.out_words.size()));
  d[4] = frac(shared, f.out_set.size());
  d[5] = frac(shared, f.in_set.size());
  d[6] = frac(content_grounded, content);
  d[7] = frac(grounded_bigrams, out_bigrams);
  d[8] = frac(shared, f.in_set.size() + f.out_set.size() - shared);
  d[9] = std::log1p(static_cast<float>(novel_numbers));
  d[10] = std::log1p(static_cast<float>(numbers));
  d[11] = std::log1p(static_cast<float>(questions));
  d[12] = std::log1p(static_cast<float>(exclaims));
  d[13] = frac(upper, letters);
  d[14] = frac(f.out_set.size(), f.out_words.size());
  d[15] = std::log1p(static_cast<float>(sentences));
}

struct IndexSink {
  Features& f;
  int bits;
  template <typename Name>
  void add(uint64_t ns, uint64_t h, const Name&) {
    f.sparse.push_back(
        {static_cast<uint32_t>(mix64(h ^ (ns * 0xD6E8FEB86659FD93ULL)) >> (64 - bits)), 1.f});
    f.ns.push_back(static_cast<uint8_t>(ns));
  }
};

struct NameSink {
  int bits;
  std::vector<std::pair<uint32_t, std::string>> names;
  template <typename Name>
  void add(uint64_t ns, uint64_t h, const Name& name) {
    names.emplace_back(
        static_cast<uint32_t>(mix64(h ^ (ns * 0xD6E8FEB86659FD93ULL)) >> (64 - bits)), name());
  }
};

}  // namespace

namespace {

// Sorts by index and merges repeats; values become the counts' 1 + ln count.
void merge_repeats(std::vector<SparseFeature>& sparse, std::vector<uint8_t>& ns) {
  std::vector<std::pair<uint32_t, uint8_t>> keyed(sparse.size());
  for (size_t i = 0; i < sparse.size(); ++i) keyed[i] = {sparse[i].index, ns[i]};
  std::sort(keyed.begin(), keyed.end());
  sparse.clear();
  ns.clear();
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i;
    while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
    sparse.push_back({keyed[i].first, 1.f + std::log(static_cast<float>(j - i))});
    ns.push_back(keyed[i].second);
    i = j;
  }
}

}  // namespace

void weight_features(std::vector<SparseFeature>& sparse, std::vector<uint8_t>& ns, const float* idf,
                     bool sublinear) {
  if (sublinear) merge_repeats(sparse, ns);
  std::array<float, kNamespaces> sq{};
  for (size_t i = 0; i < sparse.size(); ++i) {
    float v = (idf ? idf[sparse[i].index] : 1.f) * (sublinear ? sparse[i].value : 1.f);
    sparse[i].value = v;
    sq[ns[i]] += v * v;
  }
  std::array<float, kNamespaces> scale{};
  for (int k = 0; k < kNamespaces; ++k) scale[k] = sq[k] > 0 ? 1.f / std::sqrt(sq[k]) : 0.f;
  for (size_t i = 0; i < sparse.size(); ++i) sparse[i].value *= scale[ns[i]];
}

void Featurizer::featurize(std::string_view input, std::string_view output, Features& out,
                           const float* idf) const {
  out.sparse.clear();
  out.ns.clear();
  IndexSink sink{out, config_.hash_bits};
  extract(input, output, config_.max_text_bytes, out, sink);
  weight_features(out.sparse, out.ns, idf, config_.sublinear_tf);
}

std::unordered_map<uint32_t, std::string> Featurizer::describe(std::string_view input,
                                                               std::string_view output) const {
  Features scratch;
  NameSink sink{config_.hash_bits, {}};
  extract(input, output, config_.max_text_bytes, scratch, sink);
  std::unordered_map<uint32_t, std::string> by_index;
  for (auto& [index, name] : sink.names) {
    auto [it, fresh] = by_index.try_emplace(index, name);
    if (!fresh && it->second != name &&
        (" | " + it->second + " | ").find(" | " + name + " | ") == std::string::npos)
      it->second += " | " + name;
  }
  return by_index;
}

uint64_t Featurizer::word_hash(std::string_view lowercase_word) { return fnv1a64(lowercase_word); }

const char* Featurizer::dense_name(int i) {
  static const char* const kNames[kDenseCount] = {"log input length",
                                                  "log output length",
                                                  "output/input length ratio",
                                                  "log output words",
                                                  "output words found in input",
                                                  "input words found in output",
                                                  "output content words in input",
                                                  "output bigrams in input",
                                                  "word overlap (Jaccard)",
                                                  "numbers not in input",
                                                  "numbers in output",
                                                  "question marks",
                                                  "exclamation marks",
                                                  "uppercase share",
                                                  "distinct word share",
                                                  "sentences"};
  return i >= 0 && i < kDenseCount ? kNames[i] : "?";
}

}  // namespace hitloop::ml::ngram
