// `demo` and `example-data`: the bundled e-commerce support data set, made by
// a seeded generator (src/demo/), so the demo needs no file beside the binary.
#include <iostream>

#include "cli/command.h"
#include "demo/ecommerce_data.h"
#include "store/dataset_queries.h"

namespace hitloop::cli {
namespace {

constexpr int kDemoSessions = 400;
constexpr uint64_t kDemoSeed = 7;

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

  Result<DatasetStats> stats = collect_stats(**store);
  if (!stats.ok()) return fail(ctx, stats.status());
  ctx.out << "\n";
  print_stats(ctx, *stats, args.has("--json"));
  return 0;
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

}  // namespace

Command demo_command() {
  return {{"demo",
           "",
           "Run the demo: import the bundled e-commerce support sessions and show stats.",
           {{"--json", "", "print the stats as one JSON object"}},
           0,
           0},
          run_demo};
}

Command example_data_command() {
  return {{"example-data",
           "",
           "Write the generated e-commerce support data set as CSV (the bundled example\n"
           "data is --sessions 400 --seed 7).",
           {{"--sessions", "N", "number of sessions (default 400)"},
            {"--seed", "N", "generator seed (default 7)"},
            {"-o|--output", "FILE", "write to FILE instead of stdout"}},
           0,
           0},
          run_example_data};
}

}  // namespace hitloop::cli
