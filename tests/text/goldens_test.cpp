// Parity with Hugging Face: every tokenization golden in
// fixtures/hf-encoders/goldens.json, through each way of loading the
// tokenizer, must match exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "test_files.h"
#include "text/wordpiece_tokenizer.h"

namespace hitloop::text {
namespace {

using nlohmann::json;
using Ids = std::vector<int64_t>;

const std::string kFixtures = std::string(HITLOOP_FIXTURES) + "/hf-encoders";

const json& goldens() {
  static const json doc = [] {
    std::ifstream in(kFixtures + "/goldens.json");
    return json::parse(in);
  }();
  return doc;
}

Ids row(const json& matrix, size_t r) { return matrix.at(r).get<Ids>(); }

Ids flatten(const json& matrix) {
  Ids out;
  for (const json& r : matrix) {
    for (const json& v : r) out.push_back(v.get<int64_t>());
  }
  return out;
}

// The ways a model directory's tokenizer can be loaded.
enum class Loader { kDirWithTokenizerJson, kTokenizerJson, kVocabTxt, kDirWithVocabTxt };

struct LoaderCase {
  Loader loader;
  std::string model;
};

std::string name_of(const testing::TestParamInfo<LoaderCase>& info) {
  static const char* kNames[] = {"DirWithTokenizerJson", "TokenizerJson", "VocabTxt",
                                 "DirWithVocabTxt"};
  std::string model = info.param.model == "tiny-bert" ? "Bert" : "DistilBert";
  return model + "_" + kNames[static_cast<int>(info.param.loader)];
}

Result<WordPieceTokenizer> load(const LoaderCase& c) {
  const std::string dir = kFixtures + "/" + c.model;
  switch (c.loader) {
    case Loader::kDirWithTokenizerJson:
      return WordPieceTokenizer::load_dir(dir);
    case Loader::kTokenizerJson:
      return WordPieceTokenizer::from_tokenizer_json(dir + "/tokenizer.json");
    case Loader::kVocabTxt:
      return WordPieceTokenizer::from_vocab_file(dir + "/vocab.txt");
    case Loader::kDirWithVocabTxt: {
      // A directory without tokenizer.json: vocab.txt + tokenizer_config.json.
      static TempDir tmp;
      const std::filesystem::path sub = tmp.path() / c.model;
      std::filesystem::create_directories(sub);
      for (const char* f : {"vocab.txt", "tokenizer_config.json"}) {
        std::filesystem::copy_file(dir + "/" + f, sub / f,
                                   std::filesystem::copy_options::overwrite_existing);
      }
      return WordPieceTokenizer::load_dir(sub.string());
    }
  }
  return InvalidArgument("unknown loader");
}

class GoldenCases : public testing::TestWithParam<LoaderCase> {
 protected:
  void SetUp() override {
    auto loaded = load(GetParam());
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    tokenizer_.emplace(std::move(loaded).value());
  }
  const WordPieceTokenizer& tok() const { return *tokenizer_; }

  std::optional<WordPieceTokenizer> tokenizer_;
};

// The texts of a case: one for "single", two for "pair" (suffixes _a, _b).
std::vector<std::pair<std::string, std::string>> texts_of(const json& c) {
  if (c.at("kind") == "single") return {{c.at("text").get<std::string>(), ""}};
  return {{c.at("text_a").get<std::string>(), "_a"}, {c.at("text_b").get<std::string>(), "_b"}};
}

std::pair<std::string, std::string> pair_of(const json& c) {
  if (c.at("kind") == "single") return {c.at("text").get<std::string>(), ""};
  return {c.at("text_a").get<std::string>(), c.at("text_b").get<std::string>()};
}

TEST_P(GoldenCases, WordpieceTokensMatchTransformers) {
  ASSERT_EQ(goldens().at("cases").size(), 32u);
  for (const json& c : goldens().at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    for (const auto& [text, suffix] : texts_of(c)) {
      EXPECT_EQ(tok().tokenize(text),
                c.at("wordpiece_tokens" + suffix).get<std::vector<std::string>>());
    }
  }
}

TEST_P(GoldenCases, WordpieceIdsMatchTransformers) {
  for (const json& c : goldens().at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    for (const auto& [text, suffix] : texts_of(c)) {
      EXPECT_EQ(tok().token_ids(text), c.at("wordpiece_ids" + suffix).get<Ids>());
    }
  }
}

TEST_P(GoldenCases, UntruncatedEncodingsMatchTransformers) {
  for (const json& c : goldens().at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    const auto [a, b] = pair_of(c);
    const Encoding enc = tok().encode(a, b);
    const json& want = c.at("untruncated");
    EXPECT_EQ(enc.input_ids, want.at("input_ids").get<Ids>());
    EXPECT_EQ(enc.token_type_ids, want.at("token_type_ids").get<Ids>());
    EXPECT_EQ(enc.attention_mask, Ids(want.at("length").get<size_t>(), 1));
  }
}

TEST_P(GoldenCases, EncodingsTruncatedTo16And64MatchTransformers) {
  int checked = 0;
  for (const json& c : goldens().at("cases")) {
    const auto [a, b] = pair_of(c);
    for (const json& want : c.at("encodings")) {
      const size_t max_length = want.at("max_length").get<size_t>();
      SCOPED_TRACE(c.at("id").get<std::string>() + " max_length " + std::to_string(max_length));
      ASSERT_EQ(want.at("truncation"), "longest_first");
      const Encoding enc = tok().encode(a, b, max_length);
      EXPECT_EQ(enc.input_ids, want.at("input_ids").get<Ids>());
      EXPECT_EQ(enc.token_type_ids, want.at("token_type_ids").get<Ids>());
      EXPECT_EQ(enc.attention_mask, want.at("attention_mask").get<Ids>());
      std::vector<std::string> tokens;
      for (int64_t id : enc.input_ids) tokens.emplace_back(tok().id_to_token(id));
      EXPECT_EQ(tokens, want.at("tokens").get<std::vector<std::string>>());
      ++checked;
    }
  }
  EXPECT_EQ(checked, 64);
}

TEST_P(GoldenCases, PaddedBatchesMatchTransformers) {
  const json& batches = goldens().at("batches");
  ASSERT_EQ(batches.size(), 2u);
  for (const json& want : batches) {
    SCOPED_TRACE(want.at("id").get<std::string>());
    const size_t max_length = want.at("max_length").get<size_t>();
    Batch batch;
    std::vector<std::string> storage;
    if (want.at("kind") == "single") {
      storage = want.at("texts").get<std::vector<std::string>>();
      std::vector<std::string_view> texts(storage.begin(), storage.end());
      batch = tok().encode_batch(texts, max_length);
    } else {
      for (const json& p : want.at("text_pairs")) {
        storage.push_back(p.at(0).get<std::string>());
        storage.push_back(p.at(1).get<std::string>());
      }
      std::vector<TextPair> pairs;
      for (size_t i = 0; i < storage.size(); i += 2) pairs.emplace_back(storage[i], storage[i + 1]);
      batch = tok().encode_batch(pairs, max_length);
    }
    const json& ids = want.at("input_ids");
    ASSERT_EQ(batch.rows, static_cast<int64_t>(ids.size()));
    ASSERT_EQ(batch.cols, static_cast<int64_t>(row(ids, 0).size()));
    EXPECT_EQ(batch.input_ids, flatten(ids));
    EXPECT_EQ(batch.token_type_ids, flatten(want.at("token_type_ids")));
    EXPECT_EQ(batch.attention_mask, flatten(want.at("attention_mask")));
  }
}

TEST_P(GoldenCases, SpecialTokenIdsAndVocabSizeMatchTheGoldenTokenizer) {
  const json& t = goldens().at("tokenizer");
  EXPECT_EQ(tok().vocab_size(), t.at("vocab_size").get<int64_t>());
  for (const auto& [name, id] : t.at("special_tokens").items()) {
    EXPECT_EQ(tok().token_to_id(name), id.get<int64_t>()) << name;
  }
  EXPECT_EQ(tok().pad_id(), 0);
  EXPECT_EQ(tok().unk_id(), 100);
  EXPECT_EQ(tok().cls_id(), 101);
  EXPECT_EQ(tok().sep_id(), 102);
}

INSTANTIATE_TEST_SUITE_P(EveryLoader, GoldenCases,
                         testing::Values(LoaderCase{Loader::kDirWithTokenizerJson, "tiny-bert"},
                                         LoaderCase{Loader::kDirWithTokenizerJson,
                                                    "tiny-distilbert"},
                                         LoaderCase{Loader::kTokenizerJson, "tiny-bert"},
                                         LoaderCase{Loader::kVocabTxt, "tiny-bert"},
                                         LoaderCase{Loader::kVocabTxt, "tiny-distilbert"},
                                         LoaderCase{Loader::kDirWithVocabTxt, "tiny-distilbert"}),
                         name_of);

}  // namespace
}  // namespace hitloop::text
