// Reviewers' work on the store: the next session to review, saving a
// label, undoing one. The server's routes parse and format; the rules
// (which review is an audit, who may undo what) live here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/loop_service.h"
#include "service/store_access.h"

namespace hitloop::service {

struct SavedReview {
  Review review;                         // with its id, and its kind as the server decided
  std::optional<VerdictRecord> verdict;  // the model's latest verdict on the session
  bool eval_failure = false;             // the label contradicts that verdict
};

class ReviewService {
 public:
  ReviewService(StoreAccess& store, double uncertainty_band)
      : store_(store), uncertainty_band_(uncertainty_band) {}

  // The next session for `reviewer` by queue priority, `skip` left out.
  Result<service::NextItem> next(const std::string& reviewer, const std::vector<int64_t>& skip);
  // Saves `review` in one short hold of the store. When the queue offers
  // the session to this reviewer as an audit, the review is the audit,
  // whatever the client said: audits measure the model only if humans
  // cannot choose which verdicts count as audited.
  Result<SavedReview> save(Review review);
  // Deletes a review: its author's own, or any review for an admin.
  // NotFound when there is no such review (of theirs).
  Status undo(int64_t review_id, const std::string& reviewer, bool admin);

 private:
  StoreAccess& store_;
  double uncertainty_band_;
};

}  // namespace hitloop::service
