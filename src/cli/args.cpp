#include "cli/args.h"

#include <charconv>
#include <sstream>

namespace hitloop::cli {
namespace {

// "-o|--output" -> {"-o", "--output"}; the last spelling is the key.
std::vector<std::string> spellings(const std::string& name) {
  std::vector<std::string> out;
  std::stringstream ss(name);
  for (std::string part; std::getline(ss, part, '|');) out.push_back(part);
  return out;
}

const Flag* find_flag(const CommandSpec& spec, const std::string& arg, std::string& key) {
  for (const Flag& f : spec.flags) {
    auto names = spellings(f.name);
    for (const std::string& n : names) {
      if (n == arg) {
        key = names.back();
        return &f;
      }
    }
  }
  return nullptr;
}

}  // namespace

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

Result<long long> Args::get_int(const std::string& name, long long fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  long long v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return InvalidArgument(name + ": expected an integer, got \"" + s + "\"");
  }
  return v;
}

Result<double> Args::get_double(const std::string& name, double fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  try {
    size_t used = 0;
    double v = std::stod(it->second, &used);
    if (used == it->second.size()) return v;
  } catch (const std::exception&) {
  }
  return InvalidArgument(name + ": expected a number, got \"" + it->second + "\"");
}

Result<Args> parse_args(const CommandSpec& spec, const std::vector<std::string>& argv) {
  Args args;
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string arg = argv[i];
    if (only_positional || arg.size() < 2 || arg[0] != '-') {
      args.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      args.values_["--help"] = "";
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    std::string key;
    const Flag* flag = find_flag(spec, arg, key);
    if (flag == nullptr) {
      return InvalidArgument("unknown option " + arg + " for '" + spec.name + "' (see hitloop " +
                             spec.name + " --help)");
    }
    if (!flag->value_name.empty() && !inline_value) {
      if (i + 1 >= argv.size()) return InvalidArgument(arg + " needs a value " + flag->value_name);
      value = argv[++i];
    } else if (flag->value_name.empty() && inline_value) {
      return InvalidArgument(arg + " takes no value");
    }
    args.values_[key] = value;
  }
  if (args.has("--help")) return args;
  int n = static_cast<int>(args.positional_.size());
  if (n < spec.min_positional) {
    return InvalidArgument("'" + spec.name + "' needs " + spec.args + " (see hitloop " + spec.name +
                           " --help)");
  }
  if (spec.max_positional >= 0 && n > spec.max_positional) {
    return InvalidArgument("unexpected argument \"" + args.positional_[spec.max_positional] +
                           "\" for '" + spec.name + "'");
  }
  return args;
}

std::string help_text(const CommandSpec& spec) {
  std::string out = "usage: hitloop [--db PATH] " + spec.name;
  if (!spec.flags.empty()) out += " [OPTIONS]";
  if (!spec.args.empty()) out += " " + spec.args;
  out += "\n\n" + spec.summary + "\n";
  if (!spec.flags.empty()) out += "\noptions:\n";
  for (const Flag& f : spec.flags) {
    std::string left = "  " + f.name + (f.value_name.empty() ? "" : " " + f.value_name);
    if (left.size() < 26)
      left.resize(26, ' ');
    else
      left += "\n" + std::string(26, ' ');
    out += left + f.help + "\n";
  }
  return out;
}

}  // namespace hitloop::cli
