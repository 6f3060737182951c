// A DistilBERT-base-sized model (6 layers, 768 wide, 12 heads, FFN 3072,
// 67M parameters) written by the random-checkpoint helper: it loads,
// trains a step, saves and reloads to identical logits. Label `slow`.
#include <gtest/gtest.h>

#include "ml/encoder/encoder_evaluator.h"
#include "ml/encoder/encoder_model.h"
#include "ml/encoder/random_checkpoint.h"
#include "test_util.h"

namespace hitloop::ml::encoder {
namespace {

TEST(LargeModel, DistilBertSizedCheckpointTrainsSavesAndReloadsToIdenticalLogits) {
  testing::TempDir base, artifact;
  ASSERT_TRUE(write_random_checkpoint(base.str(), distilbert_base_config(),
                                      testing::fixture("tiny-distilbert"), 5)
                  .ok());
  EncoderEvaluator evaluator;
  TrainOptions options;
  options.encoder.base_dir = base.str();
  options.encoder.epochs = 1;
  options.encoder.max_length = 32;
  std::vector<Example> examples;
  for (int i = 0; i < 8; ++i) {
    examples.push_back({"Where is my order " + std::to_string(i) + "?",
                        i % 2 ? "It ships tomorrow." : "I do not know.", "", i % 2, 1.0});
  }
  auto model = evaluator.train(examples, options);
  ASSERT_TRUE(model.ok()) << model.status().message();
  ASSERT_TRUE((*model)->save(artifact.str()).ok());
  auto back = evaluator.load(artifact.str());
  ASSERT_TRUE(back.ok()) << back.status().message();
  std::vector<TextPair> pairs = {{"Where is my order?", "It ships tomorrow."},
                                 {"Can I pay by card?", ""}};
  std::vector<double> a(2), b(2);
  (*model)->margins(pairs, a);
  (*back)->margins(pairs, b);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(std::isfinite(a[0]));
}

}  // namespace
}  // namespace hitloop::ml::encoder
