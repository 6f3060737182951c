// JSON text written directly, for the hot paths where building a
// nlohmann::json value only to dump it costs more than the work itself
// (the metadata of every imported CSV row).
#pragma once

#include <string>
#include <string_view>

namespace hitloop {

// Appends `utf8` (valid UTF-8) as a JSON string, escaped byte for byte as
// nlohmann::json::dump() does, so that either writer gives the same text.
inline void append_json_string(std::string& out, std::string_view utf8) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : utf8) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace hitloop
