#include "core/session.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace hitloop {

std::optional<Label> parse_label(std::string_view text) {
  std::string t;
  t.reserve(text.size());
  for (char c : text) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  // Tolerate surrounding spaces, which spreadsheets often leave behind.
  auto b = t.find_first_not_of(" \t");
  if (b == std::string::npos) return std::nullopt;
  t = t.substr(b, t.find_last_not_of(" \t") - b + 1);
  if (t == "1" || t == "good" || t == "true" || t == "yes") return Label::kGood;
  if (t == "0" || t == "bad" || t == "false" || t == "no") return Label::kBad;
  return std::nullopt;
}

std::optional<Label> majority_label(const std::vector<Review>& reviews) {
  if (reviews.empty()) return std::nullopt;
  std::map<std::string_view, size_t> latest;  // reviewer -> index of their latest review
  for (size_t i = 0; i < reviews.size(); ++i) latest[reviews[i].reviewer] = i;
  int good = 0, bad = 0;
  size_t newest = 0;
  for (const auto& [name, i] : latest) {
    (reviews[i].label == Label::kGood ? good : bad)++;
    newest = std::max(newest, i);
  }
  if (good != bad) return good > bad ? Label::kGood : Label::kBad;
  return reviews[newest].label;
}

}  // namespace hitloop
