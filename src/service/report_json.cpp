#include "service/report_json.h"

#include <string>

namespace hitloop::service {

// The pure algorithms of src/loop/ this file feeds.
using namespace loop;  // NOLINT(google-build-using-namespace)

namespace {

using Json = nlohmann::ordered_json;

Json opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Json agreement_json(const AgreementStats& a) {
  return {{"n", a.n},
          {"agreement", a.agreement},
          {"kappa", opt(a.kappa)},
          {"false_pass", a.false_pass},
          {"false_fail", a.false_fail},
          {"false_pass_rate", opt(a.false_pass_rate)},
          {"false_fail_rate", opt(a.false_fail_rate)},
          {"auroc", opt(a.auroc)}};
}

Json alert_json(const AlertRecord& a) {
  return {{"id", a.id},
          {"created_at", a.created_at_ms},
          {"bucket_start", a.bucket_start_ms},
          {"bucket_ms", a.bucket_ms},
          {"direction", direction_name(a.direction)},
          {"baseline", a.baseline},
          {"observed", a.observed},
          {"statistic", a.statistic},
          {"category", a.category},
          {"model_version",
           a.model_version ? Json("v" + std::to_string(a.model_version)) : Json(nullptr)}};
}

}  // namespace hitloop::service
