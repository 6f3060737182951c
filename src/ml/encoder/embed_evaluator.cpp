#include "ml/encoder/embed_evaluator.h"

#include <filesystem>
#include <mutex>
#include <thread>

#include "core/digest.h"
#include "ml/encoder/embed_model.h"
#include "ml/encoder/runtime.h"
#include "ml/split.h"

namespace hitloop::ml::encoder {
namespace fs = std::filesystem;
namespace {

// What identifies a checkpoint directory's current files without reading
// them: each file's name, size and write time, one level deep.
std::string directory_stamp(const std::string& dir) {
  std::string stamp = fs::absolute(dir).lexically_normal().string();
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec)) continue;
    auto time = e.last_write_time(ec).time_since_epoch().count();
    stamp += "|" + e.path().string() + ":" + std::to_string(e.file_size(ec)) + ":" +
             std::to_string(time);
  }
  return stamp;
}

// The last encoder opened, kept for the next call: the pipeline trains once
// per fold and then on everything, and each would otherwise read and hash
// the weights again. Bounded at one encoder.
Result<std::shared_ptr<const SentenceEncoder>> open_encoder(const std::string& dir) {
  static std::mutex mu;
  static std::string last_stamp;
  static std::shared_ptr<const SentenceEncoder> last;
  const std::string stamp = directory_stamp(dir);
  {
    std::lock_guard lock(mu);
    if (last && stamp == last_stamp) return last;
  }
  HITLOOP_ASSIGN_OR_RETURN(std::shared_ptr<const SentenceEncoder> encoder,
                           SentenceEncoder::open(dir));
  std::lock_guard lock(mu);
  last_stamp = stamp;
  last = encoder;
  return encoder;
}

}  // namespace

Result<std::unique_ptr<Model>> EmbedEvaluator::train(const std::vector<Example>& examples,
                                                     const TrainOptions& options) const {
  const std::string& base = options.encoder.base_dir;
  if (base.empty()) {
    return InvalidArgument(
        "--kind embed needs --base NAME|DIR (a sentence-transformers BERT/DistilBERT checkpoint)");
  }
  configure_threads(options.threads);
  HITLOOP_ASSIGN_OR_RETURN(std::shared_ptr<const SentenceEncoder> encoder, open_encoder(base));
  std::shared_ptr<EmbedCache> cache = EmbedCache::shared(encoder->digest(), encoder->dim());
  const std::string cache_dir = embed_cache_dir();
  if (std::string loaded = cache->load_once(cache_dir); !loaded.empty()) {
    options.progress("embed: " + loaded);
  }
  const uint64_t evicted_before = cache->evicted();

  std::vector<std::string_view> texts;
  texts.reserve(2 * examples.size());
  for (const Example& e : examples) texts.insert(texts.end(), {e.input, e.output});
  EmbedStats stats;
  HITLOOP_ASSIGN_OR_RETURN(std::vector<float> emb,
                           embed_cached(*encoder, *cache, texts, options.progress, &stats));
  options.progress(describe(stats) + " [" + encoder->describe() + "]");
  if (cache->evicted() > evicted_before) {
    options.progress("embed: the embedding cache is full (" + std::to_string(kCacheBytes >> 20) +
                     " MiB); dropped the " + std::to_string(cache->evicted() - evicted_before) +
                     " oldest entries");
  }
  if (!cache_dir.empty() && cache->unsaved() > 0) {
    Status saved = cache->save(cache->file_in(cache_dir));
    if (!saved.ok()) {
      options.progress("embed: warning: embedding cache not saved: " + saved.message());
    }
  }

  HeadData data;
  const size_t d = encoder->dim();
  data.dim = d;
  data.u.resize(examples.size() * d);
  data.v.resize(examples.size() * d);
  for (size_t i = 0; i < examples.size(); ++i) {
    std::copy_n(&emb[2 * i * d], d, &data.u[i * d]);
    std::copy_n(&emb[(2 * i + 1) * d], d, &data.v[i * d]);
    data.labels.push_back(examples[i].label);
    data.weights.push_back(examples[i].weight);
    data.groups.push_back(group_key(examples[i].input));
  }
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string summary;
  EmbedHead head = train_head(data, options.seed, threads, summary);
  options.progress("embed: head " + summary);
  return std::unique_ptr<Model>(std::make_unique<EmbedModel>(std::move(encoder), std::move(head)));
}

Result<std::unique_ptr<Model>> EmbedEvaluator::load(const std::string& dir) const {
  return load_with(dir, LoadOptions{});
}

Result<std::unique_ptr<Model>> EmbedEvaluator::load_with(const std::string& dir,
                                                         const LoadOptions& options) const {
  // Keeps a setting made earlier in the process (a training run's) unless
  // the caller asks for one.
  if (options.threads > 0 || configured_threads() == 0) configure_threads(options.threads);
  HITLOOP_ASSIGN_OR_RETURN(std::unique_ptr<EmbedModel> model, EmbedModel::load(dir));
  return std::unique_ptr<Model>(std::move(model));
}

void register_embed_evaluator() {
  static const EmbedEvaluator evaluator;
  register_evaluator(&evaluator);
}

}  // namespace hitloop::ml::encoder
