// A small declarative command-line parser: each command lists its flags once,
// and the same table drives parsing, validation and --help.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace hitloop::cli {

struct Flag {
  std::string name;        // "--model"; aliases as "-o|--output"
  std::string value_name;  // "" for a boolean switch
  std::string help;
};

struct CommandSpec {
  std::string name;
  std::string args;  // positional arguments, e.g. "FILE..."
  std::string summary;
  std::vector<Flag> flags;
  int min_positional = 0;
  int max_positional = 0;  // -1 = unlimited
};

class Args {
 public:
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  Result<long long> get_int(const std::string& name, long long fallback) const;
  Result<double> get_double(const std::string& name, double fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend Result<Args> parse_args(const CommandSpec&, const std::vector<std::string>&);
  std::map<std::string, std::string> values_;  // keyed by the flag's long name
  std::vector<std::string> positional_;
};

// Parses `argv` (without the command name). `--help` is left to the caller
// through has("--help").
Result<Args> parse_args(const CommandSpec& spec, const std::vector<std::string>& argv);
std::string help_text(const CommandSpec& spec);

}  // namespace hitloop::cli
