// Forwards to core/metrics.h, where the evaluation metrics live (the loop
// library uses them without depending on ml); the names stay reachable as
// ml::Metrics, ml::auroc, ... for code that still spells them that way.
#pragma once

#include "core/metrics.h"

namespace hitloop::ml {
using ::hitloop::auroc;
using ::hitloop::compute_metrics;
using ::hitloop::Confusion;
using ::hitloop::expected_calibration_error;
using ::hitloop::Metrics;
}  // namespace hitloop::ml
