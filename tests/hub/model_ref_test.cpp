#include "hub/model_ref.h"

#include <gtest/gtest.h>

#include "hub/checkpoint_files.h"

namespace hitloop::hub {
namespace {

TEST(ModelRef, ParsesOrgNameAndRevision) {
  Result<ModelRef> ref = parse_model_ref("sentence-transformers/all-MiniLM-L6-v2@v1.0");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  EXPECT_EQ(ref->repo_id, "sentence-transformers/all-MiniLM-L6-v2");
  EXPECT_EQ(ref->revision, "v1.0");
  EXPECT_EQ(ref->display(), "sentence-transformers/all-MiniLM-L6-v2@v1.0");
}

TEST(ModelRef, ParsesABareNameOnTheDefaultRevision) {
  Result<ModelRef> ref = parse_model_ref("distilbert-base-uncased");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->repo_id, "distilbert-base-uncased");
  EXPECT_EQ(ref->revision, "main");
  EXPECT_EQ(ref->display(), "distilbert-base-uncased");
}

TEST(ModelRef, RevisionMayBeACommitOrAPullRequestRef) {
  EXPECT_TRUE(parse_model_ref("org/m@0123456789abcdef0123456789abcdef01234567").ok());
  EXPECT_TRUE(parse_model_ref("org/m@refs/pr/1").ok());
  EXPECT_TRUE(is_commit_hash("0123456789abcdef0123456789abcdef01234567"));
  EXPECT_FALSE(is_commit_hash("0123456789ABCDEF0123456789abcdef01234567"));
}

TEST(ModelRef, RefusesPathsTraversalAndCharactersTheHubRefuses) {
  for (const char* bad : {"", "./model", "/abs/model", "../model", "a/b/c", "org/..", "org/a..b",
                          "org--x/m", "-org/m", "org/m.", "org/m b", "org\\m", "org/m@",
                          "org/m@../x", "org/m@a//b", "org/m@/x", "org/m@a\nb", "org/m@x@y"}) {
    Result<ModelRef> ref = parse_model_ref(bad);
    EXPECT_TRUE(ref.status().is_invalid_argument()) << bad;
  }
  EXPECT_FALSE(is_valid_repo_id(std::string(97, 'a')));
}

TEST(RepoFile, RefusesAbsoluteDotDotAndBackslashNames) {
  EXPECT_TRUE(is_safe_repo_file("config.json"));
  EXPECT_TRUE(is_safe_repo_file("1_Pooling/config.json"));
  for (const char* bad :
       {"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a\\b", "a/", "x\ny"}) {
    EXPECT_FALSE(is_safe_repo_file(bad)) << bad;
  }
}

TEST(CheckpointFiles, TakesSafetensorsOverBinAndOnlyWhatIsNeeded) {
  Result<std::vector<std::string>> files = checkpoint_files(
      {".gitattributes", "README.md", "config.json", "model.safetensors", "pytorch_model.bin",
       "tf_model.h5", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "modules.json"},
      "org/m");
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{"config.json", "vocab.txt", "tokenizer.json",
                                              "model.safetensors", "tokenizer_config.json",
                                              "modules.json"}));
}

TEST(CheckpointFiles, NamesWhatARepoWithoutWeightsLacks) {
  Result<std::vector<std::string>> files =
      checkpoint_files({"config.json", "vocab.txt", "model.onnx"}, "org/m");
  ASSERT_FALSE(files.ok());
  EXPECT_TRUE(files.status().is_not_found());
  EXPECT_NE(files.status().message().find("model.safetensors or pytorch_model.bin"),
            std::string::npos);
}

TEST(CheckpointFiles, ModuleDirsComeFromModulesJsonAndAreChecked) {
  Result<std::vector<std::string>> dirs = module_dirs(
      R"([{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
          {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
          {"idx":2,"name":"2","path":"2_Normalize","type":"sentence_transformers.models.Normalize"}])");
  ASSERT_TRUE(dirs.ok());
  EXPECT_EQ(*dirs, (std::vector<std::string>{"1_Pooling", "2_Normalize"}));
  Result<std::vector<std::string>> files =
      files_in_dirs({"config.json", "1_Pooling/config.json", "1_PoolingX/a"}, *dirs);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, std::vector<std::string>{"1_Pooling/config.json"});

  EXPECT_FALSE(module_dirs(R"([{"path":"../../etc"}])").ok());
  EXPECT_FALSE(module_dirs(R"({"path":"x"})").ok());
  EXPECT_FALSE(module_dirs("[{\"path\": 3}]").ok());
  EXPECT_FALSE(module_dirs("not json").ok());
}

}  // namespace
}  // namespace hitloop::hub
