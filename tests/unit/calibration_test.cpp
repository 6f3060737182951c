// Calibration never inverts a model: Platt's slope is constrained so that
// P(good) does not fall as the margin rises, a model that ranks held-out
// data worse than chance says so, and the figures printed while training
// are the ones the manifest keeps.
#include "ml/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "ml/manifest.h"
#include "ml/pipeline.h"
#include "ml/registry.h"
#include "ml/rng.h"
#include "ml/train_manifest.h"

namespace hitloop::ml {
namespace {

namespace fs = std::filesystem;

// Margins that go against the labels: good rows get low margins.
void anti_correlated(int n, uint64_t seed, std::vector<double>& margins, std::vector<int>& labels) {
  Rng rng(seed);
  for (int i = 0; i < n; ++i) {
    int y = i % 3 == 0 ? 0 : 1;
    labels.push_back(y);
    margins.push_back((y ? -1.0 : 1.0) + 1.5 * (rng.uniform() - 0.5));
  }
}

TEST(Calibration, AntiCorrelatedMarginsNeverGiveScoresThatFallAsTheMarginRises) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<double> margins;
    std::vector<int> labels;
    anti_correlated(200, seed, margins, labels);
    Platt p = fit_platt(margins, labels);
    EXPECT_LE(p.a, 0.0) << "seed " << seed;
    std::vector<double> sorted = margins;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 1; i < sorted.size(); ++i) {
      EXPECT_LE(p.apply(sorted[i - 1]), p.apply(sorted[i])) << "seed " << seed;
    }
  }
}

TEST(Calibration, InvertedMarginsAreCalibratedToTheBaseRate) {
  std::vector<double> margins;
  std::vector<int> labels;
  anti_correlated(300, 7, margins, labels);
  Platt p = fit_platt(margins, labels);
  EXPECT_EQ(p.a, 0.0);
  // Platt's regularised targets: (n1 + 1)/(n1 + 2) and 1/(n0 + 2).
  double n1 = 200, n0 = 100;
  double base = (n1 * (n1 + 1) / (n1 + 2) + n0 / (n0 + 2)) / (n1 + n0);
  EXPECT_NEAR(p.apply(-5), base, 1e-9);
  EXPECT_NEAR(p.apply(5), base, 1e-9);
}

TEST(Calibration, MarginsThatFollowTheLabelsKeepARisingCurve) {
  std::vector<double> margins;
  std::vector<int> labels;
  anti_correlated(300, 3, margins, labels);
  for (double& m : margins) m = -m;
  Platt p = fit_platt(margins, labels);
  EXPECT_LT(p.a, 0.0);
  EXPECT_LT(p.apply(-1), p.apply(1));
}

// A model kind whose margin says "good" for outputs the labels call bad.
class InvertedModel : public Model {
 public:
  std::string_view kind() const override { return "inverted"; }
  void margins(std::span<const TextPair> pairs, std::span<double> out) const override {
    for (size_t i = 0; i < pairs.size(); ++i) {
      bool looks_good = pairs[i].output.find("thanks") != std::string_view::npos;
      out[i] = (looks_good ? -1.0 : 1.0) + 0.01 * static_cast<double>(pairs[i].input.size() % 7);
    }
  }
  std::vector<Contribution> explain(const TextPair&, size_t) const override { return {}; }
  size_t max_text_bytes() const override { return 1 << 20; }
  Status save(const std::string& dir) const override {
    std::ofstream(fs::path(dir) / "weights.txt") << "inverted\n";
    return Status::Ok();
  }
};

class InvertedEvaluator : public Evaluator {
 public:
  std::string_view kind() const override { return "inverted"; }
  Result<std::unique_ptr<Model>> train(const std::vector<Example>&,
                                       const TrainOptions&) const override {
    return std::unique_ptr<Model>(std::make_unique<InvertedModel>());
  }
  Result<std::unique_ptr<Model>> load(const std::string&) const override {
    return std::unique_ptr<Model>(std::make_unique<InvertedModel>());
  }
};

std::vector<Example> thanks_examples(int n) {
  std::vector<Example> out;
  for (int i = 0; i < n; ++i) {
    bool good = i % 4 != 0;
    out.push_back({"question " + std::to_string(i), good ? "sure, thanks" : "no", "", good, 1.0});
  }
  return out;
}

TEST(Calibration, AModelThatRanksWorseThanChanceIsReportedAsSuch) {
  InvertedEvaluator evaluator;
  std::vector<std::string> progress;
  TrainOptions options;
  options.progress = [&](const std::string& line) { progress.push_back(line); };
  auto report = train_with_validation(evaluator, thanks_examples(80), options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->worse_than_chance);
  ASSERT_TRUE(report->metrics.auroc);
  EXPECT_LT(*report->metrics.auroc, 0.5);  // the raw ranking, not a flipped one
  EXPECT_LE(report->calibration.a, 0.0);
  bool warned = std::any_of(progress.begin(), progress.end(), [](const std::string& l) {
    return l.find("worse than chance") != std::string::npos;
  });
  EXPECT_TRUE(warned);
  EXPECT_TRUE(manifest_from(*report, thanks_examples(80), 0).worse_than_chance);
}

TEST(Calibration, TheHeldOutLinePrintedWhileTrainingHasTheManifestsFigures) {
  InvertedEvaluator evaluator;
  std::vector<std::string> progress;
  TrainOptions options;
  options.progress = [&](const std::string& line) { progress.push_back(line); };
  auto report = train_with_validation(evaluator, thanks_examples(60), options);
  ASSERT_TRUE(report.ok());
  Manifest m = manifest_from(*report, thanks_examples(60), 0);
  auto parsed = parse_manifest(manifest_to_json(m), "test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  std::string expected = held_out_line(parsed->metrics, parsed->threshold);
  EXPECT_NE(std::find(progress.begin(), progress.end(), expected), progress.end())
      << "expected a progress line: " << expected;
}

TEST(Calibration, ManifestsKeepTheRecipeAndStillReadWithoutIt) {
  Manifest m;
  m.kind = "encoder";
  Recipe r;
  r.kind = "encoder";
  r.seed = 9;
  r.encoder.base_dir = "/models/tiny";
  r.encoder.epochs = 2;
  r.encoder.learning_rate = 1e-3;
  r.encoder.batch_size = 4;
  r.encoder.max_length = 32;
  r.encoder.weight_decay = 0.1;
  r.encoder.warmup_ratio = 0.2;
  m.recipe = r;
  m.worse_than_chance = true;
  auto back = parse_manifest(manifest_to_json(m), "test");
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_TRUE(back->recipe);
  EXPECT_EQ(recipe_to_json(*back->recipe), recipe_to_json(r));
  EXPECT_TRUE(back->worse_than_chance);

  const char* old = R"({"format_version": 1, "kind": "ngram", "version": 1,
    "calibration": {"method": "platt", "a": -1.0, "b": 0.0}, "threshold": 0.5,
    "checksums": {}})";
  auto legacy = parse_manifest(old, "old");
  ASSERT_TRUE(legacy.ok()) << legacy.status().message();
  EXPECT_FALSE(legacy->recipe);
  EXPECT_FALSE(legacy->gate);
  EXPECT_FALSE(legacy->worse_than_chance);
}

}  // namespace
}  // namespace hitloop::ml
