// The retrain flow on a real store: labels -> v1 -> more labels -> a better
// challenger is activated; a deliberately worse one is refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "demo/ecommerce_data.h"
#include "loop/loop_service.h"
#include "ml/registry.h"
#include "ml/train_manifest.h"

namespace hitloop::loop {
namespace {

namespace fs = std::filesystem;

class RetrainFlow : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(testing::TempDir()) /
        ("retrain_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(open_store((dir_ / "h.db").string())).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Imports generated sessions [from, to) labeled by `reviewer`, optionally
  // with every label flipped.
  void label(int from, int to, const std::string& reviewer, bool flipped = false) {
    auto sessions = demo::generate_ecommerce_sessions(to, 21);
    std::vector<ImportRow> rows;
    for (int i = from; i < to; ++i) {
      ImportRow r;
      r.external_id = sessions[i].id;
      r.category = sessions[i].category;
      r.model_input = sessions[i].model_input;
      r.model_output = sessions[i].model_output;
      r.label = (sessions[i].good != flipped) ? Label::kGood : Label::kBad;
      rows.push_back(r);
    }
    ImportOptions o;
    o.reviewer = reviewer;
    o.now_ms = 1000;
    ASSERT_TRUE(store_->import_rows(rows, o).ok());
  }

  int train_v1() {
    auto examples = training_examples(*store_);
    EXPECT_TRUE(examples.ok());
    const ml::Evaluator* ev = *ml::find_evaluator("ngram");
    auto report = ml::train_with_validation(*ev, *examples, ml::TrainOptions{});
    EXPECT_TRUE(report.ok());
    ml::Registry registry(*store_, (dir_ / "models").string());
    return *registry.add(*report->model, ml::manifest_from(*report, *examples, 0), true);
  }

  Result<RetrainOutcome> retrain_now() {
    return retrain(*store_, **ml::find_evaluator("ngram"), (dir_ / "models").string(),
                   ml::TrainOptions{}, GateParams{});
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RetrainFlow, AChallengerTrainedOnMoreLabelsIsActivated) {
  label(0, 60, "ann");
  ASSERT_EQ(train_v1(), 1);
  label(60, 900, "ann");  // many more human labels arrive
  auto outcome = retrain_now();
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(outcome->activated) << outcome->reason;
  EXPECT_EQ(outcome->version, 2);
  EXPECT_EQ(store_->active_model()->version, 2);
  EXPECT_EQ(store_->get_model(2)->parent_version, 1);
  EXPECT_GT(outcome->holdout_examples, 100);
}

TEST_F(RetrainFlow, ADeliberatelyWorseChallengerIsKeptAsACandidate) {
  label(0, 600, "ann");
  ASSERT_EQ(train_v1(), 1);
  // Two more reviewers invert the labels of every session outside the
  // holdout: the majority now teaches the opposite of the truth, while the
  // holdout keeps the true labels, so the challenger must lose there.
  auto sessions = demo::generate_ecommerce_sessions(600, 21);
  std::vector<ImportRow> rows;
  for (const auto& s : sessions) {
    Session probe;
    probe.external_id = s.id;
    if (in_holdout(probe)) continue;
    ImportRow r;
    r.external_id = s.id;
    r.category = s.category;
    r.model_input = s.model_input;
    r.model_output = s.model_output;
    r.label = s.good ? Label::kBad : Label::kGood;
    rows.push_back(r);
  }
  for (const char* reviewer : {"mallory", "trent"}) {
    ImportOptions o;
    o.reviewer = reviewer;
    o.now_ms = 2000;
    ASSERT_TRUE(store_->import_rows(rows, o).ok());
  }
  auto outcome = retrain_now();
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_FALSE(outcome->activated);
  EXPECT_LT(outcome->gate.challenger_accuracy, *outcome->gate.active_accuracy);
  EXPECT_FALSE(outcome->reason.empty());
  EXPECT_EQ(store_->active_model()->version, 1);
  EXPECT_EQ(store_->get_model(2)->status, "candidate");
  EXPECT_EQ(store_->get_model(2)->note, outcome->reason);
}

TEST_F(RetrainFlow, TheFrozenHoldoutIsNeverTrainedOn) {
  label(0, 300, "ann");
  auto examples = training_examples(*store_);
  ASSERT_TRUE(examples.ok());
  auto sessions = demo::generate_ecommerce_sessions(300, 21);
  int held = 0;
  for (const auto& s : sessions) {
    Session probe;
    probe.external_id = s.id;
    held += in_holdout(probe);
  }
  EXPECT_EQ(examples->size() + held, 300u);
  EXPECT_GT(held, 30);
  EXPECT_LT(held, 90);
}

}  // namespace
}  // namespace hitloop::loop
