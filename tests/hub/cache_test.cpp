// The HF cache as Python leaves it: found through refs/ and snapshots/,
// used without the network, and offline mode's errors.
#include <gtest/gtest.h>

#include <cstdlib>

#include "fake_hub.h"
#include "hub/hf_cache.h"
#include "hub/hub_env.h"
#include "hub/resolve.h"
#include "hub_test_util.h"

namespace hitloop::hub::testing {
namespace {

namespace fs = std::filesystem;

HubEnv env_for(const fs::path& cache, const std::string& endpoint, bool offline = false) {
  HubEnv env;
  env.cache_dir = cache;
  env.endpoint = endpoint;
  env.offline = offline;
  return env;
}

TEST(HfCache, FindsASnapshotThroughRefsAndBlobSymlinks) {
  TempDir dir("cache_symlinks");
  lay_out_cache(dir.path(), "org/tiny", "main", kCommit, fixture_files("tiny-distilbert"));
  HfCache cache(dir.path());
  Result<fs::path> found = cache.find_checkpoint(*parse_model_ref("org/tiny"));
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, dir.path() / "models--org--tiny" / "snapshots" / kCommit);
  EXPECT_TRUE(fs::is_symlink(*found / "model.safetensors"));
  EXPECT_EQ(read_file(*found / "config.json"), fixture_files("tiny-distilbert")["config.json"]);
}

TEST(HfCache, AcceptsPlainFilesInASnapshot) {
  TempDir dir("cache_plain");
  lay_out_cache(dir.path(), "tiny-bert", "main", kCommit, fixture_files("tiny-bert"),
                /*symlinks=*/false);
  Result<fs::path> found = HfCache(dir.path()).find_checkpoint(*parse_model_ref("tiny-bert"));
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, dir.path() / "models--tiny-bert" / "snapshots" / kCommit);
}

TEST(HfCache, ACommitRevisionGoesStraightToItsSnapshot) {
  TempDir dir("cache_commit");
  lay_out_cache(dir.path(), "org/tiny", "v1", kOtherCommit, fixture_files("tiny-bert"));
  HfCache cache(dir.path());
  Result<fs::path> found = cache.find_checkpoint(*parse_model_ref("org/tiny@" + kOtherCommit));
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->filename(), kOtherCommit);
  EXPECT_TRUE(cache.find_checkpoint(*parse_model_ref("org/tiny@v1")).ok());
  // No ref for main: not in the cache.
  EXPECT_TRUE(cache.find_checkpoint(*parse_model_ref("org/tiny")).status().is_not_found());
}

TEST(HfCache, NamesTheMissingFileOfAnIncompleteSnapshot) {
  TempDir dir("cache_incomplete");
  auto files = fixture_files("tiny-distilbert");
  files.erase("model.safetensors");
  files.erase("pytorch_model.bin");
  lay_out_cache(dir.path(), "org/tiny", "main", kCommit, files);
  // A dangling symlink (a blob deleted by hand) counts as missing too.
  fs::path snapshot = dir.path() / "models--org--tiny" / "snapshots" / kCommit;
  fs::create_symlink("../../blobs/gone", snapshot / "model.safetensors");
  Result<fs::path> found = HfCache(dir.path()).find_checkpoint(*parse_model_ref("org/tiny"));
  ASSERT_TRUE(found.status().is_not_found());
  EXPECT_EQ(found.status().message(),
            "no model.safetensors or pytorch_model.bin in " + snapshot.string());
}

TEST(HfCache, RefusesARefThatHoldsNoCommit) {
  TempDir dir("cache_bad_ref");
  write_file(dir.path() / "models--org--tiny" / "refs" / "main", "../../../etc\n");
  Result<fs::path> found = HfCache(dir.path()).find_checkpoint(*parse_model_ref("org/tiny"));
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kIoError);
  EXPECT_NE(found.status().message().find("does not hold a commit hash"), std::string::npos);
}

// Sets environment variables for one test and puts them back.
class ScopedEnv {
 public:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      it->second ? setenv(it->first.c_str(), it->second->c_str(), 1) : unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(HubEnv, CacheDirFollowsHfHubCacheThenHfHomeThenHome) {
  ScopedEnv env;
  for (const char* v : {"HF_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME", "HF_ENDPOINT", "HF_TOKEN",
                        "HF_TOKEN_PATH", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"}) {
    env.set(v, nullptr);
  }
  env.set("HOME", "/home/someone");
  EXPECT_EQ(HubEnv::from_environment()->cache_dir, "/home/someone/.cache/huggingface/hub");
  EXPECT_EQ(HubEnv::from_environment()->endpoint, "https://huggingface.co");
  EXPECT_FALSE(HubEnv::from_environment()->offline);
  env.set("HF_HOME", "/data/hf");
  EXPECT_EQ(HubEnv::from_environment()->cache_dir, "/data/hf/hub");
  env.set("HF_HUB_CACHE", "/fast/hub");
  EXPECT_EQ(HubEnv::from_environment()->cache_dir, "/fast/hub");
  env.set("HF_ENDPOINT", "http://127.0.0.1:9/");
  EXPECT_EQ(HubEnv::from_environment()->endpoint, "http://127.0.0.1:9");
  env.set("HF_HUB_OFFLINE", "True");
  EXPECT_TRUE(HubEnv::from_environment()->offline);
  env.set("HF_ENDPOINT", "file:///etc");
  EXPECT_TRUE(HubEnv::from_environment().status().is_invalid_argument());
  env.set("HF_ENDPOINT", nullptr);
  env.set("HF_TOKEN", "hf_abc\r\nX-Evil: 1");
  EXPECT_TRUE(HubEnv::from_environment().status().is_invalid_argument());
}

TEST(HubEnv, TokenComesFromHfTokenElseTheSavedLoginFile) {
  TempDir dir("token_file");
  ScopedEnv env;
  for (const char* v : {"HF_HUB_CACHE", "XDG_CACHE_HOME", "HF_TOKEN", "HF_TOKEN_PATH"}) {
    env.set(v, nullptr);
  }
  env.set("HF_HOME", dir.path().c_str());
  EXPECT_EQ(HubEnv::from_environment()->token, "");
  write_file(dir.path() / "token", "hf_saved_login\n");  // as huggingface-cli login leaves it
  EXPECT_EQ(HubEnv::from_environment()->token, "hf_saved_login");
  write_file(dir.path() / "elsewhere", "  hf_from_path \r\n");
  env.set("HF_TOKEN_PATH", (dir.path() / "elsewhere").c_str());
  EXPECT_EQ(HubEnv::from_environment()->token, "hf_from_path");
  env.set("HF_TOKEN", "hf_from_env");
  EXPECT_EQ(HubEnv::from_environment()->token, "hf_from_env");
  env.set("HF_TOKEN", nullptr);
  write_file(dir.path() / "elsewhere", "hf_a\nX-Evil: 1\n");
  EXPECT_TRUE(HubEnv::from_environment().status().is_invalid_argument());
}

TEST(Resolve, UsesAnExistingDirectoryAsItIs) {
  RecordingObserver observer;
  fs::path fixture = fs::path(HITLOOP_FIXTURES) / "hf-encoders" / "tiny-bert";
  Result<fs::path> found = resolve_checkpoint(fixture.string(), observer);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, fixture.lexically_normal());
}

TEST(Resolve, UsesTheCacheWithoutTouchingTheNetwork) {
  TempDir dir("resolve_cached");
  FakeHub hub;
  lay_out_cache(dir.path(), "org/tiny", "main", kCommit, fixture_files("tiny-distilbert"));
  RecordingObserver observer;
  Result<fs::path> found =
      resolve_checkpoint("org/tiny", env_for(dir.path(), hub.endpoint()), observer);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->filename(), kCommit);
  EXPECT_TRUE(hub.requests().empty());
  EXPECT_EQ(observer.notes, "");
}

TEST(Resolve, OfflineSaysWhichFileIsMissingWhere) {
  TempDir dir("resolve_offline");
  RecordingObserver observer;
  Result<fs::path> missing =
      resolve_checkpoint("org/absent", env_for(dir.path(), kDefaultEndpoint, true), observer);
  ASSERT_TRUE(missing.status().is_not_found());
  EXPECT_EQ(missing.status().message(),
            "HF_HUB_OFFLINE is set and org/absent is not in the HF cache: no " +
                (dir.path() / "models--org--absent" / "refs" / "main").string());

  auto files = fixture_files("tiny-distilbert");
  files.erase("vocab.txt");
  files.erase("tokenizer.json");
  lay_out_cache(dir.path(), "org/half", "main", kCommit, files);
  Result<fs::path> half =
      resolve_checkpoint("org/half", env_for(dir.path(), kDefaultEndpoint, true), observer);
  ASSERT_TRUE(half.status().is_not_found());
  EXPECT_NE(half.status().message().find(
                "no vocab.txt or tokenizer.json in " +
                (dir.path() / "models--org--half" / "snapshots" / kCommit).string()),
            std::string::npos)
      << half.status().message();
}

TEST(Resolve, OfflineNeverTouchesTheNetwork) {
  TempDir dir("resolve_offline_hub");
  FakeHub hub;
  hub.add_repo("org/tiny", kCommit, fixture_files("tiny-distilbert"));
  RecordingObserver observer;
  Result<fs::path> r =
      resolve_checkpoint("org/tiny", env_for(dir.path(), hub.endpoint(), true), observer);
  EXPECT_TRUE(r.status().is_not_found());
  EXPECT_TRUE(hub.requests().empty());
  EXPECT_FALSE(fs::exists(dir.path() / "models--org--tiny"));
}

TEST(Resolve, ANameThatIsNeitherDirectoryNorModelIsAnInvalidArgument) {
  RecordingObserver observer;
  Result<fs::path> r =
      resolve_checkpoint("./no/such/dir", env_for("/nonexistent", kDefaultEndpoint), observer);
  ASSERT_TRUE(r.status().is_invalid_argument());
  EXPECT_NE(r.status().message().find("neither a directory nor a hub model name"),
            std::string::npos);
}

}  // namespace
}  // namespace hitloop::hub::testing
