// Small helpers the benchmarks that drive the binary share.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace hitloop::bench {

// Runs a shell command and returns what it printed on stdout.
inline std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[512];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  if (p) pclose(p);
  return out;
}

// The q-quantile (0..1) of `v`, by rank; 0 when empty.
inline double pct(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

}  // namespace hitloop::bench
