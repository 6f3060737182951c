// Encoder speed: a DistilBERT-base-sized random model (6 layers, 768 wide,
// 12 heads, FFN 3072) through hitloop's libtorch path. Prints one JSON
// line per figure, in the same shape as shared/bench/torch_encoder_anchor.py
// so bench/encoder.sh can put them side by side:
//   forward latency at batch 1 for 32/64/128 tokens, forward at 8x128 and
//   32x128 (throughput), and one AdamW training step at 8x128.
// Usage: encoder_bench THREADS [TOKENIZER_DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "ml/encoder/checkpoint.h"
#include "ml/encoder/classifier.h"
#include "ml/encoder/layers.h"
#include "ml/encoder/runtime.h"
#include "ml/encoder/trainer.h"

namespace enc = hitloop::ml::encoder;

namespace {

// Median of `reps` timed runs after two warm-ups, in ms (as the anchor).
double time_ms(const std::function<void()>& fn, int reps) {
  fn();
  fn();
  std::vector<double> ts;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    ts.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ts.begin(), ts.end());
  return ts[ts.size() / 2];
}

void print(const char* op, int batch, int tokens, int threads, double ms) {
  std::printf(
      "{\"impl\": \"hitloop\", \"shape\": \"distilbert\", \"op\": \"%s\", \"batch\": %d, "
      "\"tokens\": %d, \"threads\": %d, \"ms\": %.2f}\n",
      op, batch, tokens, threads, ms);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  enc::configure_threads(threads);
  torch::manual_seed(0);
  enc::EncoderConfig config = enc::distilbert_base_config();
  auto net = enc::make_classifier(config);
  enc::init_hf_weights(*net, config.initializer_range, config.pad_token_id, {}, 0);

  auto batch_of = [&](int b, int t) {
    enc::TensorBatch batch;
    batch.input_ids = torch::randint(1000, 30000, {b, t}, torch::kLong);
    batch.input_ids.select(1, 0).fill_(101);
    batch.token_type_ids = torch::zeros({b, t}, torch::kLong);
    batch.attention_mask = torch::ones({b, t}, torch::kLong);
    return batch;
  };

  net->eval();
  {
    c10::InferenceMode guard;
    for (auto [b, t, reps] :
         {std::tuple{1, 32, 20}, {1, 64, 20}, {1, 128, 20}, {8, 128, 6}, {32, 128, 4}}) {
      enc::TensorBatch batch = batch_of(b, t);
      double ms = time_ms(
          [&] { net->forward(batch.input_ids, batch.token_type_ids, batch.attention_mask); }, reps);
      print("forward", b, t, threads, ms);
    }
  }

  net->train();
  auto optimizer = enc::make_optimizer(*net, 2e-5, 0.01, false);
  enc::TensorBatch batch = batch_of(8, 128);
  torch::Tensor labels = torch::randint(0, 2, {8}, torch::kLong);
  double ms = time_ms([&] { enc::train_step(*net, *optimizer, batch, labels, {}, 2e-5, 1.0); }, 4);
  print("train_step", 8, 128, threads, ms);
  return 0;
}
