// A model named as the HF Hub names it: `ORG/NAME[@REVISION]` or a bare
// `NAME` (the hub's legacy canonical models, e.g. distilbert-base-uncased).
// Names and revisions become URL parts and cache paths, so they are checked
// here against the hub's own rules before anything else sees them.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace hitloop::hub {

inline constexpr const char* kDefaultRevision = "main";

struct ModelRef {
  std::string repo_id;            // "ORG/NAME" or "NAME"
  std::string revision = "main";  // a branch, a tag or a 40-hex commit
  std::string display() const;    // as the user wrote it, for messages
};

// Parses `ORG/NAME[@REVISION]` or `NAME[@REVISION]`. InvalidArgument when
// it is not a hub model name (a path, `..`, characters the hub refuses).
Result<ModelRef> parse_model_ref(std::string_view text);

// The hub's repo id rule: one or two parts of [A-Za-z0-9_.-], each 1..96
// characters, not starting or ending with '-' or '.', no "--" or "..".
bool is_valid_repo_id(std::string_view repo_id);

// A branch or tag name safe as a URL part and as a path under refs/:
// [A-Za-z0-9_.-/], no empty, "." or ".." segment, at most 200 characters.
bool is_valid_revision(std::string_view revision);

// 40 lowercase hex digits: a git commit id.
bool is_commit_hash(std::string_view s);

// A file name inside a repo as the API lists it (`rfilename`): relative,
// '/'-separated, no empty, "." or ".." segment, no backslash or control
// character, at most 255 characters.
bool is_safe_repo_file(std::string_view name);

}  // namespace hitloop::hub
