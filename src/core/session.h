// The domain types: a logged model call (Session) and a human judgment of it
// (Review). Plain values; storage and wire formats convert to and from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hitloop {

enum class Label { kBad = 0, kGood = 1 };

inline std::string_view label_name(Label l) { return l == Label::kGood ? "good" : "bad"; }
inline int label_value(Label l) { return l == Label::kGood ? 1 : 0; }

// Accepts the spellings people put in review sheets: 1/0, good/bad,
// true/false, yes/no (case-insensitive). Empty or unknown gives nullopt;
// callers decide whether empty means "unlabeled" or is an error.
std::optional<Label> parse_label(std::string_view text);

enum class ReviewKind { kLabel, kAudit };

struct Session {
  int64_t id = 0;           // store-assigned
  std::string external_id;  // the caller's id; empty when none
  std::string category;     // empty when none
  std::string model_input;
  std::string model_output;
  std::string
      metadata_json;  // caller's free-form object, kept verbatim as canonical JSON; "" = none
  int64_t created_at_ms = 0;
};

struct Review {
  int64_t id = 0;
  int64_t session_id = 0;
  std::string reviewer;
  Label label = Label::kBad;
  std::vector<std::string> tags;
  std::string note;
  int64_t created_at_ms = 0;
  ReviewKind kind = ReviewKind::kLabel;
};

// The label a session carries for training and export: each reviewer's
// latest review counts once; the majority decides; a tie goes to the most
// recent of those reviews. `reviews` must be in chronological (id) order.
std::optional<Label> majority_label(const std::vector<Review>& reviews);

}  // namespace hitloop
