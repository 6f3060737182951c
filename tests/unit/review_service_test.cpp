// The reviewers' service on a real store: audits are decided by the server,
// eval-failures are flagged, and only the author (or an admin) undoes.
#include "service/review_service.h"

#include <gtest/gtest.h>

#include "temp_store.h"

namespace hitloop::service {
namespace {

class Reviews : public testing_support::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    ImportRow row;
    row.model_input = "Where is my order?";
    row.model_output = "It ships today.";
    auto imported = store_->import_rows({row}, ImportOptions{});
    ASSERT_TRUE(imported.ok());
    session_ = imported->session_ids[0];
  }
  void verdict(bool good, bool audit) {
    VerdictRecord v;
    v.session_id = session_;
    v.model_version = 1;
    v.good = good;
    v.score = good ? 0.9 : 0.1;
    v.audit = audit;
    v.created_at_ms = 10;
    ASSERT_TRUE(store_->add_verdicts({v}).ok());
  }
  Review label(const std::string& who, Label l) {
    Review r;
    r.session_id = session_;
    r.reviewer = who;
    r.label = l;
    r.created_at_ms = 20;
    return r;
  }

  int64_t session_ = 0;
};

TEST_F(Reviews, ALabelOnASessionSampledForAuditIsTheAuditWhateverTheClientSaid) {
  verdict(/*good=*/true, /*audit=*/true);
  DirectStore access(*store_);
  ReviewService reviews(access, 0.1);
  auto saved = reviews.save(label("rita", Label::kGood));  // sent as a plain label
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  EXPECT_EQ(saved->review.kind, ReviewKind::kAudit);
  EXPECT_GT(saved->review.id, 0);
  EXPECT_FALSE(saved->eval_failure);
}

TEST_F(Reviews, ALabelThatContradictsTheVerdictIsAnEvalFailure) {
  verdict(/*good=*/true, /*audit=*/false);
  DirectStore access(*store_);
  ReviewService reviews(access, 0.1);
  auto saved = reviews.save(label("rita", Label::kBad));
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->review.kind, ReviewKind::kLabel);
  ASSERT_TRUE(saved->verdict.has_value());
  EXPECT_TRUE(saved->eval_failure);
}

TEST_F(Reviews, OnlyItsAuthorOrAnAdminUndoesAReview) {
  DirectStore access(*store_);
  ReviewService reviews(access, 0.1);
  auto saved = reviews.save(label("rita", Label::kGood));
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(reviews.undo(saved->review.id, "sam", /*admin=*/false).is_not_found());
  EXPECT_TRUE(reviews.undo(saved->review.id, "sam", /*admin=*/true).ok());
  EXPECT_EQ(store_->get_session(session_)->reviews.size(), 0u);
}

TEST_F(Reviews, AReviewOfAMissingSessionIsNotFound) {
  DirectStore access(*store_);
  ReviewService reviews(access, 0.1);
  Review r = label("rita", Label::kGood);
  r.session_id = 999;
  EXPECT_TRUE(reviews.save(r).status().is_not_found());
}

}  // namespace
}  // namespace hitloop::service
