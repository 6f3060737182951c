// Downloads from a hub on loopback (fake_hub.h) into the cache layout:
// only the needed files, redirects, 404s, cut transfers resumed, checksum
// mismatches refused, hostile API answers refused.
#include <gtest/gtest.h>

#include "fake_hub.h"
#include "hub/blob_fetch.h"
#include "hub/hf_download.h"
#include "hub/resolve.h"
#include "hub_test_util.h"

namespace hitloop::hub::testing {
namespace {

namespace fs = std::filesystem;

class Download : public ::testing::Test {
 protected:
  Download() : dir_(::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    hub_.add_repo("org/tiny", kCommit, fixture_files("tiny-distilbert"));
    env_.cache_dir = dir_.path() / "hub";
    env_.endpoint = hub_.endpoint();
  }
  Result<fs::path> resolve(const std::string& name) {
    return resolve_checkpoint(name, env_, observer_);
  }
  fs::path repo_dir(const std::string& folder = "models--org--tiny") const {
    return env_.cache_dir / folder;
  }
  fs::path blob_of(const std::string& file) const {
    return repo_dir() / "blobs" / FakeHub::sha256(fixture_files("tiny-distilbert").at(file));
  }

  TempDir dir_;
  FakeHub hub_;
  HubEnv env_;
  RecordingObserver observer_;
};

TEST_F(Download, FetchesOnlyTheNeededFilesIntoTheCacheLayout) {
  Result<fs::path> snapshot = resolve("org/tiny");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
  EXPECT_EQ(*snapshot, repo_dir() / "snapshots" / kCommit);
  EXPECT_EQ(read_file(repo_dir() / "refs" / "main"), kCommit);

  auto fixture = fixture_files("tiny-distilbert");
  for (const char* f : {"config.json", "model.safetensors", "vocab.txt", "tokenizer.json",
                        "tokenizer_config.json", "special_tokens_map.json"}) {
    EXPECT_TRUE(fs::is_symlink(*snapshot / f)) << f;
    EXPECT_EQ(read_file(*snapshot / f), fixture.at(f)) << f;
  }
  // The weights' blob is named by its sha256, as huggingface_hub names it.
  EXPECT_EQ(fs::read_symlink(*snapshot / "model.safetensors"),
            fs::path("../../blobs") / FakeHub::sha256(fixture.at("model.safetensors")));
  EXPECT_FALSE(fs::exists(*snapshot / "pytorch_model.bin"));
  EXPECT_EQ(hub_.count_requests("pytorch_model.bin"), 0u);
  for (const auto& e : fs::directory_iterator(repo_dir() / "blobs")) {
    EXPECT_EQ(e.path().extension(), "") << e.path();  // nothing .incomplete left
  }
  EXPECT_NE(observer_.notes.find("fetching org/tiny from " + hub_.endpoint()), std::string::npos);
  EXPECT_EQ(observer_.last_done,
            static_cast<int64_t>(fixture.at("special_tokens_map.json").size()));
}

TEST_F(Download, FollowsTheRedirectOfLfsFilesToTheCdn) {
  ASSERT_TRUE(resolve("org/tiny").ok());
  std::string sha = FakeHub::sha256(fixture_files("tiny-distilbert").at("model.safetensors"));
  EXPECT_EQ(hub_.count_requests("HEAD /org/tiny/resolve/" + kCommit + "/model.safetensors"), 1u);
  EXPECT_EQ(hub_.count_requests("GET /cdn/" + sha), 1u);
  EXPECT_EQ(hub_.count_requests("HEAD /cdn/"), 0u);  // the hub's own headers are read
}

TEST_F(Download, ASecondResolutionUsesTheCacheAlone) {
  ASSERT_TRUE(resolve("org/tiny").ok());
  size_t before = hub_.requests().size();
  Result<fs::path> again = resolve("org/tiny");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(hub_.requests().size(), before);
}

TEST_F(Download, ResumesACutTransferWithARangeRequest) {
  hub_.cut_next_transfer("model.safetensors", 1000000);
  Result<fs::path> snapshot = resolve("org/tiny");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
  std::string sha = FakeHub::sha256(fixture_files("tiny-distilbert").at("model.safetensors"));
  EXPECT_EQ(hub_.count_requests("GET /cdn/" + sha + " Range: bytes=1000000-"), 1u);
  EXPECT_EQ(read_file(*snapshot / "model.safetensors"),
            fixture_files("tiny-distilbert").at("model.safetensors"));
  EXPECT_NE(observer_.notes.find("resuming"), std::string::npos) << observer_.notes;
}

TEST_F(Download, ResumesWhatAnEarlierRunLeftIncomplete) {
  std::string weights = fixture_files("tiny-distilbert").at("model.safetensors");
  write_file(blob_of("model.safetensors").string() + ".incomplete", weights.substr(0, 123456));
  Result<fs::path> snapshot = resolve("org/tiny");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
  EXPECT_EQ(hub_.count_requests("GET /cdn/" + FakeHub::sha256(weights) + " Range: bytes=123456-"),
            1u);
  EXPECT_EQ(read_file(*snapshot / "model.safetensors"), weights);
  EXPECT_FALSE(fs::exists(blob_of("model.safetensors").string() + ".incomplete"));
}

TEST_F(Download, RefusesAChecksumMismatch) {
  hub_.corrupt("model.safetensors");
  Result<fs::path> snapshot = resolve("org/tiny");
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), StatusCode::kIoError);
  EXPECT_NE(snapshot.status().message().find("model.safetensors: sha256 mismatch, refused"),
            std::string::npos)
      << snapshot.status().message();
  // Neither the blob nor a partial file nor a snapshot entry nor a ref.
  EXPECT_FALSE(fs::exists(blob_of("model.safetensors")));
  EXPECT_FALSE(fs::exists(blob_of("model.safetensors").string() + ".incomplete"));
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots" / kCommit / "model.safetensors"));
  EXPECT_FALSE(fs::exists(repo_dir() / "refs" / "main"));
}

TEST_F(Download, AListedFileTheHubDoesNotServeIsNotFound) {
  hub_.answer_404("vocab.txt");
  Result<fs::path> snapshot = resolve("org/tiny");
  ASSERT_TRUE(snapshot.status().is_not_found()) << snapshot.status().message();
  EXPECT_NE(
      snapshot.status().message().find("vocab.txt at " + hub_.endpoint() + "/org/tiny/resolve/" +
                                       kCommit + "/vocab.txt: HTTP 404 (Entry not found)"),
      std::string::npos)
      << snapshot.status().message();
}

TEST_F(Download, AnUnknownRepoSaysSoAndHintsAtTheToken) {
  Result<fs::path> r = resolve("org/nothing");
  ASSERT_TRUE(r.status().is_unauthenticated()) << r.status().message();
  EXPECT_NE(r.status().message().find("org/nothing on " + hub_.endpoint() +
                                      ": HTTP 401 (Repository not found); a private or gated "
                                      "model needs HF_TOKEN"),
            std::string::npos)
      << r.status().message();
  Result<fs::path> rev = resolve("org/tiny@no-such-branch");
  EXPECT_TRUE(rev.status().is_not_found()) << rev.status().message();
}

TEST_F(Download, SendsHfTokenAsABearerToken) {
  hub_.require_token("hf_secret");
  EXPECT_TRUE(resolve("org/tiny").status().is_unauthenticated());
  env_.token = "hf_secret";
  Result<fs::path> snapshot = resolve("org/tiny");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
  EXPECT_GT(hub_.count_requests("Bearer hf_secret"), 0u);
}

TEST_F(Download, RefusesUnsafeFileNamesFromTheApi) {
  for (const char* name : {"../../escape.json", "/etc/passwd", "a\\b"}) {
    FakeHub hub;
    hub.add_repo("org/tiny", kCommit, fixture_files("tiny-distilbert"));
    hub.list_file("org/tiny", name);
    env_.endpoint = hub.endpoint();
    Result<fs::path> r = resolve("org/tiny");
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().message().find("unsafe file name"), std::string::npos)
        << r.status().message();
    EXPECT_EQ(hub.count_requests("/resolve/"), 0u);
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "escape.json"));
}

TEST_F(Download, ReportsAMalformedApiAnswerClearly) {
  const std::pair<const char*, const char*> cases[] = {
      {"{not json", "the answer is not JSON"},
      {R"({"sha": "../../x", "siblings": []})", "no commit hash"},
      {R"({"sha": "0123456789abcdef0123456789abcdef01234567"})", "no file list"},
      {R"({"sha": "0123456789abcdef0123456789abcdef01234567", "siblings": [{"rfilename": 7}]})",
       "a file without a name"},
      {R"({"sha": "0123456789abcdef0123456789abcdef01234567", "siblings": []})",
       "has no config.json"}};
  for (const auto& [body, expected] : cases) {
    hub_.api_body("org/tiny", body);
    Result<fs::path> r = resolve("org/tiny");
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_NE(r.status().message().find(expected), std::string::npos) << r.status().message();
  }
}

TEST_F(Download, RefusesAnAnnouncedSizeOverTheBound) {
  hub_.announce_size("model.safetensors", "99999999999999");
  Result<fs::path> r = resolve("org/tiny");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("over the 64.0 GB accepted"), std::string::npos)
      << r.status().message();
  hub_.announce_size("model.safetensors", "12abc");
  EXPECT_NE(resolve("org/tiny").status().message().find("announced no size"), std::string::npos);
}

TEST_F(Download, RefusesMoreBytesThanAnnounced) {
  std::string weights = fixture_files("tiny-distilbert").at("model.safetensors");
  hub_.announce_size("model.safetensors", std::to_string(weights.size() - 10));
  Result<fs::path> r = resolve("org/tiny");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sent more than the"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(fs::exists(blob_of("model.safetensors").string() + ".incomplete"));
}

TEST_F(Download, TakesSentenceTransformersModuleFiles) {
  auto files = fixture_files("tiny-bert");
  files["modules.json"] =
      R"([{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
          {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
          {"idx":2,"name":"2","path":"2_Normalize","type":"sentence_transformers.models.Normalize"}])";
  files["1_Pooling/config.json"] =
      R"({"word_embedding_dimension": 32, "pooling_mode_mean_tokens": true})";
  files["sentence_bert_config.json"] = R"({"max_seq_length": 128})";
  files["README.md"] = "# a model card";
  hub_.add_repo("st/tiny", kOtherCommit, files);
  Result<fs::path> snapshot = resolve("st/tiny");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
  EXPECT_EQ(read_file(*snapshot / "1_Pooling" / "config.json"), files["1_Pooling/config.json"]);
  EXPECT_EQ(fs::read_symlink(*snapshot / "1_Pooling" / "config.json")
                .string()
                .rfind("../../../blobs/", 0),
            0u);
  EXPECT_TRUE(fs::exists(*snapshot / "sentence_bert_config.json"));
  EXPECT_FALSE(fs::exists(*snapshot / "README.md"));
}

TEST_F(Download, ATagGetsItsRefAndACommitNeedsNone) {
  hub_.add_repo("org/tagged", kOtherCommit, fixture_files("tiny-bert"), "v2.0");
  Result<fs::path> tagged = resolve("org/tagged@v2.0");
  ASSERT_TRUE(tagged.ok()) << tagged.status().message();
  EXPECT_EQ(read_file(repo_dir("models--org--tagged") / "refs" / "v2.0"), kOtherCommit);
  ASSERT_TRUE(resolve("org/tagged@" + kOtherCommit).ok());  // from the cache now
  EXPECT_FALSE(fs::exists(repo_dir("models--org--tagged") / "refs" / kOtherCommit));
}

TEST_F(Download, ABareNameHasACacheFolderOfItsOwn) {
  hub_.add_repo("tiny-bert", kOtherCommit, fixture_files("tiny-bert"));
  Result<fs::path> snapshot = resolve("tiny-bert");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
  EXPECT_EQ(*snapshot, repo_dir("models--tiny-bert") / "snapshots" / kOtherCommit);
}

TEST(BlobFetch, NormalizesEtagsAsHuggingfaceHubDoes) {
  EXPECT_EQ(normalize_etag("W/\"abc\""), "abc");
  EXPECT_EQ(normalize_etag("\"abc\""), "abc");
  EXPECT_EQ(max_file_bytes("model.safetensors"), 64'000'000'000LL);
  EXPECT_EQ(max_file_bytes("tokenizer.json"), 1'000'000'000LL);
}

}  // namespace
}  // namespace hitloop::hub::testing
