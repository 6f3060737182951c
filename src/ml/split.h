// Seeded, stratified splits for honest held-out measurement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
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

// Grouped variants: rows of one group (in hitloop, one model_input) are
// always on the same side, so that held-out figures measure what production
// meets, new inputs. Stratified as far as the groups allow; with one row per
// group they split as evenly as the plain variants. `groups[i]` is row i's
// group key (group_key of its input).
std::vector<Fold> grouped_stratified_kfold(const std::vector<int>& labels,
                                           const std::vector<uint64_t>& groups, int k,
                                           uint64_t seed);
Fold grouped_stratified_split(const std::vector<int>& labels, const std::vector<uint64_t>& groups,
                              double test_fraction, uint64_t seed);

// What validation uses: the grouped folds (split) when the inputs allow
// every fold a train and a test side with both classes on the train side,
// else the plain stratified ones (a data set where every row shares one
// input, say). `grouped` says which was used.
std::vector<Fold> validation_kfold(const std::vector<int>& labels,
                                   const std::vector<uint64_t>& groups, int k, uint64_t seed,
                                   bool& grouped);
Fold validation_split(const std::vector<int>& labels, const std::vector<uint64_t>& groups,
                      double test_fraction, uint64_t seed, bool& grouped);

// A stable key of a text (FNV-1a, 64 bits): the same on every platform.
uint64_t group_key(std::string_view text);

}  // namespace hitloop::ml
