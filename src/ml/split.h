// Seeded, stratified splits for honest held-out measurement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hitloop::ml {

struct Fold {
  std::vector<size_t> train;
  std::vector<size_t> test;
};

// k folds; each class is shuffled and dealt round-robin, so every fold has
// the same class balance (to within one row). Indices sorted within a fold.
std::vector<Fold> stratified_kfold(const std::vector<int>& labels, int k, uint64_t seed);

// One split with about `test_fraction` of each class in the test part.
Fold stratified_split(const std::vector<int>& labels, double test_fraction, uint64_t seed);

}  // namespace hitloop::ml
