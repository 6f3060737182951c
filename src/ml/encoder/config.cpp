#include "ml/encoder/config.h"

#include <nlohmann/json.hpp>

#include "core/dataset.h"

namespace hitloop::ml::encoder {
namespace {

using nlohmann::json;

class Reader {
 public:
  Reader(const json& j, const std::string& origin) : j_(j), origin_(origin) {}

  Status error(const std::string& key, const std::string& why) const {
    return InvalidArgument(origin_ + ": field \"" + key + "\" " + why);
  }

  Result<int64_t> positive(const std::string& key) const {
    if (!j_.contains(key)) return error(key, "is missing");
    if (!j_[key].is_number_integer() || j_[key].get<int64_t>() <= 0) {
      return error(key, "must be a positive integer");
    }
    return j_[key].get<int64_t>();
  }

  Result<double> probability(const std::string& key, double fallback) const {
    if (!j_.contains(key) || j_[key].is_null()) return fallback;
    if (!j_[key].is_number() || j_[key].get<double>() < 0 || j_[key].get<double>() >= 1) {
      return error(key, "must be a number in [0, 1)");
    }
    return j_[key].get<double>();
  }

  Result<Activation> activation(const std::string& key) const {
    if (!j_.contains(key)) return error(key, "is missing");
    std::string a = j_[key].is_string() ? j_[key].get<std::string>() : "";
    if (a == "gelu") return Activation::kGelu;
    if (a == "gelu_new" || a == "gelu_pytorch_tanh") return Activation::kGeluTanh;
    if (a == "relu") return Activation::kRelu;
    return error(key, "is \"" + a + "\"; supported: gelu, gelu_new, gelu_pytorch_tanh, relu");
  }

 private:
  const json& j_;
  const std::string& origin_;
};

Status read_labels(const json& j, const Reader& r, EncoderConfig& c) {
  if (j.contains("id2label")) {
    if (!j["id2label"].is_object()) return r.error("id2label", "must be an object");
    const json& m = j["id2label"];
    c.id2label.assign(m.size(), "");
    for (size_t i = 0; i < m.size(); ++i) {
      std::string key = std::to_string(i);
      if (!m.contains(key) || !m[key].is_string()) {
        return r.error("id2label", "must map 0.." + std::to_string(m.size() - 1) + " to names");
      }
      c.id2label[i] = m[key].get<std::string>();
    }
    c.num_labels = static_cast<int64_t>(m.size());
  } else if (j.contains("num_labels")) {
    HITLOOP_ASSIGN_OR_RETURN(c.num_labels, r.positive("num_labels"));
  }
  return Status::Ok();
}

Status check_unsupported(const json& j, const Reader& r) {
  if (j.value("is_decoder", false))
    return r.error("is_decoder", "is true; only encoders are supported");
  if (j.value("add_cross_attention", false)) {
    return r.error("add_cross_attention", "is true; cross-attention is not supported");
  }
  if (j.contains("position_embedding_type") && j["position_embedding_type"] != "absolute") {
    return r.error("position_embedding_type", "must be \"absolute\"");
  }
  if (j.contains("problem_type") && !j["problem_type"].is_null() &&
      j["problem_type"] != "single_label_classification") {
    return r.error("problem_type", "must be single_label_classification");
  }
  return Status::Ok();
}

}  // namespace

Result<EncoderConfig> parse_config(const std::string& text, const std::string& origin) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument(origin + ": not a JSON object");
  }
  Reader r(j, origin);
  if (!j.contains("model_type") || !j["model_type"].is_string()) {
    return r.error("model_type",
                   std::string("is missing (supported: ") + kSupportedModelTypes + ")");
  }
  const std::string type = j["model_type"].get<std::string>();
  EncoderConfig c;
  c.raw_json = text;
  if (type == "distilbert") {
    c.architecture = Architecture::kDistilBert;
    HITLOOP_ASSIGN_OR_RETURN(c.hidden, r.positive("dim"));
    HITLOOP_ASSIGN_OR_RETURN(c.layers, r.positive("n_layers"));
    HITLOOP_ASSIGN_OR_RETURN(c.heads, r.positive("n_heads"));
    HITLOOP_ASSIGN_OR_RETURN(c.intermediate, r.positive("hidden_dim"));
    HITLOOP_ASSIGN_OR_RETURN(c.activation, r.activation("activation"));
    HITLOOP_ASSIGN_OR_RETURN(c.hidden_dropout, r.probability("dropout", 0.1));
    HITLOOP_ASSIGN_OR_RETURN(c.attention_dropout, r.probability("attention_dropout", 0.1));
    HITLOOP_ASSIGN_OR_RETURN(c.classifier_dropout, r.probability("seq_classif_dropout", 0.2));
    c.layer_norm_eps = 1e-12;  // hard-coded in HF's DistilBERT
  } else if (type == "bert") {
    c.architecture = Architecture::kBert;
    HITLOOP_ASSIGN_OR_RETURN(c.hidden, r.positive("hidden_size"));
    HITLOOP_ASSIGN_OR_RETURN(c.layers, r.positive("num_hidden_layers"));
    HITLOOP_ASSIGN_OR_RETURN(c.heads, r.positive("num_attention_heads"));
    HITLOOP_ASSIGN_OR_RETURN(c.intermediate, r.positive("intermediate_size"));
    HITLOOP_ASSIGN_OR_RETURN(c.type_vocab_size, r.positive("type_vocab_size"));
    HITLOOP_ASSIGN_OR_RETURN(c.activation, r.activation("hidden_act"));
    HITLOOP_ASSIGN_OR_RETURN(c.hidden_dropout, r.probability("hidden_dropout_prob", 0.1));
    HITLOOP_ASSIGN_OR_RETURN(c.attention_dropout,
                             r.probability("attention_probs_dropout_prob", 0.1));
    HITLOOP_ASSIGN_OR_RETURN(c.classifier_dropout,
                             r.probability("classifier_dropout", c.hidden_dropout));
    if (j.contains("layer_norm_eps")) {
      if (!j["layer_norm_eps"].is_number() || j["layer_norm_eps"].get<double>() <= 0) {
        return r.error("layer_norm_eps", "must be a positive number");
      }
      c.layer_norm_eps = j["layer_norm_eps"].get<double>();
    }
  } else {
    return r.error("model_type", "is \"" + type + "\", which is not supported (supported: " +
                                     kSupportedModelTypes + ")");
  }
  HITLOOP_ASSIGN_OR_RETURN(c.vocab_size, r.positive("vocab_size"));
  HITLOOP_ASSIGN_OR_RETURN(c.max_positions, r.positive("max_position_embeddings"));
  if (c.hidden % c.heads != 0) {
    return InvalidArgument(origin + ": hidden size " + std::to_string(c.hidden) +
                           " is not a multiple of the " + std::to_string(c.heads) + " heads");
  }
  if (j.contains("pad_token_id") && j["pad_token_id"].is_number_integer()) {
    c.pad_token_id = j["pad_token_id"].get<int64_t>();
  }
  if (j.contains("initializer_range") && j["initializer_range"].is_number()) {
    c.initializer_range = j["initializer_range"].get<double>();
  }
  if (j.contains("hitloop_max_length")) {
    HITLOOP_ASSIGN_OR_RETURN(c.max_length, r.positive("hitloop_max_length"));
  }
  HITLOOP_RETURN_IF_ERROR(read_labels(j, r, c));
  HITLOOP_RETURN_IF_ERROR(check_unsupported(j, r));
  return c;
}

Result<EncoderConfig> read_config(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text.ok()) return NotFound(path + ": cannot read the model's config.json");
  return parse_config(*text, path);
}

std::string config_to_json(const EncoderConfig& config) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(config.raw_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) j = nlohmann::ordered_json::object();
  j["model_type"] = std::string(config.model_type());
  j["architectures"] = {config.architecture == Architecture::kBert
                            ? "BertForSequenceClassification"
                            : "DistilBertForSequenceClassification"};
  j["id2label"] = {{"0", "bad"}, {"1", "good"}};
  j["label2id"] = {{"bad", 0}, {"good", 1}};
  j.erase("num_labels");  // HF derives it from id2label
  // save_weights writes F32 whatever the base's dtype: a base's "float16"
  // would have from_pretrained(torch_dtype="auto") load them in half precision.
  j["torch_dtype"] = "float32";
  if (config.max_length > 0) j["hitloop_max_length"] = config.max_length;
  return j.dump(2) + "\n";
}

EncoderConfig distilbert_base_config() {
  EncoderConfig c;
  c.architecture = Architecture::kDistilBert;
  c.vocab_size = 30522;
  c.hidden = 768;
  c.layers = 6;
  c.heads = 12;
  c.intermediate = 3072;
  c.max_positions = 512;
  c.classifier_dropout = 0.2;
  c.raw_json = R"({"activation": "gelu", "architectures": ["DistilBertForSequenceClassification"],
  "attention_dropout": 0.1, "dim": 768, "dropout": 0.1, "hidden_dim": 3072,
  "initializer_range": 0.02, "max_position_embeddings": 512, "model_type": "distilbert",
  "n_heads": 12, "n_layers": 6, "pad_token_id": 0, "qa_dropout": 0.1, "seq_classif_dropout": 0.2,
  "sinusoidal_pos_embds": false, "vocab_size": 30522})";
  return c;
}

EncoderConfig minilm_l6_config() {
  EncoderConfig c;
  c.architecture = Architecture::kBert;
  c.vocab_size = 30522;
  c.hidden = 384;
  c.layers = 6;
  c.heads = 12;
  c.intermediate = 1536;
  c.max_positions = 512;
  c.type_vocab_size = 2;
  c.raw_json = R"({"architectures": ["BertModel"], "attention_probs_dropout_prob": 0.1,
  "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 384, "initializer_range": 0.02,
  "intermediate_size": 1536, "layer_norm_eps": 1e-12, "max_position_embeddings": 512,
  "model_type": "bert", "num_attention_heads": 12, "num_hidden_layers": 6, "pad_token_id": 0,
  "position_embedding_type": "absolute", "type_vocab_size": 2, "vocab_size": 30522})";
  return c;
}

}  // namespace hitloop::ml::encoder
