// Artifacts and checkpoints: a saved model reloads to identical logits and
// is a HF directory; broken or unsuitable checkpoints are refused with the
// problem named.
#include <gtest/gtest.h>

#include "ml/encoder/encoder_model.h"
#include "ml/encoder/safetensors.h"
#include "test_util.h"

namespace hitloop::ml::encoder {
namespace {

using nlohmann::json;
using testing::TempDir;

const std::vector<TextPair> kPairs = {
    {"Where is my order?", "It shipped yesterday."},
    {"Do you sell gift cards?", ""},
    {"Can I return shoes after 30 days?", "Returns are accepted within 60 days of delivery."}};

std::string load_error(const std::string& dir) {
  auto m = EncoderModel::load(dir, LoadOptions{});
  return m.ok() ? "" : m.status().message();
}

// Rewrites dir/model.safetensors without the tensors `drop` says to drop.
void drop_tensors(const std::string& dir, const std::function<bool(const std::string&)>& drop) {
  auto file = SafetensorsFile::read(dir + "/model.safetensors");
  ASSERT_TRUE(file.ok());
  std::vector<TensorView> keep;
  for (const TensorEntry& e : file->tensors()) {
    if (!drop(e.name)) keep.push_back({e.name, e.dtype, e.shape, file->data(e), e.nbytes});
  }
  ASSERT_TRUE(write_safetensors(dir + "/model.safetensors", keep, {{"format", "pt"}}).ok());
}

void edit_config(const std::string& dir, const std::function<void(json&)>& edit) {
  json j = json::parse(testing::read_bytes(dir + "/config.json"));
  edit(j);
  testing::write_bytes(dir + "/config.json", j.dump());
}

TEST(EncoderArtifact, SavedModelReloadsToIdenticalLogitsAsAHfDirectory) {
  for (const char* model : {"tiny-distilbert", "tiny-bert"}) {
    auto m = EncoderModel::load(testing::fixture(model), LoadOptions{40, 1});
    ASSERT_TRUE(m.ok()) << m.status().message();
    TempDir out;
    ASSERT_TRUE((*m)->save(out.str()).ok());
    for (const char* f : {"config.json", "model.safetensors", "vocab.txt", "tokenizer.json"}) {
      EXPECT_TRUE(std::filesystem::exists(out / f)) << f;
    }
    json config = json::parse(testing::read_bytes(out / "config.json"));
    EXPECT_EQ(config["id2label"], json({{"0", "bad"}, {"1", "good"}}));
    EXPECT_EQ(config["hitloop_max_length"], 40);
    auto back = EncoderModel::load(out.str(), LoadOptions{});
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ((*back)->max_length(), 40) << "the token budget travels with the artifact";
    auto a = (*m)->logits(kPairs), b = (*back)->logits(kPairs);
    ASSERT_TRUE(a.ok() && b.ok());
    for (size_t i = 0; i < kPairs.size(); ++i) {
      EXPECT_EQ((*a)[i][0], (*b)[i][0]) << model;
      EXPECT_EQ((*a)[i][1], (*b)[i][1]) << model;
    }
    // Same bytes for the weights, as HF's writer would have them.
    auto st = SafetensorsFile::read(out / "model.safetensors");
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->metadata().at("format"), "pt");
  }
}

TEST(EncoderArtifact, CheckpointWithoutHeadIsRefusedForScoring) {
  TempDir dir;
  testing::copy_dir(testing::fixture("tiny-distilbert"), dir.str());
  std::filesystem::remove(dir / "pytorch_model.bin");
  drop_tensors(dir.str(), [](const std::string& n) { return n.rfind("classifier.", 0) == 0; });
  std::string msg = load_error(dir.str());
  EXPECT_NE(msg.find("no sequence-classification head"), std::string::npos) << msg;
  EXPECT_NE(msg.find("classifier.weight"), std::string::npos) << msg;
}

TEST(EncoderArtifact, MissingBodyTensorIsNamed) {
  TempDir dir;
  testing::copy_dir(testing::fixture("tiny-bert"), dir.str());
  std::filesystem::remove(dir / "pytorch_model.bin");
  const std::string victim = "bert.encoder.layer.1.intermediate.dense.weight";
  drop_tensors(dir.str(), [&](const std::string& n) { return n == victim; });
  std::string msg = load_error(dir.str());
  EXPECT_NE(msg.find("missing tensors: " + victim), std::string::npos) << msg;
}

TEST(EncoderArtifact, VocabSizeNotMatchingEmbeddingsIsRefused) {
  TempDir dir;
  testing::copy_dir(testing::fixture("tiny-distilbert"), dir.str());
  edit_config(dir.str(), [](json& j) { j["vocab_size"] = 40000; });
  std::string msg = load_error(dir.str());
  EXPECT_NE(msg.find("vocab size mismatch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[30522, 24]"), std::string::npos) << msg;
  edit_config(dir.str(), [](json& j) { j["vocab_size"] = 30000; });
  msg = load_error(dir.str());
  EXPECT_NE(msg.find("the tokenizer has 30522 tokens"), std::string::npos) << msg;
}

TEST(EncoderArtifact, TruncatedWeightFilesAreRefused) {
  TempDir dir;
  testing::copy_dir(testing::fixture("tiny-distilbert"), dir.str());
  std::string st = testing::read_bytes(dir / "model.safetensors");
  testing::write_bytes(dir / "model.safetensors", st.substr(0, st.size() / 2));
  std::string msg = load_error(dir.str());
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;

  std::filesystem::remove(dir / "model.safetensors");
  std::string bin = testing::read_bytes(dir / "pytorch_model.bin");
  testing::write_bytes(dir / "pytorch_model.bin", bin.substr(0, bin.size() / 2));
  msg = load_error(dir.str());
  EXPECT_NE(msg.find("pytorch_model.bin: cannot read"), std::string::npos) << msg;
  testing::write_bytes(dir / "pytorch_model.bin", "not a zip");
  msg = load_error(dir.str());
  EXPECT_NE(msg.find("not a torch.save zip archive"), std::string::npos) << msg;
}

TEST(EncoderArtifact, UnsupportedModelTypeAndLabelCountAreRefused) {
  TempDir dir;
  testing::copy_dir(testing::fixture("tiny-distilbert"), dir.str());
  edit_config(dir.str(), [](json& j) { j["model_type"] = "roberta"; });
  EXPECT_NE(load_error(dir.str()).find("supported: distilbert, bert"), std::string::npos);
  edit_config(dir.str(), [](json& j) {
    j["model_type"] = "distilbert";
    j["id2label"] = {{"0", "a"}, {"1", "b"}, {"2", "c"}};
  });
  EXPECT_NE(load_error(dir.str()).find("has 3 labels"), std::string::npos);
}

TEST(EncoderArtifact, MaxLengthBeyondPositionsIsRefused) {
  auto m = EncoderModel::load(testing::fixture("tiny-bert"), LoadOptions{129, 1});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("max_position_embeddings"), std::string::npos);
}

TEST(EncoderArtifact, LongTextsAreTruncatedToTheTokenBudget) {
  auto m = EncoderModel::load(testing::fixture("tiny-distilbert"), LoadOptions{16, 1});
  ASSERT_TRUE(m.ok());
  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += "word ";
  // Beyond the budget only the kept tokens matter: two texts that differ
  // only after it score the same (to round-off: rows of one batch may take
  // different GEMM kernels).
  const std::string longer = long_text + "extra";
  std::vector<TextPair> pairs = {{long_text, longer}, {long_text, long_text}};
  auto l = (*m)->logits(pairs);
  ASSERT_TRUE(l.ok());
  EXPECT_NEAR((*l)[0][0], (*l)[1][0], 1e-5);
  EXPECT_NEAR((*l)[0][1], (*l)[1][1], 1e-5);
}

}  // namespace
}  // namespace hitloop::ml::encoder
