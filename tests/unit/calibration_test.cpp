// Calibration never inverts a model: Platt's slope is constrained so that
// P(good) does not fall as the margin rises, a model that ranks held-out
// data worse than chance says so, and the figures printed while training
// are the ones the manifest keeps. It holds on a handful of held-out rows
// (a prior on the slope, intercept only below kPlattMinRows) and leaves
// large samples to the data.
#include "ml/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/metrics.h"
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

double logit(double p) { return std::log(p / (1 - p)); }

// Rows at margins +h and -h, `good_share` of those at +h good and the same
// share of those at -h bad; with two margin values Platt's model is
// saturated, so the unpenalised fit has a closed form (see below).
void two_margins(int per_side, double h, double good_share, std::vector<double>& margins,
                 std::vector<int>& labels) {
  int good = static_cast<int>(std::lround(per_side * good_share));
  for (int i = 0; i < per_side; ++i) {
    margins.push_back(h), labels.push_back(i < good);
    margins.push_back(-h), labels.push_back(i >= good);
  }
}

// The unpenalised fit on two_margins: P(+h) and P(-h) equal the mean of
// Platt's targets there, which fixes a and b.
Platt unpenalised_two_margins(int per_side, double h, double good_share) {
  double n1 = per_side, n0 = per_side;  // the design gives each class per_side rows
  double hi = (n1 + 1) / (n1 + 2), lo = 1 / (n0 + 2);
  double t_plus = good_share * hi + (1 - good_share) * lo;
  double t_minus = (1 - good_share) * hi + good_share * lo;
  Platt p;
  p.a = (logit(t_minus) - logit(t_plus)) / (2 * h);
  p.b = -(logit(t_plus) + logit(t_minus)) / 2;
  return p;
}

TEST(Calibration, EightSeparableHeldOutRowsGiveABoundedSlopeAndAnHonestScore) {
  // The issue's case: a weak model's 8 held-out margins, close together and
  // separable by chance. Unpenalised Platt stretched such a slope to -11.7;
  // on fresh rows where P(good | m) = sigmoid(2m) that scored ECE 0.26.
  std::vector<double> margins = {0.05, 0.1, 0.14, 0.2, -0.2, -0.14, -0.1, -0.05};
  std::vector<int> labels = {1, 1, 1, 1, 0, 0, 0, 0};
  Platt p = fit_platt(margins, labels);
  EXPECT_EQ(p.fit, PlattFit::kInterceptOnly);
  EXPECT_EQ(p.n, 8);
  EXPECT_GE(p.a, -2.0);
  EXPECT_LT(p.a, 0.0);
  Rng rng(5);
  std::vector<int> fresh_labels;
  std::vector<double> fresh_scores;
  for (int i = 0; i < 20000; ++i) {
    double m = 1.2 * rng.uniform() - 0.6;
    fresh_labels.push_back(rng.uniform() < 1 / (1 + std::exp(-2 * m)));
    fresh_scores.push_back(p.apply(m));
  }
  EXPECT_LT(expected_calibration_error(fresh_labels, fresh_scores), 0.1);
}

TEST(Calibration, TooFewRowsOfOneClassFitOnlyTheIntercept) {
  std::vector<double> margins;
  std::vector<int> labels;
  for (int i = 0; i < 200; ++i) {
    bool bad = i % 50 == 0;  // 4 bad rows
    labels.push_back(!bad);
    margins.push_back((bad ? -0.3 : 0.3) + 0.001 * i);
  }
  Platt p = fit_platt(margins, labels);
  EXPECT_EQ(p.fit, PlattFit::kInterceptOnly);
  EXPECT_EQ(p.a, -1.0);
  EXPECT_NEAR(p.apply(0.3), 196.0 / 200, 0.03);  // the intercept follows the base rate
}

TEST(Calibration, AFewRowsThatRunAgainstTheLabelsGetTheBaseRateToo) {
  std::vector<double> margins = {-0.3, -0.2, -0.1, 0.1, 0.2, 0.3};
  std::vector<int> labels = {1, 1, 1, 0, 0, 1};
  Platt p = fit_platt(margins, labels);
  EXPECT_EQ(p.fit, PlattFit::kBaseRate);
  EXPECT_EQ(p.a, 0.0);
  EXPECT_LE(p.apply(-1), p.apply(1));
}

TEST(Calibration, WithThousandsOfRowsTheFitMatchesTheUnpenalisedOne) {
  std::vector<double> margins;
  std::vector<int> labels;
  two_margins(2000, 0.25, 0.75, margins, labels);
  Platt free = unpenalised_two_margins(2000, 0.25, 0.75);
  Platt p = fit_platt(margins, labels);
  EXPECT_EQ(p.fit, PlattFit::kSlopeAndIntercept);
  EXPECT_NEAR(p.a, free.a, 0.01 * std::abs(free.a));  // a is about -4.4; the prior sits at -1
  EXPECT_NEAR(p.apply(0.25), free.apply(0.25), 0.002);
  EXPECT_NEAR(p.apply(-0.25), free.apply(-0.25), 0.002);
}

TEST(Calibration, ForFortyRowsThePriorPullsTheSlopeTowardsTheModelsOwnScale) {
  std::vector<double> margins;
  std::vector<int> labels;
  two_margins(20, 0.25, 0.75, margins, labels);
  Platt free = unpenalised_two_margins(20, 0.25, 0.75);
  Platt p = fit_platt(margins, labels);
  EXPECT_EQ(p.fit, PlattFit::kSlopeAndIntercept);
  EXPECT_GT(p.a, free.a + 0.2);  // the prior (10 rows' worth) against 40 rows
  EXPECT_LT(p.a, -1.0);          // but the data still move it
}

TEST(Calibration, ScoresNeverFallAsTheMarginRisesAtAnySampleSize) {
  for (int n : {6, 12, 29, 30, 45, 200}) {
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      std::vector<double> margins;
      std::vector<int> labels;
      Rng rng(seed * 31 + static_cast<uint64_t>(n));
      for (int i = 0; i < n; ++i) {
        int y = i % 2;
        labels.push_back(y);
        margins.push_back((seed % 2 ? 1.0 : -1.0) * (y ? 0.2 : -0.2) + rng.uniform() - 0.5);
      }
      Platt p = fit_platt(margins, labels);
      EXPECT_LE(p.a, 0.0) << "n " << n << " seed " << seed;
      EXPECT_LE(p.apply(-1), p.apply(1)) << "n " << n << " seed " << seed;
    }
  }
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

TEST(Calibration, ManifestsKeepECEWithItsNAndHowTheCalibrationWasFitted) {
  Manifest m;
  m.kind = "encoder";
  m.metrics = compute_metrics({1, 1, 0, 1, 0, 0, 1, 0}, {.9, .8, .3, .6, .4, .2, .7, .55});
  m.calibration =
      fit_platt({0.05, 0.1, 0.14, 0.2, -0.2, -0.14, -0.1, -0.05}, {1, 1, 1, 1, 0, 0, 0, 0});
  ASSERT_EQ(m.metrics.ece_n, 8);
  auto back = parse_manifest(manifest_to_json(m), "test");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->metrics.ece_n, 8);
  EXPECT_DOUBLE_EQ(back->metrics.ece, m.metrics.ece);
  EXPECT_EQ(back->calibration.fit, PlattFit::kInterceptOnly);
  EXPECT_EQ(back->calibration.n, 8);
  EXPECT_EQ(describe(back->calibration), describe(m.calibration));
}

TEST(Calibration, ManifestsWrittenBeforeECEnAndTheFitWereRecordedStillLoad) {
  const char* old = R"({"format_version": 1, "kind": "ngram", "version": 3,
    "metrics": {"n": 120, "accuracy": 0.9, "auroc": 0.95, "brier": 0.08, "ece": 0.04},
    "metrics_by_category": {"returns": {"n": 30, "ece": 0.1}},
    "calibration": {"method": "platt", "a": -2.5, "b": 0.3}, "threshold": 0.45,
    "checksums": {}})";
  auto legacy = parse_manifest(old, "old");
  ASSERT_TRUE(legacy.ok()) << legacy.status().message();
  EXPECT_EQ(legacy->metrics.ece_n, 120);  // ECE was always computed on all n rows
  EXPECT_EQ(legacy->metrics_by_category.at("returns").ece_n, 30);
  EXPECT_EQ(legacy->calibration.fit, PlattFit::kDefault);
  EXPECT_EQ(legacy->calibration.n, 0);
  EXPECT_DOUBLE_EQ(legacy->calibration.a, -2.5);
  EXPECT_DOUBLE_EQ(legacy->calibration.apply(0), (Platt{-2.5, 0.3}.apply(0)));
}

}  // namespace
}  // namespace hitloop::ml
