#include "ml/split.h"

#include <algorithm>
#include <cmath>

#include "ml/rng.h"

namespace hitloop::ml {
namespace {

std::vector<std::vector<size_t>> shuffled_classes(const std::vector<int>& labels, uint64_t seed) {
  std::vector<std::vector<size_t>> by_class(2);
  for (size_t i = 0; i < labels.size(); ++i) by_class[labels[i] ? 1 : 0].push_back(i);
  Rng rng(seed);
  for (auto& c : by_class) rng.shuffle(c);
  return by_class;
}

}  // namespace

std::vector<Fold> stratified_kfold(const std::vector<int>& labels, int k, uint64_t seed) {
  std::vector<Fold> folds(static_cast<size_t>(k));
  size_t next = 0;  // continue dealing across classes so fold sizes stay even
  for (const auto& members : shuffled_classes(labels, seed)) {
    for (size_t idx : members) folds[next++ % folds.size()].test.push_back(idx);
  }
  for (size_t f = 0; f < folds.size(); ++f) {
    std::sort(folds[f].test.begin(), folds[f].test.end());
    for (size_t g = 0; g < folds.size(); ++g) {
      if (g != f)
        folds[f].train.insert(folds[f].train.end(), folds[g].test.begin(), folds[g].test.end());
    }
  }
  for (Fold& f : folds) std::sort(f.train.begin(), f.train.end());
  return folds;
}

Fold stratified_split(const std::vector<int>& labels, double test_fraction, uint64_t seed) {
  Fold out;
  for (const auto& members : shuffled_classes(labels, seed)) {
    size_t n_test =
        static_cast<size_t>(std::lround(test_fraction * static_cast<double>(members.size())));
    for (size_t i = 0; i < members.size(); ++i)
      (i < n_test ? out.test : out.train).push_back(members[i]);
  }
  std::sort(out.train.begin(), out.train.end());
  std::sort(out.test.begin(), out.test.end());
  return out;
}

}  // namespace hitloop::ml
