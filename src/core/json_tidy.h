// Figures for people and dashboards: JSON numbers without float noise
// (0.148604, not 0.14860400000000001; 0, not -6.47e-17). Used where JSON
// leaves the program (CLI --json, HTTP replies), never for stored artifacts,
// which keep full precision. A model's score (any member named "score") is
// data, not a figure: it is written at full precision (the shortest text
// that reads back as the same double), so that users can check calibration
// and parity downstream.
#pragma once

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hitloop {

// A figure rounded to 6 decimal places (-0 becomes 0); large ones as they are.
inline double tidy_figure(double v) {
  if (!std::isfinite(v) || std::abs(v) >= 1e9) return v;
  double r = std::round(v * 1e6) / 1e6;
  return r == 0 ? 0.0 : r;
}

// Rounds every floating-point number in `j` with tidy_figure.
template <typename Json>
void tidy_numbers(Json& j) {
  if (j.is_number_float()) {
    j = tidy_figure(j.template get<double>());
  } else if (j.is_structured()) {
    for (auto& item : j) tidy_numbers(item);
  }
}

namespace detail {

inline constexpr std::string_view kExactKey = "score";

inline void write_double(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out += "null";  // as nlohmann writes them
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// nlohmann's float printer (Grisu2) is not always the shortest that
// round-trips (it prints 0.148604 as 0.14860400000000001); std::to_chars is.
template <typename Json>
void write_tidy(const Json& j, std::string& out, bool exact = false) {
  if (j.is_number_float()) {
    double v = j.template get<double>();
    write_double(exact ? v : tidy_figure(v), out);
  } else if (j.is_object()) {
    out += '{';
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!first) out += ',';
      first = false;
      out += Json(it.key()).dump();
      out += ':';
      write_tidy(it.value(), out, it.key() == kExactKey);
    }
    out += '}';
  } else if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i) out += ',';
      write_tidy(j[i], out);
    }
    out += ']';
  } else {
    out += j.dump();
  }
}

}  // namespace detail

// `j` serialised compactly (like dump()) with tidy figures.
template <typename Json>
std::string tidy_dump(const Json& j) {
  std::string out;
  detail::write_tidy(j, out);
  return out;
}

}  // namespace hitloop
