// The loop's figures as JSON, one shape for every adapter: `hitloop report
// --json` and the HTTP API print agreement and alerts alike.
#pragma once

#include <nlohmann/json.hpp>

#include "loop/agreement.h"
#include "store/store.h"

namespace hitloop::service {

nlohmann::ordered_json agreement_json(const loop::AgreementStats& a);
nlohmann::ordered_json alert_json(const AlertRecord& a);

}  // namespace hitloop::service
