// config.json parsing: both fixture configs read correctly, and every
// checkpoint we cannot run is refused with the reason named.
#include "ml/encoder/config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace hitloop::ml::encoder {
namespace {

using nlohmann::json;

json distilbert_json() {
  return json::parse(testing::read_bytes(testing::fixture("tiny-distilbert") + "/config.json"));
}

std::string error_of(const json& j) {
  auto r = parse_config(j.dump(), "config.json");
  return r.ok() ? "" : r.status().message();
}

TEST(EncoderConfig, ReadsDistilBertFixture) {
  auto c = read_config(testing::fixture("tiny-distilbert") + "/config.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->architecture, Architecture::kDistilBert);
  EXPECT_EQ(c->hidden, 24);
  EXPECT_EQ(c->layers, 2);
  EXPECT_EQ(c->heads, 4);
  EXPECT_EQ(c->intermediate, 64);
  EXPECT_EQ(c->vocab_size, 30522);
  EXPECT_EQ(c->max_positions, 128);
  EXPECT_DOUBLE_EQ(c->classifier_dropout, 0.2);
  EXPECT_EQ(c->num_labels, 2);
  EXPECT_EQ(c->id2label[1], "POSITIVE");
}

TEST(EncoderConfig, ReadsBertFixture) {
  auto c = read_config(testing::fixture("tiny-bert") + "/config.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->architecture, Architecture::kBert);
  EXPECT_EQ(c->type_vocab_size, 2);
  EXPECT_DOUBLE_EQ(c->layer_norm_eps, 1e-12);
  EXPECT_DOUBLE_EQ(c->classifier_dropout, 0.1) << "null classifier_dropout falls back to hidden";
}

TEST(EncoderConfig, UnsupportedModelTypeNamesTheSupportedOnes) {
  json j = distilbert_json();
  j["model_type"] = "roberta";
  std::string msg = error_of(j);
  EXPECT_NE(msg.find("\"roberta\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("supported: distilbert, bert"), std::string::npos) << msg;
}

TEST(EncoderConfig, MissingFieldIsNamed) {
  json j = distilbert_json();
  j.erase("n_heads");
  EXPECT_NE(error_of(j).find("field \"n_heads\" is missing"), std::string::npos);
  j = distilbert_json();
  j.erase("model_type");
  EXPECT_NE(error_of(j).find("\"model_type\" is missing"), std::string::npos);
}

TEST(EncoderConfig, RejectsValuesThatWouldChangeTheMaths) {
  json j = distilbert_json();
  j["activation"] = "swish";
  EXPECT_NE(error_of(j).find("\"activation\" is \"swish\""), std::string::npos);
  j = json::parse(testing::read_bytes(testing::fixture("tiny-bert") + "/config.json"));
  j["position_embedding_type"] = "relative_key";
  EXPECT_NE(error_of(j).find("position_embedding_type"), std::string::npos);
  j = distilbert_json();
  j["n_heads"] = 5;  // 24 is not a multiple of 5
  EXPECT_NE(error_of(j).find("not a multiple"), std::string::npos);
}

TEST(EncoderConfig, SavedConfigNamesTheF32WeightsDtypeWhateverTheBaseHad) {
  json j = json::parse(testing::read_bytes(testing::fixture("tiny-bert") + "/config.json"));
  j["torch_dtype"] = "float16";
  auto c = parse_config(j.dump(), "half");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(json::parse(config_to_json(*c))["torch_dtype"], "float32");
}

TEST(EncoderConfig, SavedConfigLabelsBadAndGoodAndKeepsOtherKeys) {
  auto c = read_config(testing::fixture("tiny-distilbert") + "/config.json");
  ASSERT_TRUE(c.ok());
  c->max_length = 64;
  json out = json::parse(config_to_json(*c));
  EXPECT_EQ(out["id2label"]["0"], "bad");
  EXPECT_EQ(out["id2label"]["1"], "good");
  EXPECT_EQ(out["label2id"]["good"], 1);
  EXPECT_EQ(out["architectures"][0], "DistilBertForSequenceClassification");
  EXPECT_EQ(out["qa_dropout"], 0.1) << "unrelated keys survive";
  EXPECT_EQ(out["hitloop_max_length"], 64);
  auto back = parse_config(out.dump(), "saved");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->max_length, 64);
  EXPECT_EQ(back->id2label[0], "bad");
}

}  // namespace
}  // namespace hitloop::ml::encoder
