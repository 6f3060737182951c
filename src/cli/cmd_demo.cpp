// `demo` and `example-data`: the bundled e-commerce support data set, made by
// a seeded generator (src/demo/), so the demo needs no file beside the binary.
#include <iostream>

#include "auth/auth.h"
#include "cli/command.h"
#include "cli/ml_common.h"
#include "demo/ecommerce_data.h"
#include "store/dataset_queries.h"

namespace hitloop::cli {
namespace {

constexpr int kDemoSessions = 400;
constexpr uint64_t kDemoSeed = 7;
constexpr int kQueueSessions = 60;
constexpr char kDemoUser[] = "demo";
constexpr char kDemoPassword[] = "hitloop-demo";

int run_demo(Context& ctx, const Args& args) {
  ctx.err << "hitloop demo: store " << ctx.db_path << "\n";
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());

  std::string csv = demo::to_csv(demo::generate_ecommerce_sessions(kDemoSessions, kDemoSeed));
  const std::string name = "ecommerce_support.csv (bundled)";
  ParsedDataset parsed = parse_dataset(name, csv, DatasetFormat::kCsv, ReadOptions{});
  ImportOptions options;
  options.reviewer = "demo-expert";
  options.now_ms = now_ms();
  if (int code = import_parsed(ctx, **store, name, parsed, options); code != 0) return code;
  // More sessions, unlabeled, for the review queue of the UI.
  std::vector<ImportRow> queue;
  for (const auto& s : demo::generate_ecommerce_sessions(kQueueSessions, kDemoSeed + 1)) {
    ImportRow row;
    row.external_id = "queue-" + s.id;
    row.category = s.category;
    row.model_input = s.model_input;
    row.model_output = s.model_output;
    queue.push_back(std::move(row));
  }
  Result<ImportSummary> queued = (*store)->import_rows(queue, options);
  if (!queued.ok()) return fail(ctx, queued.status());
  ctx.out << "review queue: " << queued->added << " new unlabeled sessions\n";

  Result<DatasetStats> stats = collect_stats(**store);
  if (!stats.ok()) return fail(ctx, stats.status());
  ctx.out << "\n";
  print_stats(ctx, *stats, false);

  ctx.out << "\ntraining the n-gram evaluator on the human labels...\n";
  Result<std::vector<ml::Example>> examples = examples_from_store(**store);
  if (!examples.ok()) return fail(ctx, examples.status());
  Result<const ml::Evaluator*> evaluator = ml::find_evaluator("ngram");
  if (!evaluator.ok()) return fail(ctx, evaluator.status());
  TrainRequest request;
  request.models_dir = models_dir(ctx, args);
  request.activate = true;
  Result<int> version = train_and_register(ctx, **store, **evaluator, *examples, request);
  if (!version.ok()) return fail(ctx, version.status());

  ml::Registry registry(**store, request.models_dir);
  Result<ml::LoadedModel> model = registry.load(*version);
  if (!model.ok()) return fail(ctx, model.status());
  // Two fresh sessions the model has never seen: a grounded answer and a
  // made-up policy.
  const ml::TextPair samples[] = {
      {"Hi, can I still return the trail shoes I bought 10 days ago?",
       "Yes! You're within our 30-day return window. Start the return from your order page and "
       "we'll email a prepaid label."},
      {"Hi, can I still return the trail shoes I bought 10 days ago?",
       "Returns are only possible within 48 hours of delivery, and a 25% restocking fee applies."},
  };
  for (const ml::TextPair& pair : samples) {
    double score = model->score(pair);
    char line[96];
    std::snprintf(line, sizeof line, "%s  P(good)=%.3f  (model %s)\n",
                  model->is_good(score) ? "GOOD" : "BAD", score, model->name.c_str());
    ctx.out << "\ninput:  " << pair.input << "\noutput: " << pair.output << "\nverdict: " << line
            << "why:\n";
    for (const ml::Contribution& c : model->model->explain(pair, 6)) {
      std::snprintf(line, sizeof line, "  %+7.3f  ", c.value);
      ctx.out << line << c.feature << "\n";
    }
  }
  if (args.has("--loop")) {
    if (int code = run_loop_demo(ctx, **store, request.models_dir); code != 0) return code;
  }
  if (args.has("--no-serve")) return 0;

  // A known login for the demo only: the server listens on loopback.
  if (!(*store)->find_user(kDemoUser).ok()) {
    Status st = auth::create_user(**store, kDemoUser, "admin", kDemoPassword);
    if (!st.ok()) return fail(ctx, st);
  }
  ctx.out << "\n";
  return serve_store(
      ctx, args, std::move(store).value(),
      std::string("(log in as ") + kDemoUser + " / " + kDemoPassword + "; Ctrl-C stops)");
}

int run_example_data(Context& ctx, const Args& args) {
  Result<long long> n = args.get_int("--sessions", kDemoSessions);
  if (!n.ok()) return fail(ctx, n.status());
  Result<long long> seed = args.get_int("--seed", static_cast<long long>(kDemoSeed));
  if (!seed.ok()) return fail(ctx, seed.status());
  if (*n <= 0) return fail(ctx, InvalidArgument("--sessions must be positive"));
  std::string csv = demo::to_csv(
      demo::generate_ecommerce_sessions(static_cast<int>(*n), static_cast<uint64_t>(*seed)));
  Status st = write_output(ctx, args.get("--output"), csv);
  return st.ok() ? 0 : fail(ctx, st);
}

std::vector<Flag> demo_flags() {
  std::vector<Flag> flags = {
      {"--no-serve", "", "stop after training instead of serving"},
      {"--loop", "", "then run the feedback loop on simulated days of traffic"}};
  for (const Flag& f : serve_flags()) {
    if (f.name != "--no-auth") flags.push_back(f);
  }
  return flags;
}

}  // namespace

Command demo_command() {
  return {{"demo", "",
           "Run the demo on the bundled e-commerce support sessions.\n\n"
           "Imports them, shows stats, trains the n-gram evaluator on the human labels, judges\n"
           "two new sessions, then serves the review UI and API (log in as demo /\n"
           "hitloop-demo) until Ctrl-C.",
           demo_flags(), 0, 0},
          run_demo};
}

Command example_data_command() {
  return {{"example-data",
           "",
           "Write the generated e-commerce support data set as CSV.\n\n"
           "The bundled example data is --sessions 400 --seed 7.",
           {{"--sessions", "N", "number of sessions (default 400)"},
            {"--seed", "N", "generator seed (default 7)"},
            {"-o|--output", "FILE", "write to FILE instead of stdout"}},
           0,
           0},
          run_example_data};
}

}  // namespace hitloop::cli
