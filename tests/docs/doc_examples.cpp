#include "doc_examples.h"

#include <regex>
#include <sstream>

namespace hitloop::docs {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::string strip_prompt(const std::string& line) {
  return starts_with(line, "$ ") ? line.substr(2) : line;
}

bool is_command(const std::string& raw) {
  static const std::regex command(R"(^(hitloop|curl)( |$)|^[A-Z_]+=\$\((hitloop|curl) )");
  return std::regex_search(strip_prompt(raw), command);
}

bool continues(const std::string& line) { return !line.empty() && line.back() == '\\'; }

struct Directive {
  bool skip = false;
  std::string reason;
  int exit = 0;
};

Directive parse_directive(const std::string& line) {
  static const std::regex re(R"(<!--\s*doc-test:\s*(skip|exit)\s*(.*?)\s*-->)");
  std::smatch m;
  Directive d;
  if (!std::regex_search(line, m, re)) return d;
  if (m[1] == "skip") {
    d.skip = true;
    d.reason = m[2];
  } else {
    d.exit = std::stoi(m[2]);
  }
  return d;
}

}  // namespace

bool is_serving(const std::string& command) {
  static const std::regex serve(R"(^hitloop( --db \S+)? (serve|demo)( |$))");
  std::string c = strip_prompt(command);
  if (!std::regex_search(c, serve)) return false;
  return c.find(" demo") == std::string::npos || c.find("--no-serve") == std::string::npos;
}

std::string rewrite_for_test(const std::string& command, bool serves) {
  std::string c = strip_prompt(command);
  if (serves) {
    if (c.find("--port 8080") != std::string::npos) {
      c = std::regex_replace(c, std::regex("--port 8080"), "--port 0");
    } else {
      // Right after the command, before any spaces and trailing comment.
      size_t hash = c.find(" #");
      size_t at = hash == std::string::npos ? c.size() : c.find_last_not_of(' ', hash) + 1;
      c.insert(at, " --port 0");
    }
  }
  return std::regex_replace(c, std::regex(":8080"), ":${DOC_PORT}");
}

Page parse_page(const std::string& markdown) {
  std::vector<std::string> lines;
  std::stringstream ss(markdown);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);

  Page page;
  Directive pending;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.find("doc-test:") != std::string::npos) {
      pending = parse_directive(line);
      continue;
    }
    if (!starts_with(line, "```")) {
      if (!line.empty()) pending = Directive{};
      continue;
    }
    // A fenced block: lines i+1 .. the closing fence.
    size_t end = i + 1;
    while (end < lines.size() && !starts_with(lines[end], "```")) ++end;
    std::string info = line.substr(3);
    bool shell =
        info.empty() || info == "sh" || info == "bash" || info == "shell" || info == "console";
    if (pending.skip) {
      page.skipped.push_back(std::to_string(i + 1) + ": " + pending.reason);
    } else if (shell) {
      Example* current = nullptr;
      for (size_t j = i + 1; j < end; ++j) {
        if (is_command(lines[j])) {
          Example e;
          e.line = static_cast<int>(j + 1);
          e.expected_exit = pending.exit;
          e.command = lines[j];
          while (continues(lines[j]) && j + 1 < end) e.command += "\n" + lines[++j];
          e.serves = is_serving(e.command);
          page.examples.push_back(e);
          current = &page.examples.back();
        } else if (current && !lines[j].empty()) {
          current->shown += lines[j] + "\n";
        }
      }
    }
    pending = Directive{};
    i = end;
  }
  return page;
}

}  // namespace hitloop::docs
