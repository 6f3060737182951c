// Training parity with torch.optim.AdamW on HF's models: three steps on the
// golden batch with dropout off and weight decay on every parameter give
// HF's losses and logits within 1e-4 and its parameter norms within 1e-5
// (relative). Also the pieces of the HF Trainer recipe: the no-decay rule
// and the linear schedule.
#include <gtest/gtest.h>

#include "ml/encoder/checkpoint.h"
#include "ml/encoder/encoder_state.h"
#include "ml/encoder/runtime.h"
#include "ml/encoder/trainer.h"
#include "test_util.h"

namespace hitloop::ml::encoder {
namespace {

using nlohmann::json;

torch::Tensor matrix(const json& rows) {
  std::vector<int64_t> flat;
  for (const json& r : rows) {
    for (const json& v : r) flat.push_back(v.get<int64_t>());
  }
  return torch::tensor(flat, torch::kLong).view({static_cast<int64_t>(rows.size()), -1});
}

class TrainingGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(TrainingGolden, ThreeAdamWStepsMatchHf) {
  configure_threads(1);
  const json& g = testing::load_json("training_golden.json")[GetParam()];
  auto state = open_checkpoint_dir(testing::fixture(g["model_dir"]), 64);
  ASSERT_TRUE(state.ok()) << state.status().message();
  EncoderConfig config = (*state)->config;
  config.hidden_dropout = config.attention_dropout = config.classifier_dropout = 0;
  auto net = make_classifier(config);
  auto weights = read_weights(testing::fixture(g["model_dir"]));
  ASSERT_TRUE(weights.ok());
  ASSERT_TRUE(load_weights(*net, std::move(*weights), false, 0, "fixture").ok());
  net->train();

  const json& b = g["batch"];
  TensorBatch batch{matrix(b["input_ids"]), matrix(b["token_type_ids"]),
                    matrix(b["attention_mask"])};
  torch::Tensor labels = torch::tensor(b["labels"].get<std::vector<int64_t>>(), torch::kLong);
  const json& opt = g["optimizer"];
  const double lr = opt["lr"].get<double>();
  auto optimizer = make_optimizer(*net, lr, opt["weight_decay"].get<double>(), true);

  std::vector<double> losses;
  for (int step = 0; step < 3; ++step) {
    losses.push_back(train_step(*net, *optimizer, batch, labels, {}, lr, 0.0));
    if (step == 0) {
      // The first backward pass, before any update.
      for (const auto& item : net->named_parameters()) {
        if (item.key() != "classifier.weight") continue;
        EXPECT_NEAR(item.value().grad().norm().item<double>(),
                    g["classifier_weight_grad_l2_norm_step1"].get<double>(), 1e-6);
      }
      const json& want = g["after_1_step"]["logits"];
      torch::NoGradGuard no_grad;
      torch::Tensor logits =
          net->forward(batch.input_ids, batch.token_type_ids, batch.attention_mask);
      for (int r = 0; r < 4; ++r) {
        for (int k = 0; k < 2; ++k) {
          EXPECT_NEAR(logits[r][k].item<float>(), want[r][k].get<float>(), 1e-4);
        }
      }
    }
  }
  {
    torch::NoGradGuard no_grad;
    losses.push_back(batch_loss(*net, batch, labels, {}).item<double>());
    torch::Tensor logits =
        net->forward(batch.input_ids, batch.token_type_ids, batch.attention_mask);
    const json& want = g["after_3_steps"]["logits"];
    for (int r = 0; r < 4; ++r) {
      for (int k = 0; k < 2; ++k) {
        EXPECT_NEAR(logits[r][k].item<float>(), want[r][k].get<float>(), 1e-4) << "row " << r;
      }
    }
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(losses[static_cast<size_t>(i)], g["losses"][i].get<double>(), 1e-4) << "loss " << i;
  }
  // Every parameter's norm after 3 steps, except the attention key biases:
  // their gradient is exactly zero in exact arithmetic (adding a constant to
  // every key score of a query leaves its softmax unchanged), so both
  // implementations get only round-off there (~1e-8), which Adam normalises
  // into full-size steps whose direction depends on summation order.
  int compared = 0, skipped = 0;
  for (const auto& item : net->named_parameters()) {
    const json& norms = g["after_3_steps"]["parameter_l2_norms"];
    ASSERT_TRUE(norms.contains(item.key())) << item.key();
    if (item.key().find("k_lin.bias") != std::string::npos ||
        item.key().find("key.bias") != std::string::npos) {
      ++skipped;
      continue;
    }
    double want = norms[item.key()].get<double>();
    EXPECT_NEAR(item.value().norm().item<double>(), want, 1e-5 * std::max(1.0, want)) << item.key();
    ++compared;
  }
  EXPECT_EQ(skipped, 2);
  EXPECT_EQ(compared + skipped, static_cast<int>(g["after_3_steps"]["parameter_l2_norms"].size()));
  for (const auto& item : net->named_parameters()) {
    if (item.key().find("word_embeddings") != std::string::npos) {
      EXPECT_EQ(item.value()[0].abs().sum().item<float>(), 0.0f);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TrainingGolden, ::testing::Values("distilbert", "bert"));

TEST(TrainerRecipe, NoDecayForBiasesAndLayerNormAsHfTrainer) {
  EXPECT_TRUE(decays("distilbert.transformer.layer.0.attention.q_lin.weight"));
  EXPECT_TRUE(decays("distilbert.embeddings.word_embeddings.weight"));
  EXPECT_TRUE(decays("classifier.weight"));
  EXPECT_FALSE(decays("classifier.bias"));
  EXPECT_FALSE(decays("distilbert.transformer.layer.1.sa_layer_norm.weight"));
  EXPECT_FALSE(decays("distilbert.transformer.layer.1.output_layer_norm.weight"));
  EXPECT_FALSE(decays("bert.encoder.layer.0.attention.output.LayerNorm.weight"));
  EXPECT_FALSE(decays("bert.embeddings.LayerNorm.bias"));
}

TEST(TrainerRecipe, OptimizerPutsNoDecayParametersInAZeroDecayGroup) {
  auto state = open_checkpoint_dir(testing::fixture("tiny-distilbert"), 64);
  ASSERT_TRUE(state.ok());
  auto opt = make_optimizer(*(*state)->net, 2e-5, 0.01, false);
  ASSERT_EQ(opt->param_groups().size(), 2u);
  auto wd = [&](size_t g) {
    return static_cast<torch::optim::AdamWOptions&>(opt->param_groups()[g].options())
        .weight_decay();
  };
  EXPECT_DOUBLE_EQ(wd(0), 0.01);
  EXPECT_DOUBLE_EQ(wd(1), 0.0);
  // 2 layers x (4 linear + 2 ffn) weights + 2 embeddings + 2 head weights.
  EXPECT_EQ(opt->param_groups()[0].params().size(), 2u * 6 + 2 + 2);
}

TEST(TrainerRecipe, LinearScheduleWarmsUpThenDecaysToZero) {
  EXPECT_DOUBLE_EQ(linear_schedule(0, 100, 0), 1.0);
  EXPECT_DOUBLE_EQ(linear_schedule(50, 100, 0), 0.5);
  EXPECT_DOUBLE_EQ(linear_schedule(99, 100, 0), 0.01);
  EXPECT_DOUBLE_EQ(linear_schedule(0, 100, 10), 0.0);
  EXPECT_DOUBLE_EQ(linear_schedule(5, 100, 10), 0.5);
  EXPECT_DOUBLE_EQ(linear_schedule(10, 100, 10), 1.0);
  EXPECT_DOUBLE_EQ(linear_schedule(55, 100, 10), 0.5);
}

}  // namespace
}  // namespace hitloop::ml::encoder
