#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ml/ngram/featurizer.h"
#include "ml/ngram/ngram_evaluator.h"
#include "ml/ngram/ngram_model.h"
#include "ml/pipeline.h"

namespace hitloop::ml::ngram {
namespace {

namespace fs = std::filesystem;

// Good answers mention the order number asked about; bad ones are refusals.
std::vector<Example> toy_examples(int n) {
  std::vector<Example> out;
  for (int i = 0; i < n; ++i) {
    std::string order = std::to_string(1000 + i);
    std::string in = "Where is order " + order + "?";
    if (i % 3 == 0) {
      out.push_back({in, "Sorry, I cannot help with that request.", "", 0, 1});
    } else {
      out.push_back({in, "Order " + order + " shipped today and arrives Friday.", "", 1, 1});
    }
  }
  return out;
}

TEST(Featurizer, GivesIdenticalFeaturesForTheSameTextEveryTime) {
  Featurizer a, b;
  Features fa, fb;
  a.featurize("Where is my order 123?", "It shipped, order 123.", fa);
  b.featurize("Where is my order 123?", "It shipped, order 123.", fb);
  ASSERT_EQ(fa.sparse.size(), fb.sparse.size());
  for (size_t i = 0; i < fa.sparse.size(); ++i) {
    EXPECT_EQ(fa.sparse[i].index, fb.sparse[i].index);
    EXPECT_EQ(fa.sparse[i].value, fb.sparse[i].value);
  }
  EXPECT_EQ(fa.dense, fb.dense);
  b.featurize("Where is my order 124?", "It shipped, order 123.", fb);
  EXPECT_NE(fa.dense, fb.dense);  // the number 123 is no longer in the input
}

TEST(Featurizer, KeepsInputAndOutputWordsInSeparateSpaces) {
  Featurizer f;
  Features x, y;
  f.featurize("refund", "hello", x);
  f.featurize("hello", "refund", y);
  std::vector<uint32_t> xi, yi;
  for (auto& s : x.sparse) xi.push_back(s.index);
  for (auto& s : y.sparse) yi.push_back(s.index);
  EXPECT_NE(xi, yi);
}

TEST(Featurizer, MeasuresHowMuchOfTheOutputIsGroundedInTheInput) {
  Featurizer f;
  Features x;
  f.featurize("the blue jacket costs 80 dollars", "the blue jacket costs 95 dollars", x);
  EXPECT_NEAR(x.dense[4], 5.0 / 6, 1e-6);          // output words found in input
  EXPECT_NEAR(x.dense[9], std::log1p(1.f), 1e-6);  // one number not in the input
}

TEST(Featurizer, SublinearTfMergesRepeatsIntoOneFeatureWithALogCount) {
  FeaturizerConfig config;
  config.sublinear_tf = true;
  Featurizer fz(config);
  Features f;
  fz.featurize("", "good good good fine", f);
  std::map<uint32_t, float> by_index;
  for (size_t i = 0; i < f.sparse.size(); ++i) {
    if (f.ns[i] != kNsOut) continue;
    EXPECT_EQ(by_index.count(f.sparse[i].index), 0u) << "an index repeats";
    by_index[f.sparse[i].index] = f.sparse[i].value;
  }
  // out: good, fine, "good good", "good fine": three repeats of "good" weigh
  // 1 + ln 3 against "fine"'s 1, and the namespace has unit norm.
  float good = 0, fine = 0, norm = 0;
  for (const auto& [index, v] : fz.describe("", "good good good fine")) {
    if (v == "out:good") good = by_index[index];
    if (v == "out:fine") fine = by_index[index];
  }
  for (const auto& [index, v] : by_index) norm += v * v;
  EXPECT_NEAR(good / fine, 1 + std::log(3.f), 1e-4);
  EXPECT_NEAR(norm, 1.f, 1e-4);
}

TEST(Featurizer, TruncatesOverlongTextsInsteadOfFailing) {
  FeaturizerConfig config;
  config.max_text_bytes = 16;
  Featurizer f(config);
  Features x;
  f.featurize(std::string(100000, 'a'), std::string(100000, 'b'), x);
  EXPECT_NEAR(x.dense[0], std::log1p(16.f), 1e-6);
}

TEST(NgramEvaluator, LearnsASeparableTaskAndIsCalibrated) {
  NgramEvaluator ev;
  auto report = train_with_validation(ev, toy_examples(120), TrainOptions{});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_GT(*report->metrics.auroc, 0.95);
  TextPair good{"Where is order 5555?", "Order 5555 shipped today and arrives Friday."};
  TextPair bad{"Where is order 5555?", "Sorry, I cannot help with that request."};
  double m[2];
  report->model->margins(std::vector<TextPair>{good, bad}, m);
  EXPECT_GT(report->calibration.apply(m[0]), 0.8);
  EXPECT_LT(report->calibration.apply(m[1]), 0.2);
}

TEST(NgramEvaluator, RefusesTooFewExamplesOrOneClass) {
  NgramEvaluator ev;
  auto few = train_with_validation(ev, toy_examples(9), TrainOptions{});
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.status().message().find("at least 10"), std::string::npos);
  std::vector<Example> one_class;
  for (auto& e : toy_examples(40)) {
    if (e.label) one_class.push_back(e);
  }
  auto single = train_with_validation(ev, one_class, TrainOptions{});
  ASSERT_FALSE(single.ok());
  EXPECT_NE(single.status().message().find("both classes"), std::string::npos);
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(NgramEvaluator, SameSeedAndDataGiveAByteIdenticalModel) {
  NgramEvaluator ev;
  TrainOptions options;
  options.seed = 5;
  auto a = ev.train(toy_examples(60), options);
  auto b = ev.train(toy_examples(60), options);
  ASSERT_TRUE(a.ok() && b.ok());
  fs::path da = fs::path(testing::TempDir()) / "ngram_a",
           db = fs::path(testing::TempDir()) / "ngram_b";
  fs::remove_all(da), fs::remove_all(db);
  fs::create_directories(da), fs::create_directories(db);
  ASSERT_TRUE((*a)->save(da.string()).ok());
  ASSERT_TRUE((*b)->save(db.string()).ok());
  EXPECT_EQ(slurp(da / "ngram.bin"), slurp(db / "ngram.bin"));
}

TEST(NgramModel, ReloadedModelGivesIdenticalScores) {
  NgramEvaluator ev;
  auto model = ev.train(toy_examples(60), TrainOptions{});
  ASSERT_TRUE(model.ok());
  fs::path dir = fs::path(testing::TempDir()) / "ngram_roundtrip";
  fs::remove_all(dir);
  fs::create_directories(dir);
  ASSERT_TRUE((*model)->save(dir.string()).ok());
  auto loaded = ev.load(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  std::vector<TextPair> pairs = {{"Where is order 1?", "Order 1 shipped."},
                                 {"hi", "Sorry, I cannot help with that request."}};
  double before[2], after[2];
  (*model)->margins(pairs, before);
  (*loaded)->margins(pairs, after);
  EXPECT_EQ(before[0], after[0]);
  EXPECT_EQ(before[1], after[1]);
}

TEST(NgramModel, RejectsATruncatedWeightsFile) {
  NgramEvaluator ev;
  auto model = ev.train(toy_examples(30), TrainOptions{});
  ASSERT_TRUE(model.ok());
  fs::path dir = fs::path(testing::TempDir()) / "ngram_truncated";
  fs::remove_all(dir);
  fs::create_directories(dir);
  ASSERT_TRUE((*model)->save(dir.string()).ok());
  fs::resize_file(dir / "ngram.bin", fs::file_size(dir / "ngram.bin") / 2);
  auto loaded = ev.load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("truncated or corrupt"), std::string::npos);
}

TEST(NgramModel, ExplainsAVerdictWithTheFeaturesThatMovedIt) {
  NgramEvaluator ev;
  auto model = ev.train(toy_examples(90), TrainOptions{});
  ASSERT_TRUE(model.ok());
  auto why = (*model)->explain({"Where is order 7?", "Sorry, I cannot help with that request."}, 5);
  ASSERT_EQ(why.size(), 5u);
  for (size_t i = 1; i < why.size(); ++i)
    EXPECT_GE(std::abs(why[i - 1].value), std::abs(why[i].value));
  double total = 0;
  for (const auto& c :
       (*model)->explain({"Where is order 7?", "Sorry, I cannot help with that request."}, 1000)) {
    total += c.value;
  }
  double margin;
  TextPair p{"Where is order 7?", "Sorry, I cannot help with that request."};
  (*model)->margins(std::span<const TextPair>(&p, 1), std::span<double>(&margin, 1));
  EXPECT_NEAR(total, margin, 1e-4);  // contributions add up to the margin
}

}  // namespace
}  // namespace hitloop::ml::ngram
