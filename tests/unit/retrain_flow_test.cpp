// The retrain flow on a real store: labels -> v1 -> more labels -> a better
// challenger is activated; a deliberately worse one is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "demo/ecommerce_data.h"
#include "ml/registry.h"
#include "ml/train_manifest.h"
#include "service/loop_service.h"
#include "service/model_lifecycle.h"
#include "store/dataset_queries.h"

namespace hitloop::service {
namespace {

using namespace loop;  // the gate's types (GateParams, ...)

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

  Result<RetrainOutcome> retrain_now(bool force = false) {
    RetrainOptions options;
    options.force = force;
    service::DirectStore access(*store_);
    return service::ModelLifecycle(access, (dir_ / "models").string())
        .retrain(**ml::find_evaluator("ngram"), options);
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RetrainFlow, ACorruptedActiveModelFailsTheRetrainInsteadOfLettingTheChallengerIn) {
  label(0, 60, "ann");
  ASSERT_EQ(train_v1(), 1);
  label(60, 400, "ann");
  // Flip bytes in the active model's weights: its checksum no longer holds.
  fs::path weights = fs::path(store_->active_model()->path) / "ngram.bin";
  {
    std::fstream f(weights, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.write("\xff\xff\xff\xff", 4);
  }
  auto outcome = retrain_now();
  ASSERT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.status().is_not_found()) << outcome.status().message();
  EXPECT_NE(outcome.status().message().find("active model"), std::string::npos)
      << outcome.status().message();
  EXPECT_EQ(store_->active_model()->version, 1);
  EXPECT_EQ(*store_->max_model_version(), 1);  // nothing registered
}

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
  EXPECT_EQ(store_->get_model(2)->status, ModelStatus::kCandidate);
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

TEST_F(RetrainFlow, RetrainWithoutNewLabelsAddsNoVersionUnlessForced) {
  label(0, 300, "ann");
  ASSERT_EQ(train_v1(), 1);
  auto same = retrain_now();
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_TRUE(same->skipped);
  EXPECT_NE(same->reason.find("no new labels"), std::string::npos) << same->reason;
  EXPECT_EQ(*store_->max_model_version(), 1);
  auto forced = retrain_now(/*force=*/true);
  ASSERT_TRUE(forced.ok()) << forced.status().message();
  EXPECT_FALSE(forced->skipped);
  EXPECT_EQ(forced->version, 2);
  // A model trained by retrain (weights from eval-failures) is also
  // recognised: the comparison is on the labels, not the weights.
  ASSERT_TRUE(store_->activate_model(2).ok());
  EXPECT_TRUE(retrain_now()->skipped);
  label(300, 400, "ann");
  EXPECT_FALSE(retrain_now()->skipped);
}

TEST_F(RetrainFlow, OnlyTrainingSessionsTheModelGotWrongCountAsEvalFailures) {
  label(0, 300, "ann");
  ASSERT_EQ(train_v1(), 1);
  // Verdicts before the reviews: good for every session, so exactly the
  // sessions labeled bad are eval-failures.
  auto sessions = collect_sessions(*store_, true);
  ASSERT_TRUE(sessions.ok());
  std::vector<VerdictRecord> verdicts;
  int64_t bad_in_training = 0;
  for (const LabeledSession& s : *sessions) {
    VerdictRecord v;
    v.session_id = s.session.id;
    v.model_version = 1;
    v.score = 0.9;
    v.good = true;
    v.created_at_ms = 500;
    verdicts.push_back(v);
    bad_in_training += *s.label == Label::kBad && !in_holdout(s.session);
  }
  ASSERT_TRUE(store_->add_verdicts(verdicts).ok());
  auto outcome = retrain_now(/*force=*/true);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_EQ(outcome->eval_failures, bad_in_training);
  EXPECT_EQ(outcome->oversampled, bad_in_training);
  EXPECT_LT(outcome->eval_failures, outcome->train_examples);
}

TEST_F(RetrainFlow, TheManifestKeepsTheGatesFrozenHoldoutFiguresOfBothModels) {
  label(0, 60, "ann");
  ASSERT_EQ(train_v1(), 1);
  label(60, 600, "ann");
  auto outcome = retrain_now();
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  auto manifest = ml::read_manifest(store_->get_model(outcome->version)->path);
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  ASSERT_TRUE(manifest->gate);
  EXPECT_EQ(manifest->gate->reason, outcome->reason);
  EXPECT_EQ(manifest->gate->holdout_n, outcome->holdout_examples);
  EXPECT_EQ(manifest->gate->active_version, 1);
  EXPECT_EQ(manifest->gate->challenger_accuracy, outcome->gate.challenger_accuracy);
  EXPECT_EQ(manifest->gate->active_accuracy, outcome->gate.active_accuracy);
  ASSERT_TRUE(manifest->recipe);
  EXPECT_EQ(manifest->recipe->kind, "ngram");
}

TEST(Gate, AChallengerThatRanksWorseThanChanceIsNeverPromoted) {
  HoldoutResult challenger{{true, true, false, true}, 0.4};
  auto first = champion_challenger_gate(std::nullopt, challenger);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->decision, GateDecision::kKeepCandidate);
  EXPECT_NE(first->reason.find("worse than chance"), std::string::npos);
  HoldoutResult active{{false, false, false, true}, 0.6};
  auto later = champion_challenger_gate(active, challenger);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->decision, GateDecision::kKeepCandidate);
}

TEST(Gate, BadGateOptionsAreRefusedBeforeAnyWork) {
  GateParams negative;
  negative.tolerance = -0.5;
  EXPECT_FALSE(validate_gate_params(negative).ok());
  EXPECT_TRUE(validate_gate_params(GateParams{}).ok());
}

TEST(AgreementByWeek, WeeksStartOnMonday) {
  const int64_t day = 24LL * 3600 * 1000;
  // 2024-01-07 is a Sunday, 2024-01-08 a Monday (19729 and 19730 days after the epoch).
  AgreementItem sunday, monday;
  sunday.at_ms = 19729 * day + 23 * 3600 * 1000LL;
  monday.at_ms = 19730 * day + 3600 * 1000LL;
  auto weeks = agreement_by_time({sunday, monday}, kWeekMs, kIsoWeekOriginMs);
  ASSERT_TRUE(weeks.ok());
  ASSERT_EQ(weeks->size(), 2u);
  for (const auto& [start, stats] : *weeks) {
    EXPECT_EQ(start % day, 0);
    EXPECT_EQ((start / day + 3) % 7, 0) << "day " << start / day << " is not a Monday";
  }
  EXPECT_EQ(weeks->rbegin()->first, 19730 * day);
}

}  // namespace
}  // namespace hitloop::service
