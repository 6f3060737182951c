#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_files.h"
#include "text/wordpiece_tokenizer.h"

namespace hitloop::text {
namespace {

using nlohmann::json;
using Tokens = std::vector<std::string>;

const char* kVocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nHello\nworld\n##s\n";

// A minimal tokenizer.json as `tokenizers` writes it for BERT.
json tokenizer_json(bool lowercase = true) {
  json vocab = {{"[PAD]", 0},  {"[UNK]", 1}, {"[CLS]", 2}, {"[SEP]", 3},
                {"[MASK]", 4}, {"hello", 5}, {"Hello", 6}, {"world", 7}};
  json added = json::array();
  for (const auto& [name, id] : {std::pair{"[PAD]", 0}, {"[UNK]", 1}, {"[CLS]", 2}, {"[SEP]", 3}}) {
    added.push_back({{"id", id},
                     {"content", name},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", true}});
  }
  return {{"version", "1.0"},
          {"added_tokens", added},
          {"normalizer",
           {{"type", "BertNormalizer"},
            {"clean_text", true},
            {"handle_chinese_chars", true},
            {"strip_accents", nullptr},
            {"lowercase", lowercase}}},
          {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
          {"model",
           {{"type", "WordPiece"},
            {"unk_token", "[UNK]"},
            {"continuing_subword_prefix", "##"},
            {"max_input_chars_per_word", 100},
            {"vocab", vocab}}}};
}

void expect_invalid(const Status& status, const std::string& file, const std::string& reason) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.message();
  EXPECT_NE(status.message().find(file), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(reason), std::string::npos) << status.message();
}

TEST(VocabTxt, AssignsIdsByLineAndAcceptsWindowsLineEndings) {
  TempDir dir;
  auto t = WordPieceTokenizer::from_vocab_file(
      dir.write("vocab.txt", "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhello\r\n"));
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->token_ids("Hello"), (std::vector<int64_t>{4}));
  EXPECT_EQ(t->vocab_size(), 5);
  EXPECT_EQ(t->id_to_token(4), "hello");
}

TEST(VocabTxt, MissingFileIsRefusedWithItsName) {
  auto t = WordPieceTokenizer::from_vocab_file("/nonexistent/vocab.txt");
  expect_invalid(t.status(), "/nonexistent/vocab.txt", "no such file");
}

TEST(VocabTxt, EmptyFileIsRefused) {
  TempDir dir;
  const std::string path = dir.write("vocab.txt", "");
  expect_invalid(WordPieceTokenizer::from_vocab_file(path).status(), path, "empty");
}

TEST(VocabTxt, VocabularyWithoutUnkClsSepOrPadIsRefused) {
  const Tokens all{"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
  for (const std::string& missing : all) {
    TempDir dir;
    std::string content;
    for (const std::string& t : all) {
      if (t != missing) content += t + "\n";
    }
    content += "hello\n";
    const std::string path = dir.write("vocab.txt", content);
    expect_invalid(WordPieceTokenizer::from_vocab_file(path).status(), path, missing);
  }
}

TEST(VocabTxt, MaskIsOptional) {
  auto t =
      WordPieceTokenizer::from_tokens({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[", "mask", "]"}, {});
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->tokenize("[MASK]"), (Tokens{"[", "mask", "]"}));
}

TEST(LoadDir, UsesTokenizerConfigForAVocabTxtDirectory) {
  TempDir dir;
  dir.write("vocab.txt", kVocab);
  dir.write("tokenizer_config.json", R"({"do_lower_case": false, "strip_accents": null})");
  auto t = WordPieceTokenizer::load_dir(dir.path().string());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->tokenize("Hello hello"), (Tokens{"Hello", "hello"}));
}

TEST(LoadDir, LowercasesAVocabTxtDirectoryWithoutTokenizerConfig) {
  TempDir dir;
  dir.write("vocab.txt", kVocab);
  auto t = WordPieceTokenizer::load_dir(dir.path().string());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->tokenize("Hello"), (Tokens{"hello"}));
}

TEST(LoadDir, PrefersTokenizerJsonOverVocabTxt) {
  TempDir dir;
  dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nworld\n");
  dir.write("tokenizer.json", tokenizer_json().dump());
  auto t = WordPieceTokenizer::load_dir(dir.path().string());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->token_ids("world"), (std::vector<int64_t>{7}));
}

TEST(LoadDir, LetsTokenizerConfigOverrideTheTokenizerJsonNormalizer) {
  TempDir dir;
  dir.write("tokenizer.json", tokenizer_json(/*lowercase=*/true).dump());
  dir.write("tokenizer_config.json", R"({"do_lower_case": false})");
  auto t = WordPieceTokenizer::load_dir(dir.path().string());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->tokenize("Hello"), (Tokens{"Hello"}));
  auto direct = WordPieceTokenizer::from_tokenizer_json((dir.path() / "tokenizer.json").string());
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct->tokenize("Hello"), (Tokens{"hello"}));
}

TEST(LoadDir, RefusesAMissingDirectoryOrOneWithoutVocabulary) {
  expect_invalid(WordPieceTokenizer::load_dir("/nonexistent/model").status(), "/nonexistent/model",
                 "not a directory");
  TempDir dir;
  expect_invalid(WordPieceTokenizer::load_dir(dir.path().string()).status(), dir.path().string(),
                 "neither tokenizer.json nor vocab.txt");
}

TEST(LoadDir, RefusesAMalformedTokenizerConfig) {
  TempDir dir;
  dir.write("vocab.txt", kVocab);
  const std::string path = dir.write("tokenizer_config.json", R"({"do_lower_case": "yes"})");
  expect_invalid(WordPieceTokenizer::load_dir(dir.path().string()).status(), path, "do_lower_case");
}

TEST(TokenizerJson, ReadsTheModelAndNormalizerSettings) {
  TempDir dir;
  json doc = tokenizer_json(/*lowercase=*/false);
  doc["model"]["max_input_chars_per_word"] = 4;
  auto t = WordPieceTokenizer::from_tokenizer_json(dir.write("tokenizer.json", doc.dump()));
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->tokenize("Hello hello"), (Tokens{"[UNK]", "[UNK]"}));  // over 4 characters
  EXPECT_EQ(t->tokenize("[SEP][MASK]"), (Tokens{"[SEP]", "[UNK]", "[UNK]", "[UNK]"}));
}

TEST(TokenizerJson, SplitsOutAddedTokensMissingFromTheModelVocabulary) {
  TempDir dir;
  json doc = tokenizer_json();
  doc["added_tokens"].push_back({{"id", 30},
                                 {"content", "<extra>"},
                                 {"normalized", false},
                                 {"special", true},
                                 {"single_word", false}});
  auto t = WordPieceTokenizer::from_tokenizer_json(dir.write("tokenizer.json", doc.dump()));
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->token_ids("hello<extra>world"), (std::vector<int64_t>{5, 30, 7}));
  EXPECT_EQ(t->id_to_token(30), "<extra>");
  EXPECT_EQ(t->vocab_size(), 31);
}

TEST(TokenizerJson, MalformedJsonIsRefusedWithTheFileName) {
  TempDir dir;
  const std::string path = dir.write("tokenizer.json", R"({"model": {"type": "WordPiece",)");
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path, "malformed JSON");
}

TEST(TokenizerJson, ModelOtherThanWordPieceIsRefused) {
  TempDir dir;
  json doc = tokenizer_json();
  doc["model"]["type"] = "BPE";
  const std::string path = dir.write("tokenizer.json", doc.dump());
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path,
                 "BPE, not WordPiece");
}

TEST(TokenizerJson, OtherNormalizersAndPreTokenizersAreRefused) {
  TempDir dir;
  json doc = tokenizer_json();
  doc["normalizer"] = {{"type", "NFKC"}};
  std::string path = dir.write("a.json", doc.dump());
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path,
                 "unsupported normalizer");
  doc = tokenizer_json();
  doc["pre_tokenizer"] = {{"type", "Whitespace"}};
  path = dir.write("b.json", doc.dump());
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path,
                 "unsupported pre_tokenizer");
}

TEST(TokenizerJson, ValuesOfTheWrongTypeAreRefusedNotThrown) {
  TempDir dir;
  json doc = tokenizer_json();
  doc["normalizer"]["lowercase"] = "yes";
  std::string path = dir.write("a.json", doc.dump());
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path, "lowercase");
  doc = tokenizer_json();
  doc["model"]["vocab"]["hello"] = -5;
  path = dir.write("b.json", doc.dump());
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path, "hello");
  doc = tokenizer_json();
  doc["added_tokens"][0]["normalized"] = "no";
  path = dir.write("c.json", doc.dump());
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path, "normalized");
  doc = tokenizer_json();
  doc["model"]["vocab"] = json::object();
  path = dir.write("d.json", doc.dump());
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path, "empty");
}

TEST(TokenizerJson, NormalizedAddedTokensAreRefusedAsUnsupported) {
  TempDir dir;
  json doc = tokenizer_json();
  doc["added_tokens"][0]["normalized"] = true;
  const std::string path = dir.write("tokenizer.json", doc.dump());
  expect_invalid(WordPieceTokenizer::from_tokenizer_json(path).status(), path, "not supported");
}

}  // namespace
}  // namespace hitloop::text
