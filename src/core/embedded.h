// Files compiled into the binary (cmake/embed.cmake generates the tables).
#pragma once

#include <string_view>
#include <vector>

namespace hitloop {

struct EmbeddedFile {
  std::string_view name;  // path relative to the embedded folder
  std::string_view data;
};

}  // namespace hitloop
