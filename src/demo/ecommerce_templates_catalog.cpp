// The text tables of the e-commerce example data, part 2: the catalog, the
// product, account and payment scenarios, and the failure phrases shared by
// all scenarios. Syntax and structs: ecommerce_templates.h. Every `good` reply
// must be correct for the policy world in docs/example-data.md.
#include "demo/ecommerce_templates.h"

namespace hitloop::demo::detail {

const std::vector<Product>& catalog() {
  static const std::vector<Product> kCatalog = {
      {"Ridgeline Rain Jacket",
       "rain jacket",
       false,
       129,
       "100% recycled nylon with a waterproof, breathable membrane",
       "machine wash it cold and tumble dry low to refresh the water repellency",
       {"XS", "S", "M", "L", "XL", "XXL"},
       {"3XL"},
       "XS to XXL",
       true,
       "zipper",
       "a waterproof jacket for rainy hikes"},
      {"Summit Merino Base Layer",
       "base layer",
       false,
       68,
       "100% merino wool",
       "wash it on a cold wool cycle and lay it flat to dry",
       {"S", "M", "L", "XL"},
       {"XS", "XXL"},
       "S to XL",
       true,
       "seam",
       "a warm base layer for skiing"},
      {"Trailhead Hiking Boots",
       "hiking boots",
       true,
       149,
       "full-grain leather with a Vibram rubber sole",
       "wipe them with a damp cloth and let them air dry; please don't put them in the washer",
       {"7", "8", "9", "10", "11", "12", "13"},
       {"6", "14", "9.5", "10.5"},
       "7 to 13 (whole sizes only)",
       true,
       "sole",
       "boots for rocky trails"},
      {"Harbor Fleece Pullover",
       "fleece pullover",
       false,
       59,
       "100% recycled polyester fleece",
       "machine wash it warm, inside out, and skip the fabric softener",
       {"XS", "S", "M", "L", "XL"},
       {"XXL"},
       "XS to XL",
       true,
       "zipper",
       "a cozy layer for chilly evenings at camp"},
      {"Canyon Daypack 24L",
       "daypack",
       false,
       89,
       "ripstop nylon with a water-resistant coating",
       "hand wash it with mild soap and let it air dry",
       {},
       {},
       "one size",
       true,
       "strap",
       "a light bag for day hikes"},
      {"Alpine Down Vest",
       "down vest",
       false,
       110,
       "700-fill responsibly sourced down in a recycled nylon shell",
       "machine wash it on gentle and tumble dry low with a few dryer balls",
       {"S", "M", "L", "XL"},
       {"XS", "XXL"},
       "S to XL",
       false,
       "zipper",
       ""},
      {"Coastal Linen Shirt",
       "linen shirt",
       false,
       54,
       "100% European linen",
       "machine wash it cold and line dry; it gets softer with every wash",
       {"S", "M", "L", "XL", "XXL"},
       {"XS"},
       "S to XXL",
       true,
       "seam",
       "something breathable for a beach vacation"},
      {"Everyday Wool Socks (3-pack)",
       "wool socks",
       true,
       24,
       "a merino blend (70% merino wool, 30% nylon)",
       "machine wash them warm, inside out, and tumble dry low",
       {"S", "M", "L"},
       {"XL"},
       "S to L",
       true,
       "heel",
       "warm socks for winter"},
  };
  return kCatalog;
}

void set_size(Vars& v, const std::string& size, Rng& rng) {
  static const std::map<std::string, std::vector<const char*>, std::less<>> kWords = {
      {"XS", {"extra small", "an XS", "size XS"}},
      {"S", {"small", "a small", "size S"}},
      {"M", {"medium", "a medium", "size M"}},
      {"L", {"large", "a large", "size L"}},
      {"XL", {"XL", "an XL", "extra large"}},
      {"XXL", {"XXL", "a 2XL", "size XXL"}},
      {"3XL", {"3XL", "a 3XL", "XXXL"}}};
  v["size"] = size;
  auto it = kWords.find(size);
  v["size_word"] = it != kWords.end() ? rng.pick(it->second) : "size " + size;
}

void set_product(Vars& v, const Product& p, Rng& rng) {
  v["product"] = p.name;
  v["product_short"] = p.short_name;
  v["price"] = dollars(p.price);
  v["material"] = p.material;
  v["care"] = p.care;
  v["sizes"] = p.sizes_text;
  v["part"] = p.part;
  v["need"] = p.need;
  v["is"] = p.plural ? "are" : "is";
  v["Does"] = p.plural ? "Do" : "Does";
  v["s"] = p.plural ? "" : "s";        // verb agreement: "come{s}"
  v["it"] = p.plural ? "them" : "it";  // object pronoun
  v["subj"] = p.plural ? "they" : "it";
  v["It"] = p.plural ? "They" : "It";
  v["its"] = p.plural ? "they're" : "it's";
  v["Its"] = p.plural ? "They're" : "It's";
  v["stock_line"] = p.in_stock ? std::string(p.plural ? "are" : "is") + " in stock"
                               : "is sold out; we expect a restock in about three weeks";
  set_size(v, p.sizes.empty() ? "one size" : rng.pick(p.sizes), rng);
}

namespace {

// Picks a product matching `ok`; the catalog always has several.
template <class Pred>
void set_product_where(Vars& v, Rng& rng, Pred ok) {
  std::vector<const Product*> fits;
  for (const Product& p : catalog())
    if (ok(p)) fits.push_back(&p);
  set_product(v, *rng.pick(fits), rng);
}

void setup_bad_size(Vars& v, Rng& rng) {
  set_product_where(v, rng, [](const Product& p) { return !p.bad_sizes.empty(); });
  for (const Product& p : catalog())
    if (v["product"] == p.name) set_size(v, rng.pick(p.bad_sizes), rng);
}
void setup_has_need(Vars& v, Rng& rng) {
  set_product_where(v, rng, [](const Product& p) { return *p.need != '\0'; });
}
void setup_method_accepted(Vars& v, Rng& rng) {
  static const std::vector<std::pair<const char*, const char*>> kOk = {
      {"PayPal", "paypal"},
      {"Apple Pay", "Apple Pay"},
      {"American Express", "Amex"},
      {"Discover", "Discover cards"},
      {"Northwind gift cards", "gift cards"}};
  auto m = rng.pick(kOk);
  v["method"] = m.first;
  v["method_in"] = m.second;
}
void setup_method_refused(Vars& v, Rng& rng) {
  static const std::vector<std::pair<const char*, const char*>> kNo = {
      {"cash on delivery", "cash on delivery"},
      {"Bitcoin", "bitcoin"},
      {"Venmo", "Venmo"},
      {"personal checks", "checks"},
      {"Google Pay", "google pay"}};
  auto m = rng.pick(kNo);
  v["method"] = m.first;
  v["method_in"] = m.second;
}

}  // namespace

void setup_sized_in_stock(Vars& v, Rng& rng) {
  set_product_where(v, rng, [](const Product& p) { return !p.sizes.empty() && p.in_stock; });
}

std::vector<Scenario> catalog_scenarios() {
  std::vector<Scenario> s;
  // --------------------------------------------------------------------- product
  s.push_back(
      {.category = "product",
       .key = "size_available",
       .setup = setup_sized_in_stock,
       .customer =
           {"{Does} the {product_short} come in {size_word}?",
            "Do you have the {product} in {size_word}?",
            "is the {product_short} available in {size_word}? [thinking of ordering|need it "
            "soon]"},
       .good =
           {"Yes, the {product} come{s} in sizes {sizes}, so size {size} is available.",
            "Yes! The {product} come{s} in {sizes}.[ If you're between sizes, the size guide on "
            "the product page can help.|]",
            "Yes, size {size} is available."},
       .rude = {"{It} come{s} in {sizes}. The sizes are listed right on the product page."},
       .unhelpful = {"We offer a wide range of sizes for most products.",
                     "Sizes vary. Please see the product page."},
       .made_up = {
           "Yes, size {size} is available, and if it doesn't fit we'll tailor it for free."}});
  s.push_back(
      {.category = "product",
       .key = "size_unavailable",
       .setup = setup_bad_size,
       .customer = {"{Does} the {product_short} come in {size_word}?",
                    "Do you have the {product} in {size_word}?[ Can't find it on the site.|]"},
       .good = {"Sorry, the {product} only come{s} in sizes {sizes}, so there's no size {size}.",
                "Unfortunately not. The {product} {is} made in {sizes} only."},
       .rude = {"{It} come{s} in {sizes}. {size} isn't one of them."},
       .unhelpful = {"Sizing can vary by product."},
       .made_up = {
           "The {product} normally come{s} in {sizes}, but we can custom-make size {size} for "
           "a $15 fee."}});
  s.push_back(
      {.category = "product",
       .key = "material_care",
       .setup = nullptr,
       .customer = {"What is the {product} made of? [Can I machine wash {it}?|How do I wash {it}?]",
                    "what material is the {product_short}",
                    "How do I care for the {product}?[ Want {it} to last.|]"},
       .good = {"The {product} {is} made of {material}. To care for {it}, {care}.",
                "{Its} {material}. Best care: {care}."},
       .rude = {"{Its} {material}. Read the tag."},
       .unhelpful = {"Our products are made from high-quality materials.",
                     "Please follow the care label for best results."},
       .made_up = {"{Its} {material}. To care for {it}, {care}. Every Northwind product also comes "
                   "with a lifetime no-shrink guarantee."}});
  s.push_back({.category = "product",
               .key = "price",
               .setup = nullptr,
               .customer = {"How much is the {product_short}?", "what's the price on the {product}",
                            "Is the {product} still {price}?"},
               .good = {"The {product} {is} {price}.",
                        "{Its} {price}[, and orders of {free_ship} or more ship free|].",
                        "The {product} {is} {price}, and right now {subj} {stock_line}."},
               .rude = {"{price}. The price is right there on the page."},
               .unhelpful = {"Prices may vary. Please check our website for the latest prices."},
               .made_up = {"The {product} {is} {price}, but if you order today you get 25% off "
                           "automatically."}});
  s.push_back(
      {.category = "product",
       .key = "stock",
       .setup = nullptr,
       .customer = {"Is the {product} in stock?",
                    "do you have the {product_short} [available|in stock] right now?",
                    "When will the {product_short} be back in stock?"},
       .good = {"The {product} {stock_line}.", "I just checked: the {product} {stock_line}."},
       .rude = {"The product page shows stock. The {product} {stock_line}."},
       .unhelpful = {"Stock levels change frequently."},
       .made_up = {"The {product} {stock_line}. Rewards members also get a free gift with every "
                   "order."}});
  s.push_back(
      {.category = "product",
       .key = "recommend",
       .setup = setup_has_need,
       .customer = {"I'm looking for {need}. What do you recommend?", "Any suggestions for {need}?",
                    "what would you recommend for {need}? [budget isn't a big deal|I don't want to "
                    "spend a fortune]"},
       .good = {"I'd go with the {product} ({price}). {Its} {material}[ and come{s} in "
                "{sizes}|].",
                "Our {product} would be a great fit. {Its} {price} and made of {material}."},
       .rude = {"Just get the {product}. It's not hard to find on the site."},
       .unhelpful =
           {"We have many great products for that! Browse our catalog to find the right one "
            "for you."},
       .made_up = {"I'd go with the {product} ({price}). Buy today and we'll include a second one "
                   "free."}});
  // --------------------------------------------------------------------- account
  s.push_back(
      {.category = "account",
       .key = "password_reset",
       .setup = nullptr,
       .customer = {"I forgot my password and can't log in.",
                    "the password reset email never came, I tried twice",
                    "How do I reset my password?"},
       .good = {"No problem! Click 'Forgot password?' on the sign-in page and enter your account "
                "email. The reset link arrives within {reset_min} minutes; if you don't see it, "
                "check your spam folder.",
                "Reset emails usually arrive within {reset_min} minutes. Please check your spam or "
                "promotions folder and make sure you're using the email on your account. If it "
                "still doesn't come, write to {support_email}."},
       .rude = {"Click 'Forgot password?'. That's literally what it's there for."},
       .unhelpful = {"Account issues can have many causes. Please try again later."},
       .made_up = {"I'm sorry about that! I've sent a new reset link and added 200 bonus points to "
                   "your account for the trouble."}});
  s.push_back(
      {.category = "account",
       .key = "rewards",
       .setup = nullptr,
       .customer = {"I have {points} reward points, what are they worth?",
                    "How do Northwind Rewards points work? I have {points}.",
                    "what can i get with {points} points"},
       .good =
           {"You earn 1 point for every $1 you spend, and every {points_redeem} points is worth "
            "{points_worth} off at checkout. With {points} points, that's {points_value} off "
            "your next order.",
            "{points} points gets you {points_value} off: every {points_redeem} points equals "
            "{points_worth}, and you can redeem them at checkout."},
       .rude = {"Every {points_redeem} points is {points_worth}. You can do the math."},
       .unhelpful = {"Reward points can be used for discounts on future purchases."},
       .made_up = {"With {points} points you have {points_value} off, and points are worth double "
                   "during your birthday month."}});
  s.push_back(
      {.category = "account",
       .key = "change_details",
       .setup = nullptr,
       .customer = {"How do I change the email on my account?",
                    "I moved. How do I update my shipping address?",
                    "can i change my account email"},
       .good = {"Go to Account Settings and edit your profile; changes save right away.",
                "You can update it under Account Settings.[ Orders that have already shipped "
                "can't be redirected, though.|]"},
       .rude = {"Account Settings. It's in the menu. Not hard to find."},
       .unhelpful = {"You can manage your account details online."},
       .made_up = {
           "Go to Account Settings. Since you're updating your details, we'll also add a $10 "
           "welcome credit."}});
  // --------------------------------------------------------------------- payment
  s.push_back(
      {.category = "payment",
       .key = "method_accepted",
       .setup = setup_method_accepted,
       .customer = {"Do you take {method_in}?", "can I pay with {method_in}?"},
       .good = {"Yes, we accept {method}. The full list is {methods}.",
                "Yes! {method} works at checkout."},
       .rude = {"Yes. It's listed at checkout: {methods}."},
       .unhelpful = {"We accept most major payment methods."},
       .made_up = {"Yes, we accept {method}, and paying with it gets you 5% off every order."}});
  s.push_back(
      {.category = "payment",
       .key = "method_refused",
       .setup = setup_method_refused,
       .customer = {"Do you take {method_in}?", "can I pay with {method_in}?"},
       .good = {"Sorry, we don't accept {method}. We take {methods}.",
                "Unfortunately {method} isn't an option. You can pay with {methods}."},
       .rude = {"No. We take {methods}. That's it."},
       .unhelpful = {"We accept most major payment methods."},
       .made_up = {"We don't take {method} online, but you can pay by invoice within 60 days."}});
  s.push_back(
      {.category = "payment",
       .key = "pending_charge",
       .setup = nullptr,
       .customer =
           {"I cancelled order {order_in} but I still see a pending charge on my card. [Why?|Did "
            "you charge me?|Please fix.]",
            "why is there still a charge for {order_in}? I cancelled it"},
       .good =
           {"You weren't charged for order {order}: we only charge your card when an order "
            "ships. The pending authorization from checkout drops off automatically, usually "
            "within {auth_days} business days depending on your bank.",
            "That's just the authorization from checkout, not a charge. Since order {order} was "
            "cancelled, it will disappear within {auth_days} business days; your bank controls "
            "the exact timing."},
       .rude = {"It's pending, not charged. It'll drop off in {auth_days} business days. Banks are "
                "slow, not us."},
       .unhelpful = {"Charges can take time to update."},
       .made_up = {"Sorry about that! Since order {order} was cancelled, we'll also send you a $15 "
                   "credit for the inconvenience."}});
  s.push_back(
      {.category = "payment",
       .key = "price_adjustment",
       .setup = nullptr,
       .customer =
           {"I bought the {product_short} [last week|a few days ago] and now {its} on sale. Can "
            "you refund me the difference?",
            "Do you do price adjustments? The {product_short} I just bought went on sale."},
       .good =
           {"I'm sorry, we don't offer price adjustments. Since you're within the "
            "{return_days}-day return window, you could return {it} for a refund and reorder "
            "at the sale price.",
            "Unfortunately we can't adjust the price after purchase. You can return the "
            "{product_short} (free within {return_days} days of delivery) and place a new order "
            "at the sale price, though."},
       .rude = {"No. Prices change. Return {it} and rebuy if it matters that much."},
       .unhelpful = {"Sale prices are subject to change."},
       .made_up = {"Sure! We offer 30-day price protection, so I'll refund the difference to your "
                   "card."}});
  s.push_back(
      {.category = "payment",
       .key = "promo_code",
       .setup = nullptr,
       .customer =
           {"My promo code {promo} isn't working[ with my other code|].[ What's wrong?| Help?|]",
            "why won't {promo} apply at checkout?"},
       .good =
           {"Only one promo code can be used per order, and codes can't be applied to gift "
            "cards. Please also check the expiration date in the email the code came in.",
            "Promo codes can't be combined (one per order) and don't work on gift cards. If "
            "neither applies, {promo} may have expired; the date is in the email it came with."},
       .rude = {"Codes expire. Read the fine print."},
       .unhelpful = {"Promo codes are subject to terms and conditions."},
       .made_up = {"Sorry about that! I've applied a 20% discount to your cart instead."}});
  return s;
}

const FailurePhrases& failure_phrases() {
  static const FailurePhrases kPhrases = {
      // Invented perks and guarantees, appended to an otherwise correct answer.
      {{"",
        {"As a thank-you, use code THANKYOU30 for 30% off your next order.",
         "All Northwind orders also come with a 100-day satisfaction guarantee."}},
       {"order_status",
        {"As an apology for the wait, I've added a $25 store credit to your account.",
         "If it's even one day late, the whole order is free.",
         "I've also upgraded the order to overnight shipping at no cost."}},
       {"returns",
        {"We'll also refund your original shipping cost plus a 10% courtesy credit.",
         "Every Northwind item also comes with a lifetime no-questions-asked guarantee.",
         "You can keep the original item too; no need to send it back."}},
       {"shipping",
        {"Orders over $150 also get free express shipping.",
         "Use code SHIPFREE at checkout for free shipping on any order.",
         "We also offer Saturday delivery at no extra cost."}},
       {"product",
        {"We price-match any retailer, so let us know if you see it cheaper.",
         "If you buy two, the second one is half price.",
         "It's also 20% off this week with code TRAIL20."}},
       {"account",
        {"I've also added 500 bonus points to your account.",
         "Rewards members also get free express shipping on every order."}},
       {"payment",
        {"We also match any competitor's price if you send us a link.",
         "I've applied a 15% courtesy discount to your next order.",
         "You can also pay in four interest-free installments with our in-house plan."}}},
      // Needless refusals.
      {{"",
        {"I'm sorry, but I can't help with that.",
         "I'm sorry, I'm not able to assist with this request.",
         "Unfortunately, that's not something I can help with.",
         "I can't provide that information.", "I'm afraid I can't discuss that here."}},
       {"order_status",
        {"I'm sorry, but I can't look up or discuss order details in this chat.",
         "Unfortunately I'm not able to help with order {order}."}},
       {"returns",
        {"Sorry, I'm not able to help with returns or refunds.",
         "I can't help with return requests, unfortunately."}},
       {"shipping", {"I'm sorry, I can't provide shipping information."}},
       {"product",
        {"I'm sorry, I can't give product advice or details.",
         "Unfortunately I can't answer questions about the {product}."}},
       {"account", {"For security reasons, I can't help with account questions."}},
       {"payment", {"I'm sorry, I can't discuss payments or billing."}}},
      // Vague non-answers.
      {"Thanks for reaching out! We're always happy to help our customers.",
       "Please check our website for more information.",
       "I understand your concern. Our team is looking into it.",
       "That's a great question! It depends on a few things.",
       "Thank you for your message. We value your feedback."},
      // Rude framing around a correct answer.
      {"Honestly, this is all on our website. ", "Okay, one more time. ", "Ugh, fine. ",
       "Not sure why this is so hard to find. "},
      {" Please read the FAQ before messaging us next time.", " Try reading the website first.",
       " Hope that's clear enough this time.", " We get this question way too often."},
      // Chit-chat that answers nothing.
      {"Did you know merino wool naturally resists odor? It's a great choice for multi-day hikes.",
       "The weather is looking great for a hike this weekend! Don't forget sunscreen.",
       "Fun fact: Northwind Outfitters was founded by two friends who loved camping.",
       "Layering is the key to staying warm: start with a base layer, add a fleece, then a "
       "waterproof shell.",
       "Here's a tip: break in new hiking boots on short walks before a long trip.",
       "Our spring collection is out now, with new colors of the {product}!"},
  };
  return kPhrases;
}

}  // namespace hitloop::demo::detail
