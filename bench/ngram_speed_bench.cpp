// Speed of the n-gram evaluator on generated e-commerce sessions: training
// time on 10k rows, single-pair predict latency (p50/p99) and batch
// scoring throughput on one thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "demo/ecommerce_data.h"
#include "ml/ngram/ngram_evaluator.h"
#include "ml/pipeline.h"

using namespace hitloop;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::vector<ml::Example> examples;
  for (auto& s : demo::generate_ecommerce_sessions(n, 3)) {
    examples.push_back({s.model_input, s.model_output, s.category, s.good ? 1 : 0, 1});
  }
  ml::ngram::NgramEvaluator evaluator;
  auto t0 = Clock::now();
  auto model = evaluator.train(examples, ml::TrainOptions{});
  double fit_s = seconds_since(t0);
  t0 = Clock::now();
  auto report = ml::train_with_validation(evaluator, examples, ml::TrainOptions{});
  double full_s = seconds_since(t0);
  if (!model.ok() || !report.ok()) return 1;

  std::vector<ml::TextPair> pairs;
  for (const auto& e : examples) pairs.push_back({e.input, e.output});
  std::vector<double> latencies;
  double sink = 0;
  for (int rep = 0; rep < 3; ++rep) {
    for (const auto& p : pairs) {
      auto s = Clock::now();
      double m;
      (*model)->margins(std::span<const ml::TextPair>(&p, 1), std::span<double>(&m, 1));
      latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
      sink += m;
    }
  }
  std::sort(latencies.begin(), latencies.end());
  std::vector<double> out(pairs.size());
  std::vector<double> rates;
  for (int rep = 0; rep < 5; ++rep) {
    t0 = Clock::now();
    (*model)->margins(pairs, out);
    rates.push_back(pairs.size() / seconds_since(t0));
  }
  std::sort(rates.begin(), rates.end());
  double avg_in = 0, avg_out = 0;
  for (const auto& e : examples) avg_in += e.input.size(), avg_out += e.output.size();
  std::printf(
      "n-gram evaluator on %d generated sessions (input %.0f B, output %.0f B on average)\n", n,
      avg_in / n, avg_out / n);
  std::printf("  train, one fit with inner selection:  %8.2f s\n", fit_s);
  std::printf("  train with validation (hitloop train): %8.2f s  (%s)\n", full_s,
              report->validation.c_str());
  std::printf("  predict one pair, in process:  p50 %6.1f us   p99 %6.1f us\n",
              latencies[latencies.size() / 2], latencies[latencies.size() * 99 / 100]);
  std::printf("  batch scoring, 1 thread:       %8.0f pairs/s (median of 5)\n", rates[2]);
  return sink == 12345.678 ? 1 : 0;
}
