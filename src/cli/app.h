#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hitloop::cli {

// Runs the hitloop command line; returns the process exit code.
int run_app(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err);

}  // namespace hitloop::cli
