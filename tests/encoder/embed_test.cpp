// The embed kind: pooling parity with a NumPy reference
// (tests/encoder/make_embed_goldens.py), the checkpoint files checked as
// hostile input, the embedding cache, the head, and artifact round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/metrics.h"
#include "ml/encoder/embed_cache.h"
#include "ml/encoder/embed_encoder.h"
#include "ml/encoder/embed_evaluator.h"
#include "ml/encoder/embed_head.h"
#include "ml/encoder/embed_model.h"
#include "ml/rng.h"
#include "test_util.h"

namespace hitloop::ml::encoder {
namespace {

using nlohmann::json;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kEmbed = std::string(HITLOOP_FIXTURES) + "/embed";

const json& goldens() {
  static const json g = json::parse(testing::read_bytes(kEmbed + "/goldens.json"));
  return g;
}

// A fixture with its symlinks resolved, to modify.
std::string copy_fixture(const std::string& name, const TempDir& tmp) {
  const fs::path from = kEmbed + "/" + name, to = tmp / name;
  for (const auto& e : fs::recursive_directory_iterator(from)) {
    const fs::path dest = to / e.path().lexically_relative(from);
    if (e.is_directory()) {
      fs::create_directories(dest);
    } else {
      fs::create_directories(dest.parent_path());
      fs::copy_file(fs::canonical(e.path()), dest);
    }
  }
  return to.string();
}

// Every golden text embedded in one padded batch, against the reference.
void expect_parity(const std::string& variant) {
  SCOPED_TRACE(variant);
  const json& g = goldens()["variants"][variant];
  auto encoder = SentenceEncoder::open(fs::path(kEmbed + "/" + variant).lexically_normal());
  ASSERT_TRUE(encoder.ok()) << encoder.status().message();
  const SentenceConfig& s = (*encoder)->sentence_config();
  std::vector<std::string> modes;
  for (PoolingMode m : s.modes) modes.push_back(pooling_mode_name(m));
  EXPECT_EQ(json(modes), g["pooling"]);
  EXPECT_EQ(s.normalize, g["normalize"].get<bool>());
  EXPECT_EQ(s.max_seq_length, g["max_seq_length"].get<int>());

  std::vector<std::string> texts = goldens()["texts"];
  std::vector<std::string_view> views(texts.begin(), texts.end());
  auto e = (*encoder)->embed(views);
  ASSERT_TRUE(e.ok()) << e.status().message();
  const size_t d = (*encoder)->dim();
  ASSERT_EQ(d, g["embeddings"][0].size());
  double worst = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    for (size_t k = 0; k < d; ++k) {
      worst = std::max(worst, std::fabs((*e)[i * d + k] - g["embeddings"][i][k].get<double>()));
    }
  }
  EXPECT_LT(worst, 1e-5);
}

TEST(EmbedParity, MeanPoolingWithNormalizeMatchesTheNumpyReference) {
  expect_parity("bert-mean-normalize");
}
TEST(EmbedParity, ClsPoolingWithNormalizeMatchesTheNumpyReference) {
  expect_parity("bert-cls-normalize");
}
TEST(EmbedParity, MaxPoolingMatchesTheNumpyReference) { expect_parity("bert-max"); }
TEST(EmbedParity, DistilBertMeanPoolingMatchesTheNumpyReference) {
  expect_parity("distilbert-mean");
}
TEST(EmbedParity, ClsFlagKeepsTheDefaultMeanOnAsSentenceTransformersDoes) {
  expect_parity("distilbert-cls-mean");
}
TEST(EmbedParity, SqrtLengthWeightedAndLastTokenModesMatchTheNumpyReference) {
  expect_parity("distilbert-other-modes");
}
TEST(EmbedParity, CheckpointWithoutModulesJsonIsMeanPooled) {
  expect_parity("../hf-encoders/tiny-distilbert");
}

TEST(EmbedParity, EachTextAloneEmbedsAsInAPaddedBatch) {
  auto encoder = SentenceEncoder::open(kEmbed + "/bert-max");
  ASSERT_TRUE(encoder.ok());
  std::vector<std::string> texts = goldens()["texts"];
  std::vector<std::string_view> views(texts.begin(), texts.end());
  auto batch = (*encoder)->embed(views);
  ASSERT_TRUE(batch.ok());
  const size_t d = (*encoder)->dim();
  for (size_t i = 0; i < texts.size(); ++i) {
    auto alone = (*encoder)->embed(std::span(&views[i], 1));
    ASSERT_TRUE(alone.ok());
    for (size_t k = 0; k < d; ++k) EXPECT_NEAR((*alone)[k], (*batch)[i * d + k], 1e-5);
  }
}

// --- the checkpoint's files, as hostile input ---

Status open_status(const std::string& dir) { return SentenceEncoder::open(dir).status(); }

TEST(EmbedConfig, RefusesModulesJsonThatIsNotJson) {
  TempDir tmp;
  std::string dir = copy_fixture("bert-mean-normalize", tmp);
  testing::write_bytes(dir + "/modules.json", "[{\"idx\": 0,");
  Status st = open_status(dir);
  EXPECT_TRUE(st.is_invalid_argument());
  EXPECT_NE(st.message().find("modules.json: not valid JSON"), std::string::npos) << st.message();
}

TEST(EmbedConfig, RefusesAnUnknownModuleType) {
  TempDir tmp;
  std::string dir = copy_fixture("bert-mean-normalize", tmp);
  json m = json::parse(testing::read_bytes(dir + "/modules.json"));
  m[2]["type"] = "sentence_transformers.models.Dense";
  testing::write_bytes(dir + "/modules.json", m.dump());
  Status st = open_status(dir);
  EXPECT_NE(st.message().find("sentence_transformers.models.Dense) is not supported"),
            std::string::npos)
      << st.message();
}

TEST(EmbedConfig, RefusesAPoolingPathOutsideTheCheckpoint) {
  TempDir tmp;
  std::string dir = copy_fixture("bert-mean-normalize", tmp);
  json m = json::parse(testing::read_bytes(dir + "/modules.json"));
  m[1]["path"] = "../../etc";
  testing::write_bytes(dir + "/modules.json", m.dump());
  EXPECT_NE(open_status(dir).message().find("leaves the checkpoint"), std::string::npos);
  m[1]["path"] = "/etc";
  testing::write_bytes(dir + "/modules.json", m.dump());
  EXPECT_NE(open_status(dir).message().find("must be relative"), std::string::npos);
}

TEST(EmbedConfig, RefusesUnknownPoolingKeysAndModes) {
  TempDir tmp;
  std::string dir = copy_fixture("bert-max", tmp);
  const std::string path = dir + "/1_Pooling/config.json";
  testing::write_bytes(path, R"({"word_embedding_dimension": 24, "pooling_mode": "median"})");
  EXPECT_NE(open_status(dir).message().find("unknown pooling mode \"median\""), std::string::npos);
  testing::write_bytes(path, R"({"word_embedding_dimension": 24, "pooling_mode_attention": true})");
  EXPECT_NE(open_status(dir).message().find("unknown key \"pooling_mode_attention\""),
            std::string::npos);
  testing::write_bytes(path, R"({"word_embedding_dimension": 24, "pooling_mode_mean_tokens": 1})");
  EXPECT_NE(open_status(dir).message().find("must be a bool"), std::string::npos);
  testing::write_bytes(path,
                       R"({"word_embedding_dimension": 24, "pooling_mode_mean_tokens": false})");
  EXPECT_NE(open_status(dir).message().find("turns every pooling mode off"), std::string::npos);
}

TEST(EmbedConfig, RefusesAPoolingDimensionOtherThanTheModels) {
  TempDir tmp;
  std::string dir = copy_fixture("bert-max", tmp);
  testing::write_bytes(dir + "/1_Pooling/config.json",
                       R"({"word_embedding_dimension": 384, "pooling_mode": "max"})");
  Status st = open_status(dir);
  EXPECT_NE(st.message().find("word_embedding_dimension is 384 but the model's hidden size is 24"),
            std::string::npos)
      << st.message();
}

TEST(EmbedConfig, RefusesAMaxSeqLengthBeyondThePositions) {
  TempDir tmp;
  std::string dir = copy_fixture("distilbert-mean", tmp);
  testing::write_bytes(dir + "/sentence_bert_config.json", R"({"max_seq_length": 512})");
  EXPECT_NE(open_status(dir).message().find("exceeds the model's 128 positions"),
            std::string::npos);
  testing::write_bytes(dir + "/sentence_bert_config.json", R"({"max_seq_length": "long"})");
  EXPECT_NE(open_status(dir).message().find("max_seq_length"), std::string::npos);
}

TEST(EmbedConfig, RefusesAMissingPoolingConfig) {
  TempDir tmp;
  std::string dir = copy_fixture("bert-max", tmp);
  fs::remove(dir + "/1_Pooling/config.json");
  Status st = open_status(dir);
  EXPECT_TRUE(st.is_not_found()) << st.message();
}

// --- the embedding cache ---

std::vector<float> vec(size_t d, float x) {
  std::vector<float> v(d);
  for (size_t i = 0; i < d; ++i) v[i] = x + static_cast<float>(i);
  return v;
}

TEST(EmbedCache, SavesAndLoadsBackEveryEntry) {
  TempDir tmp;
  const std::string digest(32, 'a');
  EmbedCache cache(digest, 4, 100);
  cache.put(EmbedCache::text_key("one"), vec(4, 1));
  cache.put(EmbedCache::text_key("two"), vec(4, 2));
  ASSERT_TRUE(cache.save(cache.file_in(tmp.str())).ok());
  EXPECT_EQ(cache.unsaved(), 0u);
  EmbedCache again(digest, 4, 100);
  ASSERT_TRUE(again.load(again.file_in(tmp.str())).ok());
  std::vector<float> out(4);
  ASSERT_TRUE(again.get(EmbedCache::text_key("two"), out.data()));
  EXPECT_EQ(out, vec(4, 2));
  EXPECT_FALSE(again.get(EmbedCache::text_key("three"), out.data()));
  EXPECT_EQ(again.size(), 2u);
}

TEST(EmbedCache, RejectsACorruptedTruncatedOrForeignFile) {
  TempDir tmp;
  EmbedCache cache(std::string(32, 'a'), 4, 100);
  cache.put(EmbedCache::text_key("one"), vec(4, 1));
  const std::string path = cache.file_in(tmp.str());
  ASSERT_TRUE(cache.save(path).ok());
  std::string bytes = testing::read_bytes(path);

  std::string flipped = bytes;
  flipped[flipped.size() - 40] ^= 1;
  testing::write_bytes(path, flipped);
  EmbedCache a(std::string(32, 'a'), 4, 100);
  Status st = a.load(path);
  EXPECT_NE(st.message().find("checksum mismatch"), std::string::npos) << st.message();
  EXPECT_EQ(a.size(), 0u);

  testing::write_bytes(path, bytes.substr(0, bytes.size() - 7));
  EXPECT_NE(a.load(path).message().find("truncated"), std::string::npos);

  testing::write_bytes(path, bytes);
  EmbedCache other(std::string(32, 'b'), 4, 100);
  EXPECT_NE(other.load(path).message().find("another encoder"), std::string::npos);
  EmbedCache wider(std::string(32, 'a'), 8, 100);
  EXPECT_NE(wider.load(path).message().find("another encoder"), std::string::npos);
  EXPECT_TRUE(a.load(tmp / "absent.embcache").is_not_found());
}

TEST(EmbedCache, DropsTheOldestEntriesAtItsBound) {
  EmbedCache cache(std::string(32, 'a'), 2, 3);
  for (int i = 0; i < 5; ++i) cache.put(EmbedCache::text_key(std::to_string(i)), vec(2, i));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.evicted(), 2u);
  std::vector<float> out(2);
  EXPECT_FALSE(cache.get(EmbedCache::text_key("0"), out.data()));
  EXPECT_FALSE(cache.get(EmbedCache::text_key("1"), out.data()));
  ASSERT_TRUE(cache.get(EmbedCache::text_key("4"), out.data()));
  EXPECT_EQ(out, vec(2, 4));
}

// --- training through the evaluator ---

std::vector<Example> toy_examples(int n) {
  std::vector<Example> out;
  for (int i = 0; i < n; ++i) {
    const std::string q = "Where is order " + std::to_string(i) + "?";
    out.push_back(i % 2 ? Example{q, "Your order ships today by express.", "", 1, 1.0}
                        : Example{q, "No. I cannot help with that at all!!!", "", 0, 1.0});
  }
  return out;
}

struct Trained {
  std::unique_ptr<Model> model;
  std::vector<std::string> progress;
};

Trained train_embed(const std::string& base, const std::vector<Example>& examples) {
  Trained t;
  TrainOptions o;
  o.threads = 1;
  o.encoder.base_dir = base;
  o.progress = [&](const std::string& line) { t.progress.push_back(line); };
  auto model = EmbedEvaluator().train(examples, o);
  EXPECT_TRUE(model.ok()) << model.status().message();
  if (model.ok()) t.model = std::move(model).value();
  return t;
}

std::string line_with(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const std::string& l : lines) {
    if (l.rfind(prefix, 0) == 0) return l;
  }
  return "";
}

TEST(EmbedTraining, RetrainingOnTheSameSessionsEmbedsNothingAndChangedWeightsEmbedAgain) {
  TempDir tmp;
  ::setenv("HITLOOP_EMBED_CACHE", (tmp / "cache").c_str(), 1);
  const std::string dir = copy_fixture("distilbert-mean", tmp);
  const std::vector<Example> examples = toy_examples(20);
  Trained first = train_embed(dir, examples);
  EXPECT_NE(
      line_with(first.progress, "embed: 40 texts (22 distinct): 0 from the cache, 22 embedded"),
      "");
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp / "cache"), fs::directory_iterator()), 1);

  Trained second = train_embed(dir, examples);
  EXPECT_NE(line_with(second.progress, "embed: 40 texts (22 distinct): 22 from the cache, 0 "), "");

  // One weight changed: another encoder, whose cache starts empty.
  std::string weights = testing::read_bytes(dir + "/model.safetensors");
  weights[weights.size() - 3] ^= 0x10;
  testing::write_bytes(dir + "/model.safetensors", weights);
  Trained third = train_embed(dir, examples);
  EXPECT_NE(line_with(third.progress, "embed: 40 texts (22 distinct): 0 from the cache"), "");
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp / "cache"), fs::directory_iterator()), 2);
  ::unsetenv("HITLOOP_EMBED_CACHE");
}

TEST(EmbedTraining, ADiskCacheWrittenByAnotherProcessIsRead) {
  TempDir tmp;
  ::setenv("HITLOOP_EMBED_CACHE", (tmp / "cache").c_str(), 1);
  const std::string dir = copy_fixture("bert-cls-normalize", tmp);
  auto encoder = SentenceEncoder::open(dir);
  ASSERT_TRUE(encoder.ok());
  // What another process would have left: every text of the set embedded.
  EmbedCache other((*encoder)->digest(), (*encoder)->dim(), 1000);
  std::vector<std::string_view> texts;
  const std::vector<Example> examples = toy_examples(20);
  for (const Example& e : examples) texts.insert(texts.end(), {e.input, e.output});
  auto e = (*encoder)->embed(texts);
  ASSERT_TRUE(e.ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    other.put(EmbedCache::text_key(texts[i]),
              std::span<const float>(&(*e)[i * (*encoder)->dim()], (*encoder)->dim()));
  }
  ASSERT_TRUE(other.save(other.file_in(embed_cache_dir())).ok());
  Trained t = train_embed(dir, examples);
  EXPECT_NE(line_with(t.progress, "embed: embedding cache "), "");
  EXPECT_NE(line_with(t.progress, "embed: 40 texts (22 distinct): 22 from the cache"), "");
  ::unsetenv("HITLOOP_EMBED_CACHE");
}

TEST(EmbedHead, LearnsASeparableToySet) {
  // Good outputs point the way their input does, bad ones the opposite way.
  HeadData d;
  d.dim = 8;
  Rng rng(7);
  const int n = 120;
  for (int i = 0; i < n; ++i) {
    const int label = i % 2;
    std::vector<float> u(8);
    for (float& x : u) x = static_cast<float>(rng.uniform() * 2 - 1);
    for (int k = 0; k < 8; ++k) {
      const float noise = static_cast<float>(rng.uniform() * 0.4 - 0.2);
      d.u.push_back(u[k]);
      d.v.push_back((label ? u[k] : -u[k]) + noise);
    }
    d.labels.push_back(label);
    d.weights.push_back(1.0);
    d.groups.push_back(static_cast<uint64_t>(i));
  }
  std::string summary;
  EmbedHead head = train_head(d, 1, 2, summary);
  EXPECT_NE(summary.find("chosen on inner 3-fold"), std::string::npos) << summary;
  std::vector<double> margins;
  for (int i = 0; i < n; ++i) margins.push_back(head.margin(&d.u[i * 8], &d.v[i * 8]));
  EXPECT_GT(*auroc(d.labels, margins), 0.99);
  // New pairs, never seen.
  std::vector<int> labels;
  std::vector<double> fresh;
  for (int i = 0; i < 40; ++i) {
    std::vector<float> u(8), v(8);
    for (int k = 0; k < 8; ++k) {
      u[k] = static_cast<float>(rng.uniform() * 2 - 1);
      v[k] = i % 2 ? u[k] : -u[k];
    }
    labels.push_back(i % 2);
    fresh.push_back(head.margin(u.data(), v.data()));
  }
  EXPECT_GT(*auroc(labels, fresh), 0.99);
  auto contributions = head.explain(&d.u[0], &d.v[0], 2);
  EXPECT_EQ(contributions.size(), 2u);
}

TEST(EmbedModel, SavedAndLoadedGivesIdenticalScores) {
  TempDir tmp;
  ::setenv("HITLOOP_EMBED_CACHE", "off", 1);
  const std::vector<Example> examples = toy_examples(20);
  Trained t = train_embed(kEmbed + "/bert-mean-normalize", examples);
  ASSERT_TRUE(t.model);
  const std::string dir = tmp / "artifact";
  fs::create_directories(dir);
  ASSERT_TRUE(t.model->save(dir).ok());
  for (const char* f : {"embed.json", "config.json", "model.safetensors", "vocab.txt"}) {
    EXPECT_TRUE(fs::exists(fs::path(dir) / f)) << f;
  }
  auto loaded = EmbedEvaluator().load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  std::vector<TextPair> pairs = {
      {"Where is order 7?", "It ships today."}, {"Refund please", "No."}, {"", ""}};
  std::vector<double> a(pairs.size()), b(pairs.size());
  t.model->margins(pairs, a);
  (*loaded)->margins(pairs, b);
  EXPECT_EQ(a, b);
  for (double m : a) EXPECT_TRUE(std::isfinite(m));
  ::unsetenv("HITLOOP_EMBED_CACHE");
}

TEST(EmbedModel, LoadRefusesModifiedEncoderFilesAndABrokenHead) {
  TempDir tmp;
  ::setenv("HITLOOP_EMBED_CACHE", "off", 1);
  Trained t = train_embed(kEmbed + "/distilbert-mean", toy_examples(12));
  ASSERT_TRUE(t.model);
  const std::string dir = tmp / "artifact";
  fs::create_directories(dir);
  ASSERT_TRUE(t.model->save(dir).ok());
  const std::string embed_json = testing::read_bytes(dir + "/embed.json");

  std::string config = testing::read_bytes(dir + "/config.json");
  testing::write_bytes(dir + "/config.json", config + " ");
  auto modified = EmbedEvaluator().load(dir);
  ASSERT_FALSE(modified.ok());
  EXPECT_NE(modified.status().message().find("do not match the digest"), std::string::npos);
  testing::write_bytes(dir + "/config.json", config);

  json j = json::parse(embed_json);
  j["head"]["weight"].erase(0);
  testing::write_bytes(dir + "/embed.json", j.dump());
  EXPECT_NE(EmbedEvaluator().load(dir).status().message().find("\"weight\" must be 98 numbers"),
            std::string::npos);
  j = json::parse(embed_json);
  j["pooling"] = {"median"};
  testing::write_bytes(dir + "/embed.json", j.dump());
  EXPECT_NE(EmbedEvaluator().load(dir).status().message().find("unknown pooling mode"),
            std::string::npos);
  testing::write_bytes(dir + "/embed.json", "{");
  EXPECT_FALSE(EmbedEvaluator().load(dir).ok());
  testing::write_bytes(dir + "/embed.json", embed_json);
  EXPECT_TRUE(EmbedEvaluator().load(dir).ok());
  ::unsetenv("HITLOOP_EMBED_CACHE");
}

TEST(EmbedTraining, NeedsABaseCheckpoint) {
  TrainOptions o;
  auto model = EmbedEvaluator().train(toy_examples(12), o);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("--kind embed needs --base NAME|DIR"), std::string::npos);
}

}  // namespace
}  // namespace hitloop::ml::encoder
