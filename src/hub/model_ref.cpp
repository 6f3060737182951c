#include "hub/model_ref.h"

#include <algorithm>

namespace hitloop::hub {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

bool is_valid_name_part(std::string_view part) {
  if (part.empty() || part.size() > 96) return false;
  if (!std::all_of(part.begin(), part.end(), is_name_char)) return false;
  auto edge = [](char c) { return c == '-' || c == '.'; };
  return !edge(part.front()) && !edge(part.back());
}

// Splits on '/' and checks every segment with `ok`; an empty segment
// (leading, trailing or doubled '/') fails.
template <typename Pred>
bool all_segments(std::string_view s, Pred ok) {
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    std::string_view seg =
        s.substr(start, slash == std::string_view::npos ? s.npos : slash - start);
    if (seg.empty() || seg == "." || seg == ".." || !ok(seg)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

std::string ModelRef::display() const {
  return revision == kDefaultRevision ? repo_id : repo_id + "@" + revision;
}

bool is_valid_repo_id(std::string_view repo_id) {
  if (repo_id.find("--") != repo_id.npos || repo_id.find("..") != repo_id.npos) return false;
  if (std::count(repo_id.begin(), repo_id.end(), '/') > 1) return false;
  return all_segments(repo_id, is_valid_name_part);
}

bool is_valid_revision(std::string_view revision) {
  if (revision.empty() || revision.size() > 200) return false;
  return all_segments(revision, [](std::string_view seg) {
    return std::all_of(seg.begin(), seg.end(), is_name_char);
  });
}

bool is_commit_hash(std::string_view s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_safe_repo_file(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  return all_segments(name, [](std::string_view seg) {
    return std::none_of(seg.begin(), seg.end(), [](char c) {
      return c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
  });
}

Result<ModelRef> parse_model_ref(std::string_view text) {
  const std::string quoted = std::string(1, '"').append(text).append(1, '"');
  ModelRef ref;
  size_t at = text.find('@');
  ref.repo_id = std::string(text.substr(0, at));
  if (at != std::string_view::npos) ref.revision = std::string(text.substr(at + 1));
  if (!is_valid_repo_id(ref.repo_id)) {
    return InvalidArgument(quoted +
                           " is neither a directory nor a hub model name (ORG/NAME[@REVISION])");
  }
  if (!is_valid_revision(ref.revision)) {
    return InvalidArgument(quoted + ": \"" + ref.revision +
                           "\" is not a valid revision (a branch, tag or commit)");
  }
  return ref;
}

}  // namespace hitloop::hub
