// Forward parity with HF transformers: the logits of every golden case and
// padded batch, for both weight formats, within 1e-5.
#include <gtest/gtest.h>

#include "ml/encoder/encoder_model.h"
#include "ml/encoder/encoder_state.h"
#include "test_util.h"

namespace hitloop::ml::encoder {
namespace {

using nlohmann::json;
constexpr double kTol = 1e-5;

struct Case {
  std::string model;    // fixture directory
  std::string key;      // "distilbert" / "bert" in the goldens
  std::string weights;  // file kept in the model directory
};

std::string name_of(const ::testing::TestParamInfo<Case>& info) {
  return (info.param.key == "bert" ? std::string("Bert") : std::string("DistilBert")) +
         (info.param.weights == "model.safetensors" ? "_Safetensors" : "_PytorchBin");
}

torch::Tensor ids_tensor(const json& rows) {
  std::vector<int64_t> flat;
  for (const json& r : rows) {
    for (const json& v : r) flat.push_back(v.get<int64_t>());
  }
  return torch::tensor(flat, torch::kLong).view({static_cast<int64_t>(rows.size()), -1});
}

class ForwardParity : public ::testing::TestWithParam<Case> {
 protected:
  // The fixture directory with only one of the two weight files.
  std::unique_ptr<EncoderModel> load(int max_length) {
    const Case& c = GetParam();
    testing::copy_dir(testing::fixture(c.model), dir_.str());
    std::filesystem::remove(
        dir_ / (c.weights == "model.safetensors" ? "pytorch_model.bin" : "model.safetensors"));
    auto m = EncoderModel::load(dir_.str(), LoadOptions{max_length, 1});
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? std::move(m).value() : nullptr;
  }
  testing::TempDir dir_;
};

TEST_P(ForwardParity, LogitsOfEveryGoldenCaseMatchFromTokenIds) {
  auto model = load(64);
  ASSERT_TRUE(model);
  c10::InferenceMode guard;
  const std::string& key = GetParam().key;
  int checked = 0;
  for (const json& c : testing::load_json("goldens.json")["cases"]) {
    for (const json& e : c["encodings"]) {
      torch::Tensor ids = ids_tensor(json::array({e["input_ids"]}));
      torch::Tensor types = ids_tensor(json::array({e["token_type_ids"]}));
      torch::Tensor mask = ids_tensor(json::array({e["attention_mask"]}));
      torch::Tensor logits = model->state().net->forward(ids, types, mask);
      for (int k = 0; k < 2; ++k) {
        EXPECT_NEAR(logits[0][k].item<float>(), e[key]["logits"][k].get<float>(), kTol)
            << c["id"] << " max_length " << e["max_length"];
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 64);
}

TEST_P(ForwardParity, LogitsFromTextMatchThroughTokenizerAndLengthBatching) {
  const std::string& key = GetParam().key;
  for (int max_length : {16, 64}) {
    auto model = load(max_length);
    ASSERT_TRUE(model);
    std::vector<TextPair> pairs;
    std::vector<const json*> expected;
    for (const json& c : testing::load_json("goldens.json")["cases"]) {
      for (const json& e : c["encodings"]) {
        if (e["max_length"] != max_length) continue;
        if (c["kind"] == "single") {
          pairs.push_back({c["text"].get_ref<const std::string&>(), ""});
        } else {
          pairs.push_back({c["text_a"].get_ref<const std::string&>(),
                           c["text_b"].get_ref<const std::string&>()});
        }
        expected.push_back(&e[key]["logits"]);
      }
    }
    // All cases in one call: sorted by length and batched with padding.
    auto logits = model->logits(pairs);
    ASSERT_TRUE(logits.ok());
    for (size_t i = 0; i < pairs.size(); ++i) {
      for (int k = 0; k < 2; ++k) {
        EXPECT_NEAR((*logits)[i][k], (*expected[i])[k].get<float>(), kTol)
            << "case " << i << " max_length " << max_length;
      }
    }
    // margins() is the log-odds of label 1.
    std::vector<double> m(pairs.size());
    model->margins(pairs, m);
    EXPECT_NEAR(m[0], (*logits)[0][1] - (*logits)[0][0], 1e-6);
  }
}

TEST_P(ForwardParity, PaddedBatchesMatchHf) {
  auto model = load(64);
  ASSERT_TRUE(model);
  c10::InferenceMode guard;
  const std::string& key = GetParam().key;
  for (const json& b : testing::load_json("goldens.json")["batches"]) {
    torch::Tensor logits =
        model->state().net->forward(ids_tensor(b["input_ids"]), ids_tensor(b["token_type_ids"]),
                                    ids_tensor(b["attention_mask"]));
    const json& want = b[key]["logits"];
    ASSERT_EQ(logits.size(0), static_cast<int64_t>(want.size()));
    for (size_t r = 0; r < want.size(); ++r) {
      for (int k = 0; k < 2; ++k) {
        EXPECT_NEAR(logits[static_cast<int64_t>(r)][k].item<float>(), want[r][k].get<float>(), kTol)
            << b["id"] << " row " << r;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ForwardParity,
    ::testing::Values(Case{"tiny-distilbert", "distilbert", "model.safetensors"},
                      Case{"tiny-distilbert", "distilbert", "pytorch_model.bin"},
                      Case{"tiny-bert", "bert", "model.safetensors"},
                      Case{"tiny-bert", "bert", "pytorch_model.bin"}),
    name_of);

}  // namespace
}  // namespace hitloop::ml::encoder
