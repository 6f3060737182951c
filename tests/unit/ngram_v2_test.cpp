// The n-gram evaluator's v2 parts: the boosted trees, the stacker, the
// artifact versions, and a deterministic selection.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/metrics.h"
#include "ml/ngram/binio.h"
#include "ml/ngram/combiner.h"
#include "ml/ngram/gbm.h"
#include "ml/ngram/ngram_evaluator.h"
#include "ml/ngram/ngram_stack.h"
#include "ml/rng.h"

namespace hitloop::ml::ngram {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(testing::TempDir()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(NgramArtifactV1, StillLoadsAndScoresExactlyAsBefore) {
  // tests/fixtures/ngram-v1 was saved by the v1 evaluator (hash_bits 12);
  // these margins are what v1 computed for it.
  NgramEvaluator ev;
  auto model = ev.load(std::string(HITLOOP_SOURCE_DIR) + "/tests/fixtures/ngram-v1");
  ASSERT_TRUE(model.ok()) << model.status().message();
  struct Case {
    const char* input;
    const char* output;
    double margin;
  } cases[] = {{"When does my order arrive?", "It arrives on Friday.", -0.637628545},
               {"Can I return shoes?", "Buy crypto now!!!", -3.25522879},
               {"Is it in stock?", "I don't know.", -2.8940568},
               {"", "", -3.1381155}};
  for (const Case& c : cases) {
    TextPair p{c.input, c.output};
    double m = 0;
    (*model)->margins(std::span<const TextPair>(&p, 1), std::span<double>(&m, 1));
    EXPECT_NEAR(m, c.margin, 1e-6) << c.input;
  }
}

TEST(NgramArtifact, AnUnknownFormatIsRefusedNamingWhatItIs) {
  fs::path dir = fresh_dir("ngram_future");
  std::ofstream(dir / "ngram.bin", std::ios::binary) << "HLNGRAM9 and more bytes";
  auto loaded = NgramEvaluator().load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("HLNGRAM9"), std::string::npos)
      << loaded.status().message();
  EXPECT_NE(loaded.status().message().find("retrain"), std::string::npos);
}

TEST(Gbm, LearnsAnInteractionThatNoLinearModelCan) {
  // good iff exactly one of two features is high (XOR).
  Rng rng(3);
  std::vector<float> x;
  std::vector<int> y;
  for (int i = 0; i < 800; ++i) {
    float a = static_cast<float>(rng.uniform()), b = static_cast<float>(rng.uniform());
    x.push_back(a), x.push_back(b);
    y.push_back((a > 0.5f) != (b > 0.5f));
  }
  std::vector<double> w(y.size(), 1.0);
  GbmOptions o;
  o.max_trees = 60;
  Gbm model = train_gbm(x, 2, y, w, o);
  std::vector<double> scores;
  for (size_t i = 0; i < y.size(); ++i) scores.push_back(model.predict(&x[2 * i]));
  EXPECT_GT(auroc(y, scores).value_or(0), 0.95);
}

TEST(Gbm, ExplanationsAddUpToThePrediction) {
  std::vector<float> x = {0, 1, 1, 0, 2, 2, 3, 1, 0, 3, 1, 1, 2, 0, 3, 3};
  std::vector<int> y = {0, 1, 1, 0, 1, 0, 1, 0};
  GbmOptions o;
  o.min_hessian = 0.1;
  o.max_trees = 5;
  Gbm model = train_gbm(x, 2, y, std::vector<double>(8, 1.0), o);
  for (size_t i = 0; i < y.size(); ++i) {
    std::vector<double> per(2, 0.0);
    double bias = 0;
    model.explain(&x[2 * i], per, bias);
    EXPECT_NEAR(bias + per[0] + per[1], model.predict(&x[2 * i]), 1e-5);
  }
}

TEST(Gbm, ParsingRefusesATreeThatPointsPastTheFeatures) {
  Gbm model(2, 1, 0.0);
  model.add(Tree{{7}, {0.5f}, {0.f, 1.f, -1.f}});  // feature 7 of 2
  std::string bytes;
  model.serialize(bytes);
  std::string_view in(bytes);
  EXPECT_FALSE(Gbm::parse(in).ok());
}

TEST(Combiner, DropsACandidateThatRunsAgainstTheLabels) {
  Rng rng(9);
  std::vector<int> y;
  std::vector<std::vector<double>> m(2);
  for (int i = 0; i < 400; ++i) {
    int label = static_cast<int>(rng.below(2));
    y.push_back(label);
    m[0].push_back(label * 2.0 - 1 + rng.uniform() * 3);     // informative
    m[1].push_back(-(label * 2.0 - 1) + rng.uniform() * 6);  // inverted, weaker
  }
  std::vector<Fold> folds = stratified_kfold(y, 3, 1);
  Stacked s = fit_combiner(m, y, folds);
  EXPECT_GT(s.weights[0], 0);
  EXPECT_EQ(s.weights[1], 0);
}

TEST(Combiner, CombinesTwoCandidatesThatEachSeeHalfOfTheSignal) {
  Rng rng(4);
  std::vector<int> y;
  std::vector<std::vector<double>> m(2);
  for (int i = 0; i < 600; ++i) {
    double a = rng.uniform() - 0.5, b = rng.uniform() - 0.5;
    y.push_back(a + b > 0);
    m[0].push_back(a * 4);
    m[1].push_back(b * 4);
  }
  Stacked s = fit_combiner(m, y, stratified_kfold(y, 3, 1));
  EXPECT_GT(s.weights[0], 0);
  EXPECT_GT(s.weights[1], 0);
  EXPECT_GT(s.auroc, 0.95);
}

// A task where the output's words decide and the input is noise.
std::vector<Example> content_task(int n) {
  std::vector<Example> out;
  Rng rng(11);
  const char* topics[] = {"shoes", "refund", "parcel", "jacket", "invoice", "discount"};
  for (int i = 0; i < n; ++i) {
    std::string in = "Question " + std::to_string(i) + " about " + topics[rng.below(6)] + "?";
    bool bad = rng.below(3) == 0;
    std::string body = std::string("Thanks for asking about the ") + topics[rng.below(6)];
    out.push_back({in, bad ? body + ", idiot." : body + ", great.", "", bad ? 0 : 1, 1});
  }
  return out;
}

TEST(NgramEvaluator, SelectionIsTheSameForASeedWhateverTheThreads) {
  NgramEvaluator ev;
  TrainOptions one, two;
  one.threads = 1;
  two.threads = 2;
  std::string line_one, line_two;
  one.progress = [&](const std::string& l) { line_one += l; };
  two.progress = [&](const std::string& l) { line_two += l; };
  auto a = ev.train(content_task(120), one);
  auto b = ev.train(content_task(120), two);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(line_one, line_two);
  fs::path da = fresh_dir("ngram_t1"), db = fresh_dir("ngram_t2");
  ASSERT_TRUE((*a)->save(da.string()).ok());
  ASSERT_TRUE((*b)->save(db.string()).ok());
  EXPECT_EQ(slurp(da / "ngram.bin"), slurp(db / "ngram.bin"));
}

TEST(NgramEvaluator, TrainsWhenEveryRowSharesOneInput) {
  std::vector<Example> rows = content_task(60);
  for (Example& e : rows) e.input = "Rate this reply";
  std::string said;
  TrainOptions options;
  options.progress = [&](const std::string& l) { said += l; };
  auto model = NgramEvaluator().train(rows, options);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_NE(said.find("inner 3-fold:"), std::string::npos) << said;  // not "by model_input"
}

TEST(NgramEvaluator, LearnsAContentTaskFromTheOutputAlone) {
  NgramEvaluator ev;
  auto model = ev.train(content_task(150), TrainOptions{});
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<TextPair> pairs = {
      {"Question 9999 about shoes?", "Thanks for asking about the shoes, idiot."},
      {"Question 9999 about shoes?", "Thanks for asking about the shoes, great."}};
  double m[2];
  (*model)->margins(pairs, m);
  EXPECT_LT(m[0], m[1]);
  auto why = (*model)->explain(pairs[0], 3);
  bool names_idiot = false;
  for (const auto& c : why) names_idiot |= c.feature.find("idiot") != std::string::npos;
  EXPECT_TRUE(names_idiot);
}

TEST(NgramArtifact, AV2FileIsScoredWithoutMergingRepeatsAndStaysV2WhenSaved) {
  // v2 had v3's layout but counted a repeated n-gram once per occurrence;
  // the same bytes under the v2 header must score the way v2 did.
  auto model = NgramEvaluator().train(content_task(150), TrainOptions{});
  ASSERT_TRUE(model.ok()) << model.status().message();
  fs::path v3 = fresh_dir("ngram_v3"), v2 = fresh_dir("ngram_v2"), again = fresh_dir("ngram_v2b");
  ASSERT_TRUE((*model)->save(v3.string()).ok());
  std::string bytes = slurp(v3 / "ngram.bin");
  ASSERT_EQ(bytes.substr(0, 8), "HLNGRAM4");
  EXPECT_EQ(ngram_artifact_version(v3.string()).value(), 3);
  bytes[7] = '3';
  std::ofstream(v2 / "ngram.bin", std::ios::binary) << bytes;
  EXPECT_EQ(ngram_artifact_version(v2.string()).value(), 2);
  auto old = NgramEvaluator().load(v2.string());
  ASSERT_TRUE(old.ok()) << old.status().message();
  // No repeats: both read the pair alike. Repeats: only v3 merges them.
  TextPair plain{"Question 1 about shoes?", "idiot"};  // no n-gram repeats
  TextPair repeats{"Question 1 about shoes?", "idiot idiot idiot idiot, great great."};
  double a[2], b[2];
  (*model)->margins(std::vector<TextPair>{plain, repeats}, a);
  (*old)->margins(std::vector<TextPair>{plain, repeats}, b);
  EXPECT_NEAR(a[0], b[0], 1e-9);
  EXPECT_GT(std::abs(a[1] - b[1]), 1e-3);
  ASSERT_TRUE((*old)->save(again.string()).ok());
  EXPECT_EQ(slurp(again / "ngram.bin"), bytes);
}

}  // namespace
}  // namespace hitloop::ml::ngram
