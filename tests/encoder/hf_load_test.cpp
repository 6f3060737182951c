// A checkpoint `hitloop train` saves loads in Python transformers with the
// same logits. transformers is not a test dependency (Debian has no package),
// so hf_load_check.py loads the directory as transformers does -- config.json
// as AutoConfig reads it, the tokenizer files AutoTokenizer needs,
// model.safetensors parsed by hand with every tensor named as
// DistilBertForSequenceClassification / BertForSequenceClassification name
// theirs -- and runs their forward pass in NumPy (float64). The script is
// anchored to transformers itself: it accepts the fixtures transformers saved
// and gives the logits transformers computed for them (goldens.json).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ml/encoder/encoder_model.h"
#include "ml/encoder/safetensors.h"
#include "run.h"
#include "text/wordpiece_tokenizer.h"

namespace hitloop::e2e {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kFixtures = std::string(HITLOOP_FIXTURES) + "/hf-encoders";
const std::string kCheck = std::string(HITLOOP_SOURCE_DIR) + "/tests/encoder/hf_load_check.py";
// The files a saved checkpoint carries besides manifest.json, as the fixture
// (saved by transformers' save_pretrained) has them.
const char* kHfFiles[] = {"config.json",    "model.safetensors",     "vocab.txt",
                          "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"};
constexpr int kMaxLength = 64;

// Debian's python3 with NumPy; scripts/install-deps.sh installs both.
bool have_numpy() {
  static const bool ok = !std::string(HITLOOP_PYTHON3).empty() &&
                         run_command({}, {HITLOOP_PYTHON3, "-c", "import numpy"}).exit_code == 0;
  return ok;
}

// goldens.json's pair cases: the texts, and what transformers' tokenizer and
// models (the untrained fixtures) gave at max_length 64.
struct GoldenPair {
  std::string a, b;
  json encoding;  // input_ids, token_type_ids, and per architecture its logits
};

std::vector<GoldenPair> golden_pairs() {
  std::vector<GoldenPair> out;
  const json goldens = json::parse(read_text(kFixtures + "/goldens.json"));
  for (const json& c : goldens["cases"]) {
    if (c["kind"] != "pair") continue;
    for (const json& e : c["encodings"]) {
      if (e["max_length"] == kMaxLength) out.push_back({c["text_a"], c["text_b"], e});
    }
  }
  return out;
}

std::string csv_field(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

// Labeled rows from the golden pairs with an answer (an empty model_output
// is refused on import): each pair, then four inputs given another's answer.
std::string training_csv(const std::vector<GoldenPair>& pairs) {
  std::vector<const GoldenPair*> answered;
  for (const GoldenPair& p : pairs) {
    if (!p.b.empty()) answered.push_back(&p);
  }
  std::string csv = "model_input,model_output,good\n";
  auto row = [&](const std::string& a, const std::string& b, bool good) {
    csv += csv_field(a) + "," + csv_field(b) + "," + (good ? "1" : "0") + "\n";
  };
  for (size_t i = 0; i < answered.size(); ++i) row(answered[i]->a, answered[i]->b, i % 2);
  for (size_t i = 0; i < 4; ++i) row(answered[i]->a, answered[(i + 3) % answered.size()]->b, false);
  return csv;
}

// The artifact `hitloop train` saves after a short fine-tune of the fixture
// (one epoch of two steps at a large learning rate, so every weight moves);
// trained once per architecture and test run.
fs::path fine_tuned(const std::string& fixture) {
  // The training directories (with the broken copies the tests make in
  // them) are removed when the test process ends.
  static struct Dirs {
    std::map<std::string, fs::path> artifact, root;
    ~Dirs() {
      std::error_code ec;
      for (const auto& [fixture, dir] : root) fs::remove_all(dir, ec);
    }
  } done;
  if (done.artifact.count(fixture)) return done.artifact[fixture];
  fs::path dir = done.root[fixture] = fresh_dir("hf_load_" + fixture);
  write_text(dir / "train.csv", training_csv(golden_pairs()));
  const std::string db = (dir / "h.db").string(), csv = (dir / "train.csv").string(),
                    base = kFixtures + "/" + fixture, max_length = std::to_string(kMaxLength);
  std::vector<std::string> args = {
      "--db",     db,          "train", "--kind",       "encoder", "--base", base,   "--data",
      csv,        "--epochs",  "1",     "--batch-size", "8",       "--lr",   "1e-3", "--max-length",
      max_length, "--threads", "1",     "--seed",       "1"};
  RunResult r = run_hitloop(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("step 2/2"), std::string::npos) << r.err;
  return done.artifact[fixture] = dir / "h.models" / "v1";
}

// hf_load_check.py on `dir` with these rows.
RunResult check(const fs::path& dir, const json& rows) {
  static int counter = 0;
  fs::path input = fs::temp_directory_path() / ("hitloop_hf_rows_" + std::to_string(getpid()) +
                                                "_" + std::to_string(counter++) + ".json");
  write_text(input, json({{"rows", rows}}).dump());
  RunResult r = run_command({"PYTHONDONTWRITEBYTECODE=1"},
                            {HITLOOP_PYTHON3, kCheck, dir.string(), input.string()});
  fs::remove(input);
  return r;
}

json rows_of(const std::vector<GoldenPair>& pairs) {
  json rows = json::array();
  for (const GoldenPair& p : pairs) {
    rows.push_back(
        {{"input_ids", p.encoding["input_ids"]}, {"token_type_ids", p.encoding["token_type_ids"]}});
  }
  return rows;
}

// A copy of `from` to break in one way.
fs::path copy_of(const fs::path& from, const std::string& name) {
  fs::path to = from.parent_path() / name;
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
  return to;
}

struct Arch {
  std::string fixture, golden_key;  // tiny-distilbert, distilbert
};
void PrintTo(const Arch& arch, std::ostream* os) { *os << arch.fixture; }

class TransformersLoad : public ::testing::TestWithParam<Arch> {
 protected:
  void SetUp() override {
    if (!have_numpy()) GTEST_SKIP() << "python3 with NumPy is not installed";
  }
};

TEST_P(TransformersLoad, NumPyReferenceAcceptsTransformersOwnSaveAndGivesItsLogits) {
  std::vector<GoldenPair> pairs = golden_pairs();
  RunResult r = check(kFixtures + "/" + GetParam().fixture, rows_of(pairs));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json out = json::parse(r.out);
  ASSERT_EQ(out["logits"].size(), pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    for (int k = 0; k < 2; ++k) {
      EXPECT_NEAR(out["logits"][i][k].get<double>(),
                  pairs[i].encoding[GetParam().golden_key]["logits"][k].get<double>(), 1e-5)
          << "pair " << i;
    }
  }
}

TEST_P(TransformersLoad, FineTunedCheckpointGivesHitloopsLogitsWhenLoadedAsTransformersDoes) {
  fs::path artifact = fine_tuned(GetParam().fixture);
  const std::string base = kFixtures + "/" + GetParam().fixture;
  for (const char* f : kHfFiles) ASSERT_TRUE(fs::exists(artifact / f)) << f;
  // The tokenizer files are the base's, byte for byte: transformers'
  // tokenizer reads them as it read the fixture's for goldens.json.
  for (const char* f :
       {"vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}) {
    EXPECT_EQ(read_text(artifact / f), read_text(base + "/" + f)) << f;
  }

  std::vector<GoldenPair> pairs = golden_pairs();
  auto tokenizer = text::WordPieceTokenizer::load_dir(artifact.string());
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().message();
  json rows = json::array();
  std::vector<ml::TextPair> texts;
  for (const GoldenPair& p : pairs) {
    text::Encoding e = tokenizer->encode(p.a, p.b, kMaxLength);
    EXPECT_EQ(json(e.input_ids), p.encoding["input_ids"]) << p.a;
    EXPECT_EQ(json(e.token_type_ids), p.encoding["token_type_ids"]) << p.a;
    rows.push_back({{"input_ids", e.input_ids}, {"token_type_ids", e.token_type_ids}});
    texts.push_back({p.a, p.b});
  }
  auto model = ml::encoder::EncoderModel::load(artifact.string(), ml::LoadOptions{});
  ASSERT_TRUE(model.ok()) << model.status().message();
  ASSERT_EQ((*model)->max_length(), kMaxLength);
  auto logits = (*model)->logits(texts);
  ASSERT_TRUE(logits.ok()) << logits.status().message();

  RunResult r = check(artifact, rows);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json out = json::parse(r.out);
  EXPECT_EQ(out["num_labels"], 2);
  ASSERT_EQ(out["logits"].size(), pairs.size());
  double moved = 0;  // how far fine-tuning took the logits from the fixture's
  double apart = 0;  // how far hitloop's are from transformers' (reported in the XML output)
  for (size_t i = 0; i < pairs.size(); ++i) {
    for (size_t k = 0; k < 2; ++k) {
      EXPECT_NEAR(out["logits"][i][k].get<double>(), (*logits)[i][k], 1e-4) << "pair " << i;
      apart = std::max(apart, std::abs(out["logits"][i][k].get<double>() - (*logits)[i][k]));
      moved = std::max(
          moved, std::abs((*logits)[i][k] -
                          pairs[i].encoding[GetParam().golden_key]["logits"][k].get<double>()));
    }
  }
  EXPECT_GT(moved, 1e-2) << "the weights must differ from the fixture's";
  std::ostringstream figures;
  figures << std::setprecision(3) << apart << " (fine-tuning moved them by up to " << moved << ")";
  RecordProperty("max_logit_difference", figures.str());
}

TEST_P(TransformersLoad, MisnamedOrMissingTensorFailsTheCheck) {
  fs::path artifact = fine_tuned(GetParam().fixture);
  auto file = ml::encoder::SafetensorsFile::read((artifact / "model.safetensors").string());
  ASSERT_TRUE(file.ok()) << file.status().message();
  const std::string head = file->tensors().front().name;  // e.g. the word embeddings
  // Without the architecture prefix: a name transformers does not map back.
  const std::string renamed = head.substr(head.find('.') + 1);
  std::vector<ml::encoder::TensorView> kept, bare;
  for (const auto& e : file->tensors()) {
    ml::encoder::TensorView v{e.name, e.dtype, e.shape, file->data(e), e.nbytes};
    if (e.name == head) v.name = renamed;
    bare.push_back(v);
    if (e.name.rfind("classifier.", 0) != 0)
      kept.push_back({e.name, e.dtype, e.shape, file->data(e), e.nbytes});
  }
  json rows = rows_of(golden_pairs());

  fs::path misnamed = copy_of(artifact, "misnamed");
  ASSERT_TRUE(ml::encoder::write_safetensors((misnamed / "model.safetensors").string(), bare,
                                             {{"format", "pt"}})
                  .ok());
  RunResult r = check(misnamed, rows);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing tensors (transformers would initialise them at random): " + head),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("unexpected tensors (transformers would ignore them): " + renamed),
            std::string::npos)
      << r.err;

  fs::path headless = copy_of(artifact, "headless");
  ASSERT_TRUE(ml::encoder::write_safetensors((headless / "model.safetensors").string(), kept,
                                             {{"format", "pt"}})
                  .ok());
  r = check(headless, rows);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("classifier.weight, classifier.bias"), std::string::npos) << r.err;
}

TEST_P(TransformersLoad, MissingConfigKeyOrTokenizerFilesFailTheCheck) {
  fs::path artifact = fine_tuned(GetParam().fixture);
  json rows = rows_of(golden_pairs());
  json config = json::parse(read_text(artifact / "config.json"));
  const std::string width = GetParam().golden_key == "bert" ? "hidden_size" : "dim";
  struct Case {
    std::string key, message;
  };
  for (const Case& c : {Case{width, "config.json: " + width + " is missing"},
                        Case{"architectures", "config.json: architectures is None"},
                        Case{"id2label", "config.json: id2label None"},
                        Case{"model_type", "config.json: model_type is None"}}) {
    fs::path broken = copy_of(artifact, "no-" + c.key);
    json edited = config;
    edited.erase(c.key);
    write_text(broken / "config.json", edited.dump(2));
    RunResult r = check(broken, rows);
    EXPECT_EQ(r.exit_code, 1) << c.key;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }

  fs::path no_tokenizer = copy_of(artifact, "no-tokenizer");
  fs::remove(no_tokenizer / "vocab.txt");
  fs::remove(no_tokenizer / "tokenizer.json");
  RunResult r = check(no_tokenizer, rows);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no vocab.txt or tokenizer.json"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TransformersLoad,
                         ::testing::Values(Arch{"tiny-distilbert", "distilbert"},
                                           Arch{"tiny-bert", "bert"}),
                         [](const auto& info) { return info.param.golden_key; });

}  // namespace
}  // namespace hitloop::e2e
