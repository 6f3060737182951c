#include "ml/encoder/random_checkpoint.h"

#include <filesystem>
#include <fstream>

#include "ml/encoder/checkpoint.h"
#include "ml/encoder/layers.h"

namespace hitloop::ml::encoder {
namespace fs = std::filesystem;

Status write_random_checkpoint(const std::string& dir, const EncoderConfig& config,
                               const std::string& tokenizer_dir, uint64_t seed) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError(dir + ": " + ec.message());
  for (const char* name :
       {"vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}) {
    fs::path src = fs::path(tokenizer_dir) / name;
    if (!fs::exists(src)) continue;
    fs::copy_file(src, fs::path(dir) / name, fs::copy_options::overwrite_existing, ec);
    if (ec) return IoError(src.string() + ": " + ec.message());
  }
  {
    std::ofstream out(fs::path(dir) / "config.json", std::ios::trunc);
    out << config_to_json(config);
    if (!out) return IoError(dir + "/config.json: write failed");
  }
  try {
    auto net = make_classifier(config);
    init_hf_weights(*net, config.initializer_range, config.pad_token_id, {}, seed);
    return save_weights(*net, (fs::path(dir) / "model.safetensors").string());
  } catch (const c10::Error& e) {
    return Internal(std::string("random checkpoint: ") + e.what_without_backtrace());
  }
}

}  // namespace hitloop::ml::encoder
