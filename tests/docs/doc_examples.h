// The runnable examples of a Markdown page: every command line of its fenced
// code blocks (`hitloop ...`, `curl ...`, `KEY=$(hitloop ...)`), in order,
// with the output the page shows after it. A test runs them, so that the
// documentation cannot drift from the product.
#pragma once

#include <string>
#include <vector>

namespace hitloop::docs {

struct Example {
  int line = 0;           // 1-based line of the command in the page
  std::string command;    // continuation lines joined with "\n"
  std::string shown;      // output lines the page shows after it ("" = none)
  int expected_exit = 0;  // from <!-- doc-test: exit N -->
  bool serves = false;    // starts a server that runs until the page ends
};

struct Page {
  std::vector<Example> examples;
  // Blocks left out with <!-- doc-test: skip REASON -->, as "LINE: REASON".
  std::vector<std::string> skipped;
};

// A command line is one that starts (after an optional "$ ") with hitloop,
// curl, or NAME=$(hitloop|curl. Directives in an HTML comment on the line
// before a fence apply to that block:
//   <!-- doc-test: skip REASON -->   not run (REASON is required)
//   <!-- doc-test: exit N -->        each command of the block exits with N
Page parse_page(const std::string& markdown);

// Whether `command` runs a server in the foreground (`hitloop serve`, or
// `hitloop demo` without --no-serve).
bool is_serving(const std::string& command);

// The command as the test runs it: a documented port 8080 becomes a free
// one (`--port 0` for servers; `:8080` in URLs becomes `:${DOC_PORT}`).
std::string rewrite_for_test(const std::string& command, bool serves);

}  // namespace hitloop::docs
