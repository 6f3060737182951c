// The encoder through the training pipeline: one 80/20 split, per-epoch
// held-out scoring with the best epoch kept, a fresh head for a headless
// base, and a model that learns an easy rule.
#include "ml/pipeline.h"

#include <gtest/gtest.h>

#include "ml/encoder/encoder_evaluator.h"
#include "ml/encoder/encoder_model.h"
#include "ml/encoder/safetensors.h"
#include "test_util.h"

namespace hitloop::ml::encoder {
namespace {

// Good answers thank and confirm; bad ones refuse. Easy for any model.
std::vector<Example> easy_examples(int n) {
  const char* questions[] = {"Where is my order?", "Can I get a refund?", "Do you ship abroad?",
                             "Is this jacket waterproof?", "How do I reset my password?"};
  std::vector<Example> out;
  for (int i = 0; i < n; ++i) {
    Example e;
    e.input = questions[i % 5];
    e.label = i % 2;
    e.output = e.label ? "Yes, happy to help, here is how." : "No. I cannot help with that.";
    e.category = i % 3 ? "orders" : "account";
    out.push_back(e);
  }
  return out;
}

TEST(EncoderPipeline, SelfValidatingTrainingUsesOneSplitAndKeepsTheBestEpoch) {
  EncoderEvaluator evaluator;
  TrainOptions options;
  options.threads = 1;
  options.encoder.base_dir = testing::fixture("tiny-distilbert");
  options.encoder.epochs = 3;
  options.encoder.learning_rate = 1e-3;
  options.encoder.max_length = 32;
  std::vector<std::string> lines;
  options.progress = [&](const std::string& l) { lines.push_back(l); };
  auto report = train_with_validation(evaluator, easy_examples(40), options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->validation, "80/20 split by model_input, best epoch");
  EXPECT_EQ(report->metrics.n, 8) << "held-out metrics are on the 20%";
  EXPECT_EQ(report->n_examples, 40);
  EXPECT_EQ(report->model->kind(), "encoder");
  ASSERT_TRUE(report->metrics.auroc.has_value());
  EXPECT_GT(*report->metrics.auroc, 0.99) << "the easy rule is learned";
  int epoch_lines = 0;
  bool kept = false, progress = false;
  for (const std::string& l : lines) {
    epoch_lines += l.find("held-out: loss") != std::string::npos;
    kept = kept || l.find("kept epoch") != std::string::npos;
    progress =
        progress || (l.find("step 4/4") != std::string::npos &&
                     l.find("ex/s") != std::string::npos && l.find("ETA") != std::string::npos);
  }
  EXPECT_EQ(epoch_lines, 3);
  EXPECT_TRUE(kept);
  EXPECT_TRUE(progress);
}

TEST(EncoderPipeline, HeadlessBaseGetsAFreshSeededHead) {
  testing::TempDir dir;
  testing::copy_dir(testing::fixture("tiny-bert"), dir.str());
  std::filesystem::remove(dir / "pytorch_model.bin");
  auto file = SafetensorsFile::read(dir / "model.safetensors");
  ASSERT_TRUE(file.ok());
  std::vector<TensorView> keep;
  for (const TensorEntry& e : file->tensors()) {
    if (e.name.rfind("classifier.", 0) != 0) {
      keep.push_back({e.name, e.dtype, e.shape, file->data(e), e.nbytes});
    }
  }
  ASSERT_TRUE(write_safetensors(dir / "model.safetensors", keep, {}).ok());

  EncoderEvaluator evaluator;
  auto train_once = [&](uint64_t seed, std::vector<std::string>& lines) {
    TrainOptions options;
    options.seed = seed;
    options.threads = 1;
    options.encoder.base_dir = dir.str();
    options.encoder.epochs = 1;
    options.encoder.max_length = 24;
    options.progress = [&](const std::string& l) { lines.push_back(l); };
    auto m = evaluator.train(easy_examples(16), options);
    EXPECT_TRUE(m.ok()) << m.status().message();
    std::vector<TextPair> pairs = {{"Where is my order?", "On its way."}};
    std::vector<double> out(1);
    (*m)->margins(pairs, out);
    return out[0];
  };
  std::vector<std::string> lines;
  double a = train_once(7, lines), b = train_once(7, lines), c = train_once(8, lines);
  EXPECT_EQ(a, b) << "same seed, same head and training";
  EXPECT_NE(a, c);
  bool said = false;
  for (const std::string& l : lines)
    said = said || l.find("fresh one (seed 7)") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(EncoderPipeline, TrainingWithoutBaseIsABadInputError) {
  EncoderEvaluator evaluator;
  auto m = evaluator.train(easy_examples(12), TrainOptions{});
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(m.status().is_invalid_argument());
  EXPECT_NE(m.status().message().find("--base NAME|DIR"), std::string::npos);
}

}  // namespace
}  // namespace hitloop::ml::encoder
