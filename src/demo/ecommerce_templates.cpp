// The text tables of the e-commerce example data, part 1: the order_status,
// returns and shipping scenarios (customer messages and replies). Syntax and
// structs: ecommerce_templates.h. Every `good` reply here must be correct for
// the policy world documented in docs/example-data.md; the failure variants
// are derived from them in ecommerce_data.cpp.
//
// Phrasing is deliberately shared between good and bad replies ("I'm sorry",
// "can't", "refund", "discount", "website" appear on both sides) so that a
// bag-of-words model cannot separate the labels from single words.
#include "demo/ecommerce_templates.h"

namespace hitloop::demo::detail {

namespace {

void setup_cart_under(Vars& v, Rng& rng) {
  int cart = rng.between(22, World::kFreeShippingFrom - 1);
  v["cart"] = dollars(cart);
  v["diff"] = dollars(World::kFreeShippingFrom - cart);
}
void setup_cart_over(Vars& v, Rng& rng) {
  int cart = rng.percent(10) ? World::kFreeShippingFrom : rng.between(76, 260);
  v["cart"] = dollars(cart);
}
// order_status, returns and shipping; the rest is in ecommerce_templates_catalog.cpp.
std::vector<Scenario> build_scenarios() {
  std::vector<Scenario> s;
  // ---------------------------------------------------------------- order_status
  s.push_back(
      {.category = "order_status",
       .key = "where_is_order",
       .setup = nullptr,
       .customer =
           {"Where is my order {order_in}? I ordered the {product_short} {days_placed} days ago "
            "with standard shipping.",
            "[When will|When's] order {order_in} arrive? [It's been {days_placed} days.|I chose "
            "standard shipping.|I need the {product_short} for a trip.]",
            "hi, ordered {days_placed} days ago ({order_in}), [no package yet|still waiting], how "
            "long does standard shipping take?"},
       .good =
           {"Standard shipping takes {std_days} business days once your order ships. You'll get "
            "an email with tracking for order {order} as soon as it leaves our warehouse[, and "
            "you can also follow it under My Orders|].",
            "Order {order} is going standard shipping, which arrives {std_days} business days "
            "after it ships. The tracking link is in your shipping confirmation email.",
            "Standard orders arrive {std_days} business days after they ship. [Check|You can "
            "check] My Orders for the latest status of {order}."},
       .rude =
           {"Standard shipping is {std_days} business days. The tracking for {order} is in your "
            "email, [which you could have checked yourself|if you'd bothered to look]."},
       .unhelpful =
           {"Delivery times can vary. Your order will arrive [soon|as soon as possible]. Thank "
            "you for your patience!",
            "Please check the status of your order [on our website|in your account]."},
       .made_up = {
           "I'm sorry for the wait! Standard shipping usually takes {std_days} business days, "
           "but I've upgraded order {order} to overnight delivery at no charge."}});
  s.push_back(
      {.category = "order_status",
       .key = "marked_delivered",
       .setup = nullptr,
       .customer =
           {"My {carrier} tracking for order {order_in} says delivered [yesterday|this "
            "morning|today] but there's nothing [at my door|on my porch|in my mailbox]. [What do "
            "I do?|Help!|I already asked my neighbors.]",
            "[Tracking|The tracking] says {carrier} delivered order {order_in} but I never got "
            "it. [Can you send another one?|This is really frustrating.|What now?]"},
       .good =
           {"I'm sorry your package hasn't shown up. [Carriers sometimes mark packages "
            "delivered a little early, so|{carrier} sometimes scans a package as delivered "
            "before it arrives, so] please check around your building and with neighbors. If "
            "order {order} still hasn't turned up within {lost_days} business days, reply here "
            "and we'll file a claim with {carrier} and send you a free replacement.",
            "Sorry about that! Packages marked delivered usually turn up within {lost_days} "
            "business days[, often with a neighbor or in a mailroom|]. If order {order} is still "
            "missing after that, let us know and we'll open a {carrier} claim and ship a "
            "replacement at no cost."},
       .rude = {"Tracking says {carrier} delivered it, so it was delivered. Check with your "
                "neighbors before contacting us. If {order} is still gone in {lost_days} business "
                "days, fine, we'll send a replacement."},
       .unhelpful =
           {"Packages are sometimes delayed. Please contact the carrier for more information.",
            "I understand your frustration. These things usually sort themselves out."},
       .made_up = {"I'm so sorry! I've refunded order {order} in full, and if {carrier} finds the "
                   "package you can keep it at no charge."}});
  s.push_back(
      {.category = "order_status",
       .key = "change_order",
       .setup = setup_sized_in_stock,
       .customer = {"I just placed order {order_in} and picked the wrong size. Can I change it to "
                    "{size_word}?",
                    "Can I cancel order {order_in}? I [ordered it an hour ago|placed it this "
                    "morning|changed my mind]."},
       .good =
           {"Orders can be changed or cancelled while they're still Processing. If order {order} "
            "shows Processing under My Orders, you can edit or cancel it there. Once it has "
            "shipped we can't change it, but returns and exchanges are free within "
            "{return_days} days of delivery.",
            "As long as order {order} is still Processing, it can be changed or cancelled under "
            "My Orders. If it already shipped, you can use a free exchange or return "
            "instead[ once it arrives|]."},
       .rude = {"You should have checked before ordering. If {order} is still Processing you can "
                "change it under My Orders. Otherwise, no."},
       .unhelpful = {"Order changes depend on the status of your order.",
                     "We'll see what we can do. Changes are sometimes possible."},
       .made_up = {
           "No problem! Orders can be changed for up to 7 days after they ship, so I'll update "
           "order {order} for you."}});
  s.push_back(
      {.category = "order_status",
       .key = "processing_meaning",
       .setup = nullptr,
       .customer =
           {"What does 'Processing' mean on order {order_in}? [I ordered yesterday.|Is something "
            "wrong?|It's been a day.]",
            "my order {order_in} still says processing. is that normal?"},
       .good =
           {"Processing means we've received order {order} and our warehouse is picking and "
            "packing it. Orders placed before {cutoff} on a business day ship the same "
            "day[, and you'll get a tracking email as soon as it does|].",
            "Nothing's wrong! Processing just means order {order} hasn't left our warehouse yet. "
            "Orders placed before {cutoff} on a business day ship that day; later orders ship "
            "the next business day."},
       .rude = {"It means processing. Orders placed before {cutoff} ship the same day, later ones "
                "the next business day. Not complicated."},
       .unhelpful =
           {"Processing is one of our order statuses. Please check back later for updates."},
       .made_up = {"Processing means order {order} is being packed. Orders placed before {cutoff} "
                   "are guaranteed to arrive the next day."}});
  s.push_back(
      {.category = "order_status",
       .key = "late_express",
       .setup = nullptr,
       .customer = {"I paid {exp_price} for express shipping on order {order_in} and it's been "
                    "{days_late} business days since it shipped. [Where is it?|This is "
                    "ridiculous.|I needed it for a trip this weekend.]",
                    "Express order {order_in} [still isn't here|hasn't arrived] after {days_late} "
                    "business days. What's going on?"},
       .good =
           {"I'm sorry! Express orders should arrive within {exp_days} business days of "
            "shipping, so order {order} is late. Because it missed the express window, we'll "
            "refund the {exp_price} express fee to your original payment method.",
            "You're right, {days_late} business days is past our {exp_days}-day express window. "
            "Since order {order} is late, the {exp_price} express fee will be refunded to your "
            "original payment method[, and tracking will keep updating until it arrives|]."},
       .rude = {"Yes, it's late, we get it. Express is {exp_days} business days and {order} missed "
                "that, so you'll get the {exp_price} express fee back. No need for the attitude."},
       .unhelpful = {"Express shipping is usually fast, but delays can happen. We appreciate your "
                     "patience.",
                     "Carriers sometimes experience delays. Your package is on its way!"},
       .made_up = {"I'm sorry order {order} is late! We'll refund the {exp_price} express fee, and "
                   "because it missed the window the rest of the order is free too."}});
  // --------------------------------------------------------------------- returns
  s.push_back(
      {.category = "returns",
       .key = "in_window",
       .setup = nullptr,
       .customer =
           {"I bought the {product_short} {days_in} days ago and [the fit is off|I don't love "
            "the color|{its} too big|{its} too small|I changed my mind]. [Can I return "
            "{it}?|How do I send {it} back?|Is it too late to return {it}?][ Never worn, tags "
            "still on.| I only tried {it} on.|]",
            "Hi, how do returns work? Got the {product_short} {days_in} days ago, not for me."},
       .good =
           {"Yes, you're still within our {return_days}-day return window. As long as the "
            "{product_short} {is} unworn with the tags attached, print a free prepaid label "
            "from My Orders and drop the package off. Your refund goes back to your original "
            "payment method within {refund_days} business days after it reaches our warehouse.",
            "Absolutely. Returns are free within {return_days} days of delivery for unworn "
            "items with tags; just grab the prepaid label under My Orders.",
            "Sure! At {days_in} days you're still inside our {return_days}-day window. Start the "
            "return under My Orders and you'll get a free prepaid label."},
       .rude = {"It's been {days_in} days, so yes, obviously you can return {it}. The label is "
                "under My Orders like it says on the website."},
       .unhelpful =
           {"Returns are possible in some cases. Please refer to our return policy for details."},
       .made_up = {
           "Yes, returns are free within {return_days} days. As a thank-you for shopping with us, "
           "we'll also add a $10 store credit to your account once we receive the return."}});
  s.push_back(
      {.category = "returns",
       .key = "out_of_window",
       .setup = nullptr,
       .customer =
           {"Can I still return the {product_short}? I got {it} about {days_out} days ago[ and "
            "never wore {it}|, still in the bag|].",
            "[I know it's been a while, but can I|Is there any way I can] return the "
            "{product_short} I bought {days_out} days ago?"},
       .good = {"I'm sorry, but at {days_out} days the {product_short} {is} outside our "
                "{return_days}-day return window, so we can't accept {it} as a return. If there's "
                "a manufacturing defect, though, our {warranty} defect warranty still covers {it}.",
                "Unfortunately our return window is {return_days} days from delivery, and "
                "{days_out} days is past that. [I can't process a return, but|That said,] if "
                "anything is defective, our {warranty} defect warranty still applies."},
       .rude = {"Our window is {return_days} days. You're at {days_out}. The answer is no."},
       .unhelpful = {"Return eligibility depends on several factors. Please review our policies.",
                     "Let me look into that. Returns can be complicated."},
       .made_up = {
           "Since you never wore {it}, I can make a one-time exception to the {return_days}-day "
           "window. Use the free prepaid label under My Orders and we'll refund you in full."}});
  s.push_back(
      {.category = "returns",
       .key = "exchange",
       .setup = setup_sized_in_stock,
       .customer =
           {"The {product_short} I got [{is} too small|{is} too big|{is} the wrong size]. Can I "
            "exchange {it} for {size_word}?[ Order {order_in}.|]",
            "Need to swap my {product_short} for {size_word}, how do exchanges work?"},
       .good = {"Yes! Exchanges are free within {return_days} days of delivery. Go to My Orders, "
                "choose Exchange and pick size {size}; we'll ship the new one as soon as the "
                "carrier scans your return.",
                "Of course. Start a free exchange for size {size} under My Orders; the replacement "
                "ships once your original is scanned by the carrier. Just make sure the "
                "{product_short} {is} unworn with the tags on."},
       .rude = {"Should have checked the size chart. Anyway, exchanges are free, go to My Orders "
                "and pick size {size}."},
       .unhelpful = {"Exchanges may be available for some items."},
       .made_up = {"Sure! Keep the original as a gift, and we'll ship size {size} right away at no "
                   "charge."}});
  s.push_back(
      {.category = "returns",
       .key = "refund_timing",
       .setup = nullptr,
       .customer =
           {"I mailed back my return for order {order_in} [last week|on Monday|a few days ago]. "
            "When do I get my refund?",
            "still no refund for order {order_in}?? sent it back already"},
       .good =
           {"Refunds go back to your original payment method within {refund_days} business "
            "days after your return arrives at our warehouse. You'll get an email as soon as the "
            "refund for order {order} is processed.",
            "Once the return for order {order} is checked in at our warehouse, the refund is "
            "issued to your original payment method within {refund_days} business days. Your "
            "bank may take a little longer to show it."},
       .rude = {"Refunds take {refund_days} business days after we receive the item. You'll have "
                "to wait like everyone else."},
       .unhelpful = {"Refunds are processed in a timely manner.",
                     "Your refund is important to us and will be handled accordingly."},
       .made_up = {
           "Good news: we now offer instant refunds, so the money for order {order} is already "
           "back on your card."}});
  s.push_back(
      {.category = "returns",
       .key = "final_sale",
       .setup = nullptr,
       .customer =
           {"I bought the {product_short} from the Last Chance section. Can I [return|exchange] "
            "{it}?[ {Its} the wrong size.| I don't like {it}.|]",
            "Are Last Chance items returnable? Thinking about the {product_short}."},
       .good =
           {"I'm sorry, Last Chance items are final sale, so we can't accept returns or "
            "exchanges on them. If {subj} arrive{s} with a defect, our {warranty} defect warranty "
            "still covers {it}.",
            "Unfortunately, items from Last Chance are final sale and can't be returned or "
            "exchanged. The only exception is a manufacturing defect, which our {warranty} "
            "warranty covers."},
       .rude = {"Final sale means final sale. No returns, no exchanges. It says so on the page."},
       .unhelpful = {"Final sale items have different rules. Please check the product page."},
       .made_up = {
           "Last Chance items are usually final sale, but you can return them within 14 days "
           "for store credit."}});
  s.push_back(
      {.category = "returns",
       .key = "defect",
       .setup = nullptr,
       .customer =
           {"The {part} on my {product_short} [broke|came apart|failed] after {months} months. "
            "[Is that covered?|What can I do?|Not happy.]",
            "My {product_short} [{is} falling apart|has a broken {part}] and I've only had {it} "
            "{months} months. [Can I get a replacement?|Any warranty?]"},
       .good =
           {"I'm sorry to hear that! That's covered by our {warranty} defect warranty. Reply "
            "with a photo of the {part} and your order number, and we'll repair or replace the "
            "{product_short} for free.",
            "That shouldn't happen after {months} months. Our {warranty} defect warranty covers "
            "it: send a photo to {support_email} and we'll repair or replace {it} free of "
            "charge."},
       .rude = {"Things wear out. If it's a defect, send a photo to {support_email}. We'll see."},
       .unhelpful =
           {"We're sorry to hear about your experience. Product quality is very important to us.",
            "Thanks for the feedback! We'll pass it on to our product team."},
       .made_up = {"I'm sorry! All our gear has a lifetime warranty, so we'll send a new "
                   "{product_short} and you can keep the old one."}});
  // -------------------------------------------------------------------- shipping
  s.push_back(
      {.category = "shipping",
       .key = "cost_under_threshold",
       .setup = setup_cart_under,
       .customer = {"How much is shipping? My cart is at {cart}[ right now|].",
                    "Do I get free shipping on a {cart} order?", "whats shipping on {cart}"},
       .good =
           {"Standard shipping is {std_price}, and it's free on orders of {free_ship} or more. "
            "You're {diff} away, so adding a little more would get you free shipping.",
            "Free standard shipping starts at {free_ship} and your cart is at {cart}, so for now "
            "standard shipping is {std_price}.",
            "Standard shipping on a {cart} order is {std_price}; it's free from {free_ship}."},
       .rude = {"It says right in the cart. {std_price}, free from {free_ship}. You're {diff} "
                "short."},
       .unhelpful = {"Shipping costs are calculated at checkout."},
       .made_up = {
           "Standard shipping is {std_price}, but since it's your first order I've waived it."}});
  s.push_back(
      {.category = "shipping",
       .key = "cost_over_threshold",
       .setup = setup_cart_over,
       .customer = {"Is shipping free if my order is {cart}?",
                    "I have {cart} in my cart, do I [pay for|have to pay for] shipping?"},
       .good = {"Good news: orders of {free_ship} or more get free standard shipping, so your "
                "{cart} order ships free. Express is still {exp_price} if you need it faster.",
                "Yes! Standard shipping is free on orders of {free_ship} or more."},
       .rude = {"Yes. It's free from {free_ship}. That's on every page of the site."},
       .unhelpful = {"Shipping may be free depending on your order."},
       .made_up = {"Yes! Orders of {free_ship} or more ship free, and over $150 we upgrade you to "
                   "express at no charge."}});
  s.push_back(
      {.category = "shipping",
       .key = "speeds",
       .setup = nullptr,
       .customer =
           {"How long does [express|standard] shipping take?",
            "What shipping options do you have and how fast are they?",
            "I need the {product_short} by [Friday|the weekend]. What's your fastest shipping?"},
       .good = {"We offer standard shipping ({std_days} business days, {std_price}, free from "
                "{free_ship}) and express ({exp_days} business days, {exp_price}).",
                "Express is our fastest option: {exp_days} business days for {exp_price}. Orders "
                "placed before {cutoff} on a business day ship the same day.",
                "Standard takes {std_days} business days and express takes {exp_days}."},
       .rude = {"Standard is {std_days} business days, express is {exp_days}. It's on the shipping "
                "page, which you could've read."},
       .unhelpful = {"Shipping speed depends on many factors, including your location."},
       .made_up = {
           "Express is {exp_days} business days, and we also offer same-day delivery in most "
           "cities for $9.95."}});
  s.push_back(
      {.category = "shipping",
       .key = "canada",
       .setup = nullptr,
       .customer = {"Do you ship to Canada? I'm in {city}.",
                    "Can I order from {city}? How long would shipping take?"},
       .good =
           {"Yes! We ship to Canada with standard shipping for {ca_price}, and it takes {ca_days} "
            "business days. Express isn't available for Canadian addresses.[ Any duties or "
            "taxes are collected by the carrier on delivery.|]",
            "We do. Canadian orders go standard shipping only, {ca_price}, arriving in {ca_days} "
            "business days."},
       .rude = {"Yes. {ca_price}, {ca_days} business days. It's on the shipping page."},
       .unhelpful = {"International shipping options vary."},
       .made_up = {
           "We do! Canadian orders go standard shipping, {ca_price}, {ca_days} business days, and "
           "we cover all customs duties and taxes for you."}});
  s.push_back(
      {.category = "shipping",
       .key = "other_country",
       .setup = nullptr,
       .customer = {"Can you ship to {country}?[ I really want the {product_short}.|]",
                    "Do you deliver to {country}?"},
       .good = {"I'm sorry, right now we only ship within the US and Canada, so we can't send "
                "orders to {country}.",
                "Unfortunately we don't ship to {country} yet, only to addresses in the US and "
                "Canada."},
       .rude = {"We only ship to the US and Canada, and {country} is neither."},
       .unhelpful = {"We're always looking to expand our shipping destinations!"},
       .made_up = {"We don't ship to {country} directly, but our international partner can deliver "
                   "there for a flat $20 fee."}});
  s.push_back(
      {.category = "shipping",
       .key = "cutoff",
       .setup = nullptr,
       .customer = {"If I order [today|now|this morning] will it ship today?",
                    "What time do I need to order by for same-day shipping?"},
       .good = {"If you order before {cutoff} on a business day, it ships the same day. Orders "
                "after that, or on weekends, ship the next business day.",
                "Orders placed before {cutoff} on a business day ship that same day."},
       .rude = {"Before {cutoff} on a business day, yes. After that, no. Pretty simple."},
       .unhelpful = {"We try to ship orders as quickly as possible."},
       .made_up = {"If you order before {cutoff} on a business day it ships the same day, and we "
                   "guarantee delivery by the next day."}});
  s.push_back(
      {.category = "shipping",
       .key = "po_box",
       .setup = nullptr,
       .customer = {"Can you send express to a PO box?",
                    "I only have a P.O. box. Can I still get the {product_short} shipped there?"},
       .good =
           {"Standard shipping can go to a PO box, but express can't: express needs a street "
            "address.",
            "Standard shipping ({std_days} business days) can be delivered to a PO box; express "
            "can't."},
       .rude = {"Express doesn't go to PO boxes. Standard does. It's in the FAQ."},
       .unhelpful = {"PO box delivery depends on the carrier."},
       .made_up = {
           "Standard shipping can go to a PO box, but express can't. To make up for it, we'll "
           "give your order free priority handling."}});
  return s;
}

}  // namespace

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> kScenarios = [] {
    std::vector<Scenario> s = build_scenarios();
    for (Scenario& c : catalog_scenarios()) s.push_back(std::move(c));
    return s;
  }();
  return kScenarios;
}

}  // namespace hitloop::demo::detail
