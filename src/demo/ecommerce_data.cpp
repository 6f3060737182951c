// Generator of the bundled example data set: support chats of the fictional
// shop "Northwind Outfitters", labeled good or bad.
//
// LABEL RULE: good = 1 iff the reply has none of these failures:
//   wrong_fact      contradicts the policy world (docs/example-data.md) or the
//                   facts in the customer's message (order number, product,
//                   days since purchase, cart total, ...)
//   made_up_policy  invents a policy, guarantee, perk or discount
//   refusal         refuses a request the bot can and should answer
//   off_topic       answers something other than what was asked
//   rude            condescending or dismissive, even if the facts are right
//   unhelpful       vague, gives no concrete answer
// A good reply may still say "no" when the policy says no (e.g. a return after
// the 30-day window); that is a correct answer, not a refusal. Each bad reply
// carries exactly one failure, recorded in ExampleSession::failure.
//
// How: a session picks a category, then a scenario (ecommerce_templates*.cpp),
// draws the variables (order number, product, ...), renders a customer message
// and then either a good reply or a failure derived from a good one: wrong
// facts re-render a good reply with one fact swapped, made-up policies add an
// invented perk to it, rude replies wrap it. So bad replies share most of their
// words with good ones, which keeps a bag-of-words model from scoring 100%.
//
// Determinism: only the splitmix64 Rng in ecommerce_templates.h is used, and
// session i gets its own Rng derived from (seed, i), so the output depends on
// nothing but (n, seed) and session i does not depend on n.
#include "demo/ecommerce_data.h"

#include <cctype>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "demo/ecommerce_templates.h"

namespace hitloop::demo {
namespace detail {

std::string dollars(int amount) {
  // Appending (rather than "$" + to_string) avoids a bogus GCC 12 -Wrestrict
  // warning at -O3.
  std::string out = "$";
  out += std::to_string(amount);
  return out;
}

std::string expand(std::string_view t, const Vars& vars, Rng& rng) {
  std::string out;
  size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '{') {
      const size_t close = t.find('}', i);
      if (close == std::string_view::npos) throw std::logic_error("unclosed { in template");
      const std::string_view key = t.substr(i + 1, close - i - 1);
      auto it = vars.find(key);
      if (it == vars.end())
        throw std::logic_error("unknown template variable: " + std::string(key));
      out += it->second;
      i = close + 1;
    } else if (c == '[') {
      // Split the group at its top-level '|' and expand one alternative.
      std::vector<std::string_view> alts;
      size_t start = i + 1, j = i + 1;
      int depth = 0;
      for (; j < t.size(); ++j) {
        if (t[j] == '[') {
          ++depth;
        } else if (t[j] == ']') {
          if (depth == 0) break;
          --depth;
        } else if (t[j] == '|' && depth == 0) {
          alts.push_back(t.substr(start, j - start));
          start = j + 1;
        }
      }
      if (j >= t.size()) throw std::logic_error("unclosed [ in template");
      alts.push_back(t.substr(start, j - start));
      out += expand(alts[rng.below(alts.size())], vars, rng);
      i = j + 1;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

namespace {

// ------------------------------------------------------------------ the world

// The policy values a correct reply states, and the wrong values a wrong_fact
// reply may state instead (never equal to the right one).
struct PolicyFact {
  const char* key;
  const char* value;
  std::vector<const char*> wrong;
};

const std::vector<PolicyFact>& policy_facts() {
  static const std::vector<PolicyFact> kFacts = {
      {"return_days", "30", {"14", "45", "60", "90"}},
      {"refund_days", "5-7", {"1-2", "10-14", "14-21"}},
      {"free_ship", "$75", {"$50", "$60", "$99", "$100"}},
      {"std_price", "$5.95", {"$4.95", "$7.95", "$8.95"}},
      {"std_days", "3-5", {"1-2", "5-7", "7-10"}},
      {"exp_price", "$14.95", {"$9.95", "$19.95", "$24.95"}},
      {"exp_days", "1-2", {"2-3", "3-5", "4-6"}},
      {"ca_price", "$12.95", {"$5.95", "$19.95", "$24.95"}},
      {"ca_days", "7-10", {"3-5", "10-14", "14-21"}},
      {"cutoff", "2 pm Eastern", {"noon Eastern", "5 pm Eastern", "2 pm Pacific"}},
      {"warranty", "one-year", {"90-day", "six-month", "two-year"}},
      {"lost_days", "2", {"5", "7", "10"}},
      {"reset_min", "10", {"30", "60"}},
      {"points_redeem", "100", {"50", "200", "500"}},
      {"points_worth", "$5", {"$1", "$10", "$20"}},
      {"auth_days", "3-5", {"1-2", "10-14"}},
      {"support_email",
       "help@northwindoutfitters.com",
       {"support@northwind.com", "help@northwind-outfitters.com"}},
      {"methods",
       "Visa, Mastercard, American Express, Discover, PayPal, Apple Pay and Northwind gift cards",
       {"Visa, Mastercard, American Express, PayPal, Google Pay and Northwind gift cards",
        "Visa, Mastercard, PayPal, Apple Pay, Venmo and Northwind gift cards"}},
  };
  return kFacts;
}

const std::vector<const char*> kNames = {
    "Maria", "James", "Priya",  "Chen", "Fatima", "Lucas", "Emily", "Diego",  "Aisha", "Tom",
    "Sofia", "Kenji", "Olivia", "Noah", "Hannah", "Mateo", "Zoe",   "Samir",  "Grace", "Liam",
    "Ana",   "Ben",   "Chloe",  "Omar", "Nina",   "Raj",   "Elena", "Marcus", "Yuki",  "Leah"};
const std::vector<const char*> kCarriers = {"UPS", "USPS", "FedEx"};
const std::vector<const char*> kCountries = {"the UK", "Australia", "Germany", "Mexico",
                                             "Japan",  "France",    "Ireland"};
const std::vector<const char*> kCanadianCities = {"Toronto", "Vancouver", "Montreal",
                                                  "Calgary", "Ottawa",    "Halifax"};
const std::vector<const char*> kMonths = {"two", "three", "four", "five", "six", "seven", "eight"};
const std::vector<const char*> kPromos = {"SPRING15", "TRAIL10", "WELCOME20", "HIKE5", "FALLSALE"};

// Everything any template may use. Scenario setups then refine a few values.
Vars draw_vars(Rng& rng, std::string& customer_name) {
  Vars v;
  for (const PolicyFact& f : policy_facts()) v[f.key] = f.value;
  v["shop"] = World::kShop;

  customer_name = rng.pick(kNames);
  v["name"] = customer_name;
  const std::string digits = std::to_string(rng.between(100000, 999999));
  v["order"] = "NW-" + digits;
  const std::vector<std::string> order_forms = {"#NW-" + digits, "NW-" + digits, digits,
                                                "#" + digits,    "NW" + digits,  "nw-" + digits};
  v["order_in"] = rng.pick(order_forms);
  v["days_placed"] = std::to_string(rng.between(2, 6));
  v["days_late"] = std::to_string(rng.between(3, 6));
  v["days_in"] = std::to_string(rng.between(2, 27));
  v["days_out"] = std::to_string(rng.between(35, 120));
  v["months"] = rng.pick(kMonths);
  v["carrier"] = rng.pick(kCarriers);
  v["country"] = rng.pick(kCountries);
  v["city"] = rng.pick(kCanadianCities);
  v["promo"] = rng.pick(kPromos);
  v["method"] = "PayPal";
  v["method_in"] = "PayPal";
  const int cart = rng.between(22, 74);
  v["cart"] = dollars(cart);
  v["diff"] = dollars(World::kFreeShippingFrom - cart);
  const int points = rng.between(120, 2600);
  v["points"] = std::to_string(points);
  v["points_value"] = dollars(points / World::kPointsPerReward * World::kRewardDollars);
  set_product(v, rng.pick(catalog()), rng);
  return v;
}

// -------------------------------------------------------------- wrong facts

// A different number in [lo, hi] written as text.
std::string other_int(const std::string& cur, int lo, int hi, Rng& rng) {
  const int c = std::stoi(cur);
  int x = rng.between(lo, hi - 1);
  return std::to_string(x >= c ? x + 1 : x);
}

// "$42" -> a different positive dollar amount near it.
std::string other_dollars(const std::string& cur, Rng& rng) {
  const int c = std::stoi(cur.substr(1));
  const int delta = rng.between(2, 15);
  return dollars(c > delta && rng.percent(50) ? c - delta : c + delta);
}

const Product* product_named(const std::string& name) {
  for (const Product& p : catalog())
    if (name == p.name) return &p;
  return nullptr;
}

// Replaces v[key] by a wrong value. Returns false when `key` is not a fact
// that can be made wrong. Only facts whose wrong value is unambiguously wrong
// are listed (e.g. not the care text: two products' care can read alike).
bool corrupt(const std::string& key, Vars& v, Rng& rng) {
  for (const PolicyFact& f : policy_facts()) {
    if (key == f.key) {
      v[key] = rng.pick(f.wrong);
      return true;
    }
  }
  std::string& val = v[key];
  const Product* p = product_named(v["product"]);
  if (key == "order") {
    const size_t pos = 3 + rng.below(6);  // a digit of "NW-123456"
    val[pos] = static_cast<char>('0' + (val[pos] - '0' + 1 + rng.below(9)) % 10);
  } else if (key == "days_in") {
    val = other_int(val, 2, 27, rng);
  } else if (key == "days_out") {
    val = other_int(val, 35, 120, rng);
  } else if (key == "days_late") {
    val = other_int(val, 3, 6, rng);
  } else if (key == "days_placed") {
    val = other_int(val, 2, 6, rng);
  } else if (key == "cart" || key == "diff" || key == "points_value") {
    val = other_dollars(val, rng);
  } else if (key == "points") {
    val = other_int(val, 120, 2600, rng);
  } else if (key == "months" || key == "carrier" || key == "country" || key == "promo") {
    const std::vector<const char*>& pool = key == "months"    ? kMonths
                                           : key == "carrier" ? kCarriers
                                           : key == "country" ? kCountries
                                                              : kPromos;
    std::string next = val;
    while (next == val) next = rng.pick(pool);
    val = next;
  } else if (p && (key == "product" || key == "price" || key == "material" || key == "sizes")) {
    // Take the value from another product (same plurality, so the sentence
    // still reads naturally); for sizes, only products sized the same way.
    const bool numeric_sizes =
        !p->sizes.empty() && std::isdigit(static_cast<unsigned char>(p->sizes[0][0]));
    std::vector<std::string> pool;
    if (key == "sizes" && numeric_sizes)
      pool = {"6 to 12 (whole sizes only)", "7 to 13, including half sizes", "8 to 14"};
    for (const Product& q : catalog()) {
      if (&q == p) continue;
      if (key == "product" && q.plural == p->plural) pool.push_back(q.name);
      if (key == "price") pool.push_back(dollars(q.price));
      if (key == "material") pool.push_back(q.material);
      if (key == "sizes" && !numeric_sizes && !q.sizes.empty() &&
          std::string_view(q.sizes_text) != p->sizes_text &&
          !std::isdigit(static_cast<unsigned char>(q.sizes[0][0])))
        pool.push_back(q.sizes_text);
    }
    if (pool.empty()) return false;
    val = rng.pick(pool);
  } else if (p && key == "stock_line") {
    val = p->in_stock ? v["is"] + " sold out; we expect a restock in about three weeks"
                      : "is in stock";
  } else {
    return false;
  }
  return true;
}

// A good reply of the scenario with exactly one fact made wrong, or nothing
// when no good reply of the scenario states a fact that can be made wrong.
std::optional<std::string> wrong_fact_body(const Scenario& sc, const Vars& v, Rng& rng) {
  const size_t n = sc.good.size();
  const size_t first = rng.below(n);
  for (size_t k = 0; k < n; ++k) {
    const std::string tmpl = sc.good[(first + k) % n];
    std::vector<std::string> keys;
    for (size_t pos = tmpl.find('{'); pos != std::string::npos; pos = tmpl.find('{', pos + 1))
      keys.push_back(tmpl.substr(pos + 1, tmpl.find('}', pos) - pos - 1));
    const size_t start = keys.empty() ? 0 : rng.below(keys.size());
    for (size_t j = 0; j < keys.size(); ++j) {
      Vars bad = v;
      if (!corrupt(keys[(start + j) % keys.size()], bad, rng)) continue;
      // Render both with the same choices, so only the swapped fact differs
      // (the chosen alternative may not mention the fact at all).
      const Rng fork(rng.next());
      Rng r_good = fork, r_bad = fork;
      std::string good_text = expand(tmpl, v, r_good);
      std::string bad_text = expand(tmpl, bad, r_bad);
      if (bad_text != good_text) return bad_text;
    }
  }
  return std::nullopt;
}

// ------------------------------------------------------------------ replies

enum class Failure { kNone, kWrongFact, kMadeUp, kRefusal, kOffTopic, kRude, kUnhelpful };

const char* failure_name(Failure f) {
  switch (f) {
    case Failure::kNone:
      return "";
    case Failure::kWrongFact:
      return "wrong_fact";
    case Failure::kMadeUp:
      return "made_up_policy";
    case Failure::kRefusal:
      return "refusal";
    case Failure::kOffTopic:
      return "off_topic";
    case Failure::kRude:
      return "rude";
    case Failure::kUnhelpful:
      return "unhelpful";
  }
  return "";
}

// Relative frequencies among bad replies. Wrong facts dominate because they
// are the failure reviewers care about most and the hardest to spot.
Failure pick_failure(Rng& rng) {
  static const std::vector<std::pair<Failure, int>> kWeights = {
      {Failure::kWrongFact, 30}, {Failure::kMadeUp, 18},   {Failure::kUnhelpful, 16},
      {Failure::kRefusal, 12},   {Failure::kOffTopic, 12}, {Failure::kRude, 12}};
  int r = static_cast<int>(rng.below(100));
  for (const auto& [f, w] : kWeights) {
    if (r < w) return f;
    r -= w;
  }
  return Failure::kWrongFact;
}

// Phrases of `category` plus the category-free ones.
std::vector<const char*> phrases_for(
    const std::map<std::string, std::vector<const char*>, std::less<>>& by_category,
    const std::string& category) {
  std::vector<const char*> out = by_category.at("");
  auto it = by_category.find(category);
  if (it != by_category.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  return out;
}

// Two categories are "related" when an answer for one could pass as an answer
// for the other; off-topic replies are never taken from a related category.
bool related(const std::string& a, const std::string& b) {
  auto pair_is = [&](const char* x, const char* y) {
    return (a == x && b == y) || (a == y && b == x);
  };
  return a == b || pair_is("order_status", "shipping") || pair_is("order_status", "returns") ||
         pair_is("returns", "payment") || pair_is("shipping", "product");
}

// The body of a reply (without greeting/closing) with the given failure, or
// nothing when the scenario cannot produce that failure.
std::optional<std::string> reply_body(const Scenario& sc, const Vars& v, Failure f, Rng& rng) {
  const FailurePhrases& ph = failure_phrases();
  auto good_body = [&] { return expand(rng.pick(sc.good), v, rng); };
  switch (f) {
    case Failure::kNone:
      return good_body();
    case Failure::kWrongFact:
      return wrong_fact_body(sc, v, rng);
    case Failure::kMadeUp: {
      if (!sc.made_up.empty() && rng.percent(45)) return expand(rng.pick(sc.made_up), v, rng);
      const std::string perk = expand(rng.pick(phrases_for(ph.made_up, sc.category)), v, rng);
      const std::string body = good_body();
      // A perk that says "also" or "too" only reads naturally after the answer.
      const bool can_lead =
          perk.find(" also ") == std::string::npos && perk.find(" too") == std::string::npos;
      return can_lead && rng.percent(20) ? perk + " " + body : body + " " + perk;
    }
    case Failure::kRefusal:
      return expand(rng.pick(phrases_for(ph.refusal, sc.category)), v, rng);
    case Failure::kOffTopic: {
      // Outdoor chit-chat can touch a product question, so product gets none.
      if (sc.category != std::string_view("product") && rng.percent(35))
        return expand(rng.pick(ph.off_topic), v, rng);
      std::vector<const Scenario*> others;
      for (const Scenario& o : scenarios())
        if (!related(o.category, sc.category)) others.push_back(&o);
      const Scenario& o = *rng.pick(others);
      Vars ov = v;
      if (o.setup) o.setup(ov, rng);
      return expand(rng.pick(o.good), ov, rng);
    }
    case Failure::kRude: {
      if (!sc.rude.empty() && rng.percent(50)) return expand(rng.pick(sc.rude), v, rng);
      // Separate statements: the operands of + are evaluated in unspecified
      // order, which would make the output compiler-dependent.
      const bool prefix = rng.percent(50);
      const std::string frame = prefix ? rng.pick(ph.rude_prefix) : rng.pick(ph.rude_suffix);
      const std::string body = good_body();
      return prefix ? frame + body : body + frame;
    }
    case Failure::kUnhelpful:
      if (!sc.unhelpful.empty() && rng.percent(50)) return expand(rng.pick(sc.unhelpful), v, rng);
      return expand(rng.pick(ph.unhelpful), v, rng);
  }
  return std::nullopt;
}

// Greeting and closing shared by good and bad replies, so neither is a label cue.
// No greeting before a body that already opens with one ("Thanks ...", "Hi"),
// and no cheerful one before a body that opens with its own interjection
// ("Yes!", "Sorry", "I'm afraid"), which would read oddly.
std::string greeting(bool customer_signed, const std::string& name, const std::string& body,
                     Rng& rng) {
  auto starts = [&](std::initializer_list<const char*> prefixes) {
    for (const char* p : prefixes)
      if (body.starts_with(p)) return true;
    return false;
  };
  if (starts({"Thank", "Hi", "Hello", "Happy"})) return "";
  const bool plain_only =
      starts({"Yes", "Sure", "Of course", "Absolutely", "No problem", "Good news", "Nothing",
              "Sorry", "I'm sorry", "Unfortunately", "I'm afraid", "I can't", "Okay", "Ugh"});
  if (customer_signed && rng.percent(50)) {
    if (plain_only) return "Hi " + name + "! ";
    const std::vector<std::string> named = {"Hi " + name + "! ",
                                            "Hi " + name + ", thanks for reaching out. ",
                                            "Thanks, " + name + "! "};
    return rng.pick(named);
  }
  static const std::vector<const char*> kPlain = {"", "", "", "", "Hi there! ", "Hello! "};
  static const std::vector<const char*> kAny = {
      "", "", "", "", "Hi there! ", "Thanks for reaching out. ", "Happy to help! ", "Hello! "};
  return rng.pick(plain_only ? kPlain : kAny);
}

std::string closing(Rng& rng) {
  static const std::vector<const char*> kClosings = {
      "",
      "",
      "",
      "",
      " Anything else I can help with?",
      " Let me know if you have any other questions.",
      " Have a great day!",
      " Happy trails!"};
  return rng.pick(kClosings);
}

// ------------------------------------------------------- customer messages

// One realistic slip in a word of 4+ lowercase letters: swapped, dropped or
// doubled letter. Order numbers, prices and names are never touched.
void add_typo(std::string& s, Rng& rng) {
  std::vector<std::pair<size_t, size_t>> words;  // [begin, end)
  for (size_t i = 0; i < s.size();) {
    size_t j = i;
    while (j < s.size() && std::islower(static_cast<unsigned char>(s[j]))) ++j;
    if (j - i >= 4 && (i == 0 || !std::isalnum(static_cast<unsigned char>(s[i - 1]))))
      words.emplace_back(i, j);
    i = j == i ? i + 1 : j;
  }
  if (words.empty()) return;
  const auto [b, e] = rng.pick(words);
  const size_t at = b + 1 + rng.below(e - b - 2);  // never the first letter
  switch (rng.below(3)) {
    case 0:
      std::swap(s[at], s[at + 1]);
      break;
    case 1:
      s.erase(at, 1);
      break;
    default:
      s.insert(at, 1, s[at]);
      break;
  }
}

std::string customer_message(const Scenario& sc, const Vars& v, bool& signed_out, Rng& rng) {
  static const std::vector<const char*> kOpeners = {"Hi! ", "Hello. ", "Hey there. ",
                                                    "Good morning! ", "Quick question. "};
  static const std::vector<const char*> kContext = {
      " This is my first order with you.", " It's a gift for my [sister|dad|partner].",
      " I've been a customer for years.", " [I'm going|We're going] on a trip next week."};
  static const std::vector<const char*> kThanks = {" Thanks!", " Thank you.", " thanks",
                                                   " Appreciate it!", " Thanks in advance."};
  std::string msg = expand(rng.pick(sc.customer), v, rng);
  // Messages typed in lowercase without final punctuation stay terse.
  const bool terse = std::islower(static_cast<unsigned char>(msg.front())) ||
                     std::isalnum(static_cast<unsigned char>(msg.back()));
  if (!terse && rng.percent(25)) msg = rng.pick(kOpeners) + msg;
  if (!terse && rng.percent(12)) msg += expand(rng.pick(kContext), v, rng);
  if (!terse && rng.percent(30)) msg += rng.pick(kThanks);
  if (rng.percent(15)) add_typo(msg, rng);
  if (rng.percent(4)) add_typo(msg, rng);
  if (rng.percent(6))
    for (char& c : msg) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (rng.percent(10) && !msg.empty() && (msg.back() == '.' || msg.back() == '!')) msg.pop_back();
  signed_out = rng.percent(22);
  if (signed_out) {
    static const std::vector<const char*> kSign = {"\n{name}", " - {name}", "\n\n- {name}"};
    msg += expand(rng.pick(kSign), v, rng);
  }
  return msg;
}

// ------------------------------------------------------------------ session

// Share of good replies: a bot worth reviewing is mostly right, and 60/40
// keeps enough bad examples of every failure type in a 400-session demo.
constexpr int kGoodPercent = 60;

// Category shares of the data set, roughly as in real support traffic.
const std::vector<std::pair<const char*, int>> kCategoryWeights = {
    {"order_status", 24}, {"returns", 22}, {"shipping", 18},
    {"product", 20},      {"account", 8},  {"payment", 8}};

const Scenario& pick_scenario(Rng& rng) {
  int r = static_cast<int>(rng.below(100));
  const char* category = kCategoryWeights.back().first;
  for (const auto& [c, w] : kCategoryWeights) {
    if (r < w) {
      category = c;
      break;
    }
    r -= w;
  }
  std::vector<const Scenario*> in_category;
  for (const Scenario& s : scenarios())
    if (std::string_view(s.category) == category) in_category.push_back(&s);
  return *rng.pick(in_category);
}

ExampleSession make_session(int index, uint64_t seed) {
  // Independent stream per session: session i does not depend on n.
  Rng seeder(seed ^ (0xD1B54A32D192ED03ULL * static_cast<uint64_t>(index + 1)));
  Rng rng(seeder.next());

  const Scenario& sc = pick_scenario(rng);
  std::string name;
  Vars v = draw_vars(rng, name);
  if (sc.setup) sc.setup(v, rng);

  ExampleSession s;
  char id[32];
  std::snprintf(id, sizeof id, "ecom-%04d", index + 1);
  s.id = id;
  s.category = sc.category;
  bool signed_out = false;
  s.model_input = customer_message(sc, v, signed_out, rng);

  Failure f = rng.percent(kGoodPercent) ? Failure::kNone : pick_failure(rng);
  std::optional<std::string> body = reply_body(sc, v, f, rng);
  while (!body) {  // this scenario cannot produce f (no fact to get wrong)
    f = pick_failure(rng);
    body = reply_body(sc, v, f, rng);
  }
  s.good = f == Failure::kNone;
  s.failure = failure_name(f);
  // Rude replies skip the friendly greeting and closing.
  if (f == Failure::kRude) {
    s.model_output = *body;
  } else {
    const std::string hello = greeting(signed_out, name, *body, rng);
    const std::string bye = closing(rng);  // own statement: see the note in reply_body
    s.model_output = hello + *body + bye;
  }
  return s;
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace
}  // namespace detail

std::vector<ExampleSession> generate_ecommerce_sessions(int n, uint64_t seed) {
  std::vector<ExampleSession> out;
  if (n <= 0) return out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(detail::make_session(i, seed));
  return out;
}

std::string to_csv(const std::vector<ExampleSession>& sessions) {
  std::string out = "id,model_input,model_output,good,category,failure\r\n";
  for (const ExampleSession& s : sessions) {
    detail::append_csv_field(out, s.id);
    out += ',';
    detail::append_csv_field(out, s.model_input);
    out += ',';
    detail::append_csv_field(out, s.model_output);
    out += s.good ? ",1," : ",0,";
    detail::append_csv_field(out, s.category);
    out += ',';
    detail::append_csv_field(out, s.failure);
    out += "\r\n";
  }
  return out;
}

}  // namespace hitloop::demo
