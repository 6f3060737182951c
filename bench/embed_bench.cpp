// Embed kind speed: a random MiniLM-L6-sized sentence-transformers
// checkpoint (BERT, 6 layers x 384, 12 heads, FFN 1536, mean pooling +
// Normalize, max_seq_length 256, as all-MiniLM-L6-v2) written to a
// temporary directory, then, on the first ROWS labeled rows of a CSV:
//   1. embedding every input and output (cold cache): rows/s, texts/s;
//   2. the head's training as `hitloop train --kind embed` runs it (5-fold
//      validation, calibration, the final fit), on the now warm cache;
// plus the encoder's forward at the anchor's shapes, for comparison with
// shared/bench/torch_encoder_anchor.py --shape minilm.
// Prints one JSON line per figure, then a summary.
// Usage: embed_bench TOKENIZER_DIR DATA_CSV [ROWS] [THREADS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "ml/encoder/checkpoint.h"
#include "ml/encoder/classifier.h"
#include "ml/encoder/config.h"
#include "ml/encoder/embed_evaluator.h"
#include "ml/encoder/embed_model.h"
#include "ml/encoder/encoder_state.h"
#include "ml/encoder/random_checkpoint.h"
#include "ml/encoder/runtime.h"
#include "ml/pipeline.h"

namespace enc = hitloop::ml::encoder;
namespace ml = hitloop::ml;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// The sentence-transformers files of all-MiniLM-L6-v2.
void write_sentence_files(const fs::path& dir) {
  write(dir / "modules.json",
        R"([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}])");
  write(dir / "1_Pooling" / "config.json",
        R"({"word_embedding_dimension": 384, "pooling_mode_mean_tokens": true})");
  write(dir / "sentence_bert_config.json", R"({"max_seq_length": 256, "do_lower_case": false})");
}

void print_figure(const char* op, const std::string& fields) {
  std::printf("{\"impl\": \"hitloop\", \"shape\": \"minilm\", \"op\": \"%s\", %s}\n", op,
              fields.c_str());
  std::fflush(stdout);
}

// Forward of the encoder body at the anchor's shapes (median of `reps`).
void forward_figures(const fs::path& dir, int threads) {
  auto state = enc::open_checkpoint_dir(dir.string(), 256);
  if (!state.ok()) return;
  (*state)->net->eval();
  c10::InferenceMode guard;
  for (auto [b, t, reps] : {std::tuple{1, 32, 20}, {1, 64, 20}, {1, 128, 10}, {8, 128, 6}}) {
    enc::TensorBatch batch;
    batch.input_ids = torch::randint(1000, 30000, {b, t}, torch::kLong);
    batch.token_type_ids = torch::zeros({b, t}, torch::kLong);
    batch.attention_mask = torch::ones({b, t}, torch::kLong);
    auto run = [&] {
      (*state)->net->hidden_states(batch.input_ids, batch.token_type_ids, batch.attention_mask);
    };
    run();
    run();
    std::vector<double> ms;
    for (int i = 0; i < reps; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      run();
      ms.push_back(seconds_since(t0) * 1e3);
    }
    std::sort(ms.begin(), ms.end());
    char fields[160];
    std::snprintf(fields, sizeof fields,
                  "\"batch\": %d, \"tokens\": %d, \"threads\": %d, \"ms\": %.2f", b, t, threads,
                  ms[ms.size() / 2]);
    print_figure("forward", fields);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: embed_bench TOKENIZER_DIR DATA_CSV [ROWS] [THREADS]\n");
    return 2;
  }
  const std::string tokenizer_dir = argv[1], data = argv[2];
  const size_t rows = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1000;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  enc::configure_threads(threads);

  const fs::path work =
      fs::temp_directory_path() / ("hitloop-embed-bench-" + std::to_string(getpid()));
  const fs::path model = work / "minilm-random";
  ::setenv("HITLOOP_EMBED_CACHE", (work / "cache").c_str(), 1);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{work};
  if (auto st =
          enc::write_random_checkpoint(model.string(), enc::minilm_l6_config(), tokenizer_dir, 1);
      !st.ok()) {
    std::fprintf(stderr, "embed_bench: %s\n", st.message().c_str());
    return 1;
  }
  write_sentence_files(model);

  auto parsed = hitloop::read_dataset_file(data, hitloop::ReadOptions{});
  if (!parsed.ok()) {
    std::fprintf(stderr, "embed_bench: %s\n", parsed.status().message().c_str());
    return 1;
  }
  std::vector<ml::Example> examples;
  for (const hitloop::ImportRow& r : parsed->rows) {
    if (!r.label || examples.size() == rows) continue;
    examples.push_back(
        {r.model_input, r.model_output, r.category, hitloop::label_value(*r.label), 1.0});
  }

  // 1. Embedding, cold.
  auto t0 = std::chrono::steady_clock::now();
  auto encoder = enc::SentenceEncoder::open(model.string());
  if (!encoder.ok()) {
    std::fprintf(stderr, "embed_bench: %s\n", encoder.status().message().c_str());
    return 1;
  }
  const double open_s = seconds_since(t0);
  auto cache = enc::EmbedCache::shared((*encoder)->digest(), (*encoder)->dim());
  std::vector<std::string_view> texts;
  for (const ml::Example& e : examples) texts.insert(texts.end(), {e.input, e.output});
  enc::EmbedStats stats;
  auto emb = enc::embed_cached(**encoder, *cache, texts, nullptr, &stats);
  if (!emb.ok()) {
    std::fprintf(stderr, "embed_bench: %s\n", emb.status().message().c_str());
    return 1;
  }
  size_t tokens = 0;
  {
    auto state = enc::open_checkpoint_dir(model.string(), 256);
    for (std::string_view t : texts) tokens += (*state)->tokenizer->encode(t, {}, 256).size();
  }
  char fields[300];
  std::snprintf(fields, sizeof fields,
                "\"rows\": %zu, \"texts\": %zu, \"distinct\": %zu, \"tokens\": %zu, \"threads\": "
                "%d, \"open_s\": %.2f, \"embed_s\": %.2f, \"rows_per_s\": %.1f, \"texts_per_s\": "
                "%.1f",
                examples.size(), texts.size(), stats.distinct, tokens, threads, open_s,
                stats.seconds, examples.size() / stats.seconds,
                (stats.distinct - stats.cached) / stats.seconds);
  print_figure("embed", fields);

  // 2. The head, as `hitloop train --kind embed` trains it, on the warm cache.
  ml::TrainOptions options;
  options.seed = 1;
  options.threads = threads;
  options.encoder.base_dir = model.string();
  options.progress = [](const std::string& line) { std::fprintf(stderr, "  %s\n", line.c_str()); };
  static const enc::EmbedEvaluator evaluator;
  t0 = std::chrono::steady_clock::now();
  auto report = ml::train_with_validation(evaluator, examples, options);
  const double head_s = seconds_since(t0);
  if (!report.ok()) {
    std::fprintf(stderr, "embed_bench: %s\n", report.status().message().c_str());
    return 1;
  }
  std::snprintf(fields, sizeof fields,
                "\"rows\": %zu, \"threads\": %d, \"head_s\": %.2f, \"auroc\": %.3f",
                examples.size(), threads, head_s, report->metrics.auroc.value_or(0));
  print_figure("head", fields);
  std::printf(
      "embed kind, MiniLM-L6-sized random checkpoint, %zu rows (%zu texts, %zu distinct, %zu "
      "tokens), %d threads:\n"
      "  embedding      %7.1f s  %7.1f rows/s  %7.1f texts/s  (+ %.1f s opening the encoder)\n"
      "  head training  %7.1f s  (5-fold validation, calibration, final fit; cache warm)\n"
      "  total          %7.1f s  (goal < 60 s)\n",
      examples.size(), texts.size(), stats.distinct, tokens, threads, stats.seconds,
      examples.size() / stats.seconds, (stats.distinct - stats.cached) / stats.seconds, open_s,
      head_s, open_s + stats.seconds + head_s);
  std::fflush(stdout);
  forward_figures(model, threads);
  return 0;
}
