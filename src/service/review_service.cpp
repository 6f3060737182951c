#include "service/review_service.h"

namespace hitloop::service {

Result<service::NextItem> ReviewService::next(const std::string& reviewer,
                                              const std::vector<int64_t>& skip) {
  service::NextItem item;
  HITLOOP_RETURN_IF_ERROR(store_.read([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(item, service::next_for_review(s, reviewer, skip, uncertainty_band_));
    return Status::Ok();
  }));
  return item;
}

Result<SavedReview> ReviewService::save(Review review) {
  SavedReview out;
  HITLOOP_RETURN_IF_ERROR(store_.with([&](Store& s) -> Status {
    HITLOOP_ASSIGN_OR_RETURN(SessionDetail before, s.get_session(review.session_id));
    if (service::queue_reason(before, review.reviewer, uncertainty_band_) ==
        loop::QueueReason::kAudit) {
      review.kind = ReviewKind::kAudit;
    }
    HITLOOP_ASSIGN_OR_RETURN(out.review, s.add_review(review));
    out.verdict = before.summary.verdict;  // a review does not change verdicts
    return Status::Ok();
  }));
  out.eval_failure = out.verdict && out.verdict->good != (out.review.label == Label::kGood);
  return out;
}

Status ReviewService::undo(int64_t review_id, const std::string& reviewer, bool admin) {
  return store_.with([&](Store& s) { return s.delete_review(review_id, admin ? "" : reviewer); });
}

}  // namespace hitloop::service
