// Internal to src/demo: the pieces shared by the generator (ecommerce_data.cpp)
// and the text tables (ecommerce_templates.cpp: order_status, returns,
// shipping; ecommerce_templates_catalog.cpp: catalog, product, account,
// payment and the shared failure phrases). Not part of the public API.
//
// Template syntax, expanded by `expand()`:
//   {key}        the value of variable `key` (inserted literally, not expanded)
//   [a|b|c]      one alternative, picked by the PRNG; may nest; "[|x]" = optional x
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hitloop::demo::detail {

// splitmix64: tiny, fast and fully specified, so the data set is identical on
// every platform (std:: distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform-enough integer in [0, n); n > 0. The modulo bias (< n / 2^64) is
  // irrelevant for picking among a handful of templates.
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  int between(int lo, int hi) {
    return lo + static_cast<int>(below(static_cast<size_t>(hi - lo + 1)));
  }
  bool percent(int p) { return below(100) < static_cast<size_t>(p); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  uint64_t state_;
};

using Vars = std::map<std::string, std::string, std::less<>>;

// "$42".
std::string dollars(int amount);

// Expands a template (syntax above). Throws std::logic_error on an unknown
// variable or unbalanced brackets: both are bugs in the tables.
std::string expand(std::string_view tmpl, const Vars& vars, Rng& rng);

// The fixed policy world. Values are what a correct reply must say.
struct World {
  static constexpr const char* kShop = "Northwind Outfitters";
  static constexpr int kFreeShippingFrom = 75;  // dollars, US standard shipping
  static constexpr int kPointsPerReward = 100;  // rewards points per reward
  static constexpr int kRewardDollars = 5;      // dollars off per reward
};

struct Product {
  const char* name;        // "Ridgeline Rain Jacket"
  const char* short_name;  // how customers call it: "rain jacket"
  bool plural;             // "boots are" vs "jacket is"
  int price;               // dollars
  const char* material;
  const char* care;
  std::vector<std::string> sizes;      // empty = one size
  std::vector<std::string> bad_sizes;  // sizes customers ask for that do not exist
  const char* sizes_text;              // "XS to XXL"
  bool in_stock;
  const char* part;  // a part that can fail, for warranty questions: "zipper"
  const char* need;  // a customer need it is the best answer to, or "" if none
};

const std::vector<Product>& catalog();

// Sets every product-dependent variable ({product}, {price}, {is}, {it}, ...)
// and a valid {size}/{size_word} for that product.
void set_product(Vars& v, const Product& p, Rng& rng);
// Sets {size}/{size_word} to `size` (bot and customer spelling).
void set_size(Vars& v, const std::string& size, Rng& rng);

// Runs after the common variables are drawn, to fit them to the scenario
// (e.g. a cart total below the free-shipping threshold). May be null.
using SetupFn = void (*)(Vars&, Rng&);

// One kind of customer request and the replies to it. `good` replies are
// correct by construction; the failure replies are built from them (see the
// generator) or from the scenario-specific lists here.
struct Scenario {
  const char* category;
  const char* key;  // short name, only for debugging
  SetupFn setup;
  std::vector<const char*> customer;   // customer messages
  std::vector<const char*> good;       // correct, grounded replies
  std::vector<const char*> rude;       // rude, but with correct facts
  std::vector<const char*> unhelpful;  // vague, no concrete answer
  std::vector<const char*> made_up;    // full replies built on an invented policy
};

// All scenarios, in a fixed order.
const std::vector<Scenario>& scenarios();
// The product, account and payment scenarios (ecommerce_templates_catalog.cpp).
std::vector<Scenario> catalog_scenarios();
// Setup: a product that has sizes and is in stock (used by several scenarios).
void setup_sized_in_stock(Vars& v, Rng& rng);

// Failure phrases that are not tied to one scenario, per category ("" = any).
struct FailurePhrases {
  std::map<std::string, std::vector<const char*>, std::less<>> made_up;  // invented perks
  std::map<std::string, std::vector<const char*>, std::less<>> refusal;
  std::vector<const char*> unhelpful;
  std::vector<const char*> rude_prefix;  // put before a correct answer
  std::vector<const char*> rude_suffix;  // put after a correct answer
  std::vector<const char*> off_topic;    // chit-chat unrelated to any question
};

const FailurePhrases& failure_phrases();

}  // namespace hitloop::demo::detail
