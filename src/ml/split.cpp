#include "ml/split.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/hash.h"
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

struct Group {
  std::vector<size_t> rows;
  int64_t pos = 0, neg = 0;
};

// The groups in a seeded order, largest first (big groups are the hard ones
// to place; shuffling first breaks ties between equal sizes at random).
std::vector<Group> ordered_groups(const std::vector<int>& labels,
                                  const std::vector<uint64_t>& groups, uint64_t seed) {
  std::unordered_map<uint64_t, size_t> index;
  std::vector<Group> out;
  for (size_t i = 0; i < labels.size(); ++i) {
    auto [it, added] = index.emplace(groups[i], out.size());
    if (added) out.emplace_back();
    Group& g = out[it->second];
    g.rows.push_back(i);
    (labels[i] ? g.pos : g.neg)++;
  }
  Rng rng(seed);
  rng.shuffle(out);
  std::stable_sort(out.begin(), out.end(),
                   [](const Group& a, const Group& b) { return a.rows.size() > b.rows.size(); });
  return out;
}

void fill_train_and_sort(std::vector<Fold>& folds) {
  for (size_t f = 0; f < folds.size(); ++f) {
    std::sort(folds[f].test.begin(), folds[f].test.end());
    for (size_t g = 0; g < folds.size(); ++g) {
      if (g != f)
        folds[f].train.insert(folds[f].train.end(), folds[g].test.begin(), folds[g].test.end());
    }
  }
  for (Fold& f : folds) std::sort(f.train.begin(), f.train.end());
}

}  // namespace

uint64_t group_key(std::string_view text) { return fnv1a64(text); }

std::vector<Fold> grouped_stratified_kfold(const std::vector<int>& labels,
                                           const std::vector<uint64_t>& groups, int k,
                                           uint64_t seed) {
  std::vector<Fold> folds(static_cast<size_t>(k));
  std::vector<int64_t> pos(folds.size(), 0), neg(folds.size(), 0);
  for (const Group& g : ordered_groups(labels, groups, seed)) {
    // The fold where this group's classes are scarcest so far; ties go to
    // the smaller fold, then the first.
    size_t best = 0;
    double best_cost = 0;
    for (size_t f = 0; f < folds.size(); ++f) {
      double cost = static_cast<double>(g.pos * pos[f] + g.neg * neg[f]) /
                        static_cast<double>(g.pos + g.neg) +
                    1e-6 * static_cast<double>(pos[f] + neg[f]);
      if (f == 0 || cost < best_cost) {
        best = f;
        best_cost = cost;
      }
    }
    folds[best].test.insert(folds[best].test.end(), g.rows.begin(), g.rows.end());
    pos[best] += g.pos;
    neg[best] += g.neg;
  }
  fill_train_and_sort(folds);
  return folds;
}

Fold grouped_stratified_split(const std::vector<int>& labels, const std::vector<uint64_t>& groups,
                              double test_fraction, uint64_t seed) {
  int64_t total_pos = 0;
  for (int l : labels) total_pos += l ? 1 : 0;
  double want_pos = test_fraction * static_cast<double>(total_pos);
  double want_neg = test_fraction * static_cast<double>(labels.size() - total_pos);
  Fold out;
  int64_t pos = 0, neg = 0;
  for (const Group& g : ordered_groups(labels, groups, seed)) {
    // Into the test part while it stays within half a row of the wanted
    // share of each class.
    bool fits = static_cast<double>(pos + g.pos) <= want_pos + 0.5 &&
                static_cast<double>(neg + g.neg) <= want_neg + 0.5;
    std::vector<size_t>& side = fits ? out.test : out.train;
    side.insert(side.end(), g.rows.begin(), g.rows.end());
    if (fits) {
      pos += g.pos;
      neg += g.neg;
    }
  }
  std::sort(out.train.begin(), out.train.end());
  std::sort(out.test.begin(), out.test.end());
  return out;
}

std::vector<Fold> stratified_kfold(const std::vector<int>& labels, int k, uint64_t seed) {
  std::vector<Fold> folds(static_cast<size_t>(k));
  size_t next = 0;  // continue dealing across classes so fold sizes stay even
  for (const auto& members : shuffled_classes(labels, seed)) {
    for (size_t idx : members) folds[next++ % folds.size()].test.push_back(idx);
  }
  fill_train_and_sort(folds);
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

namespace {

// A usable fold: rows on both sides, both classes among the training rows.
bool usable(const Fold& f, const std::vector<int>& labels) {
  if (f.train.empty() || f.test.empty()) return false;
  bool pos = false, neg = false;
  for (size_t i : f.train) (labels[i] ? pos : neg) = true;
  return pos && neg;
}

}  // namespace

std::vector<Fold> validation_kfold(const std::vector<int>& labels,
                                   const std::vector<uint64_t>& groups, int k, uint64_t seed,
                                   bool& grouped) {
  std::vector<Fold> folds = grouped_stratified_kfold(labels, groups, k, seed);
  grouped =
      std::all_of(folds.begin(), folds.end(), [&](const Fold& f) { return usable(f, labels); });
  return grouped ? folds : stratified_kfold(labels, k, seed);
}

Fold validation_split(const std::vector<int>& labels, const std::vector<uint64_t>& groups,
                      double test_fraction, uint64_t seed, bool& grouped) {
  Fold split = grouped_stratified_split(labels, groups, test_fraction, seed);
  grouped = usable(split, labels);
  return grouped ? split : stratified_split(labels, test_fraction, seed);
}

}  // namespace hitloop::ml
