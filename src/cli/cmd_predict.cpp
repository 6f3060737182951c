#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/ml_common.h"
#include "core/json_tidy.h"

namespace hitloop::cli {
namespace {

int run_predict(Context& ctx, const Args& args) {
  if (!args.has("--input") || !args.has("--output")) {
    return fail(ctx, InvalidArgument("predict needs --input TEXT and --output TEXT"));
  }
  Result<ml::LoadOptions> load = load_options(args);
  if (!load.ok()) return fail(ctx, load.status());
  Result<ml::LoadedModel> model = resolve_model(ctx, args.get("--model"), *load);
  if (!model.ok()) return fail(ctx, model.status());
  std::string input = args.get("--input"), output = args.get("--output");
  warn_if_truncated(ctx, *model, "--input", input.size());
  warn_if_truncated(ctx, *model, "--output", output.size());
  ml::TextPair pair{input, output};
  double score = model->score(pair);
  bool good = model->is_good(score);
  Result<long long> top = args.get_int("--top", 10);
  if (!top.ok()) return fail(ctx, top.status());
  std::vector<ml::Contribution> why;
  if (args.has("--explain")) why = model->model->explain(pair, static_cast<size_t>(*top));

  if (args.has("--json")) {
    nlohmann::ordered_json j;
    j["good"] = good ? 1 : 0;
    j["score"] = score;  // full precision (json_tidy.h)
    j["model"] = model->name;
    if (args.has("--explain")) {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const auto& c : why) list.push_back({{"feature", c.feature}, {"contribution", c.value}});
      j["explanation"] = list;
    }
    ctx.out << tidy_dump(j) << "\n";
    return 0;
  }
  char line[96];
  std::snprintf(line, sizeof line, "%s  P(good)=%.3f  model %s\n", good ? "GOOD" : "BAD", score,
                model->name.c_str());
  ctx.out << line;
  if (!why.empty()) ctx.out << "why (log-odds pushed towards good, + / bad, -):\n";
  for (const auto& c : why) {
    std::snprintf(line, sizeof line, "  %+7.3f  ", c.value);
    ctx.out << line << c.feature << "\n";
  }
  return 0;
}

}  // namespace

Command predict_command() {
  return {{"predict",
           "",
           "Judge one (input, output) pair: evaluate_llm_session(model_input, model_output).\n\n"
           "Prints the verdict and P(good); --json prints "
           "{\"good\":1,\"score\":0.93,\"model\":\"v3\"}.",
           {{"--input", "TEXT", "the model input (the user's message)"},
            {"--output", "TEXT", "the model output to judge"},
            {"--model", "V|DIR", "model version or artifact directory (default: the active model)"},
            {"--max-length", "N", "encoder: tokens per pair (default: as trained, or 128)"},
            {"--explain", "", "also list the features that moved the score most"},
            {"--top", "N", "how many features --explain lists (default 10)"},
            {"--json", "", "print one JSON object"}},
           0,
           0},
          run_predict};
}

}  // namespace hitloop::cli
