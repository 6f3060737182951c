// The manifest of a freshly trained model, from its training report.
#pragma once

#include <vector>

#include "ml/manifest.h"
#include "ml/pipeline.h"

namespace hitloop::ml {

// dataset_hash of the examples with every weight 1: the same labels give
// the same hash whatever the oversampling weights.
inline std::string labels_hash(std::vector<Example> examples) {
  for (Example& e : examples) e.weight = 1.0;
  return dataset_hash(examples);
}

inline Manifest manifest_from(const TrainReport& report, const std::vector<Example>& examples,
                              int parent_version) {
  Manifest m;
  m.parent_version = parent_version;
  m.dataset_hash = dataset_hash(examples);
  m.labels_hash = labels_hash(examples);
  m.n_train = report.n_examples;
  m.validation = report.validation;
  m.metrics = report.metrics;
  m.metrics_by_category = report.by_category;
  m.calibration = report.calibration;
  m.threshold = report.threshold;
  m.worse_than_chance = report.worse_than_chance;
  m.recipe = report.recipe;
  m.training_rows = row_keys(examples);
  return m;
}

}  // namespace hitloop::ml
