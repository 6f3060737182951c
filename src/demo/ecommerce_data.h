// The bundled example data set: synthetic support-chat sessions of a fictional
// outdoor-clothing shop ("Northwind Outfitters"), each labeled good or bad the
// way a human reviewer would. It lets `hitloop demo` and the tests run without
// any file beside the binary. See docs/example-data.md for the policy world,
// the failure types and the label rule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hitloop::demo {

struct ExampleSession {
  std::string id;            // "ecom-0001", "ecom-0002", ...
  std::string category;      // order_status, returns, shipping, product, account, payment
  std::string model_input;   // the customer's message
  std::string model_output;  // the chatbot's reply
  bool good = false;         // true iff the reply has no failure (see `failure`)
  // "" when good, else one of: wrong_fact, made_up_policy, refusal, off_topic, rude, unhelpful.
  std::string failure;
};

// Generates `n` sessions (none when n <= 0). Pure function of (n, seed): it uses
// its own PRNG, so the output is byte-identical across platforms and standard
// libraries. Session i of a larger n equals session i of a smaller n.
std::vector<ExampleSession> generate_ecommerce_sessions(int n, uint64_t seed);

// CSV with header `id,model_input,model_output,good,category,failure`, CRLF line
// endings, `good` as 1/0, and minimal RFC 4180 quoting (a field is quoted only
// when it contains a comma, a double quote, CR or LF; embedded quotes doubled).
std::string to_csv(const std::vector<ExampleSession>& sessions);

}  // namespace hitloop::demo
