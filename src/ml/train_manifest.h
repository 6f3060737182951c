// The manifest of a freshly trained model, from its training report.
#pragma once

#include <vector>

#include "ml/manifest.h"
#include "ml/pipeline.h"

namespace hitloop::ml {

inline Manifest manifest_from(const TrainReport& report, const std::vector<Example>& examples,
                              int parent_version) {
  Manifest m;
  m.parent_version = parent_version;
  m.dataset_hash = dataset_hash(examples);
  m.n_train = report.n_examples;
  m.validation = report.validation;
  m.metrics = report.metrics;
  m.metrics_by_category = report.by_category;
  m.calibration = report.calibration;
  m.threshold = report.threshold;
  return m;
}

}  // namespace hitloop::ml
