// UTF-8 validation for text coming in from files and the network.
#pragma once

#include <cstddef>
#include <string_view>

namespace hitloop {

// Returns the byte offset of the first invalid sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or npos.
size_t find_invalid_utf8(std::string_view s);

inline bool is_valid_utf8(std::string_view s) {
  return find_invalid_utf8(s) == std::string_view::npos;
}

}  // namespace hitloop
