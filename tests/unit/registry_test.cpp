#include "ml/registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ml/ngram/ngram_evaluator.h"

namespace hitloop::ml {
namespace {

namespace fs = std::filesystem;

// A model whose save() writes part of its weights and then fails, as a full
// disk or a crash would leave it.
class FailingModel final : public Model {
 public:
  std::string_view kind() const override { return "ngram"; }
  void margins(std::span<const TextPair>, std::span<double> out) const override {
    for (double& v : out) v = 0;
  }
  std::vector<Contribution> explain(const TextPair&, size_t) const override { return {}; }
  size_t max_text_bytes() const override { return 1; }
  Status save(const std::string& dir) const override {
    std::ofstream(dir + "/ngram.bin") << "HLNGRAM2 half of a file";
    return IoError("disk full");
  }
};

class RegistryTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(testing::TempDir()) /
        ("registry_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = open_store((dir_ / "h.db").string());
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    std::vector<Example> examples;
    for (int i = 0; i < 40; ++i) {
      examples.push_back(
          {"question " + std::to_string(i), i % 2 ? "a helpful answer" : "go away", "", i % 2, 1});
    }
    auto m = ngram::NgramEvaluator().train(examples, TrainOptions{});
    ASSERT_TRUE(m.ok());
    model_ = std::move(m).value();
  }

  Registry registry() { return Registry(*store_, (dir_ / "models").string()); }
  double score_of(const LoadedModel& m) { return m.score(TextPair{"question 3", "go away"}); }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Model> model_;
};

TEST_F(RegistryTest, NumbersVersionsAndActivatesOnRequest) {
  Registry r = registry();
  auto v1 = r.add(*model_, Manifest{}, true);
  auto v2 = r.add(*model_, Manifest{}, false);
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_EQ(*v1, 1);
  EXPECT_EQ(*v2, 2);
  EXPECT_EQ(store_->active_model()->version, 1);
  EXPECT_EQ(store_->get_model(2)->status, ModelStatus::kCandidate);
  ASSERT_TRUE(r.activate(2).ok());
  EXPECT_EQ(store_->active_model()->version, 2);
  EXPECT_EQ(store_->get_model(1)->status, ModelStatus::kRetired);
  auto loaded = r.load(0);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->version, 2);
}

TEST_F(RegistryTest, AnInterruptedWriteLeavesThePreviousModelActiveAndLoadable) {
  Registry r = registry();
  ASSERT_TRUE(r.add(*model_, Manifest{}, true).ok());
  auto before = r.load(0);
  ASSERT_TRUE(before.ok());
  double expected = score_of(*before);

  auto failed = r.add(FailingModel(), Manifest{}, true);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("disk full"), std::string::npos);

  EXPECT_EQ(store_->active_model()->version, 1);
  EXPECT_EQ(store_->list_models()->size(), 1u);
  auto after = r.load(0);
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_EQ(score_of(*after), expected);
  for (const auto& e : fs::directory_iterator(dir_ / "models")) {
    EXPECT_EQ(e.path().filename(), "v1") << "left behind: " << e.path();
  }
}

TEST_F(RegistryTest, LeftoversOfACrashedWriteAreIgnoredAndCleanedUp) {
  Registry r = registry();
  ASSERT_TRUE(r.add(*model_, Manifest{}, true).ok());
  // A process that died mid-write (pid 999999 does not exist) and one that
  // died after the rename but before the row was added.
  fs::create_directories(dir_ / "models" / ".tmp-999999-v2");
  std::ofstream(dir_ / "models" / ".tmp-999999-v2" / "ngram.bin") << "partial";
  fs::create_directories(dir_ / "models" / "v2");
  auto v = r.add(*model_, Manifest{}, false);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(*v, 3);  // v2's directory is not reused
  EXPECT_FALSE(fs::exists(dir_ / "models" / ".tmp-999999-v2"));
  EXPECT_TRUE(r.load(3).ok());
  EXPECT_EQ(store_->active_model()->version, 1);
}

TEST_F(RegistryTest, ArtifactsStagedWithoutTheCatalogTakeVersionsInCommitOrder) {
  Registry r = registry();
  const std::string models = (dir_ / "models").string();
  auto first = stage_artifact(*model_, Manifest{}, models);
  auto second = stage_artifact(*model_, Manifest{}, models);
  ASSERT_TRUE(first.ok() && second.ok());
  // Staged files carry no version's name until they are committed.
  EXPECT_FALSE(fs::exists(dir_ / "models" / "v1"));
  auto v1 = r.commit(std::move(second).value(), true);
  auto v2 = r.commit(std::move(first).value(), false);
  ASSERT_TRUE(v1.ok() && v2.ok()) << v1.status().message() << v2.status().message();
  EXPECT_EQ(*v1, 1);
  EXPECT_EQ(*v2, 2);
  auto loaded = r.load(2);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->manifest.version, 2);
  EXPECT_EQ(store_->active_model()->version, 1);
}

TEST_F(RegistryTest, AStagedArtifactThatIsNeverCommittedLeavesNothingBehind) {
  {
    auto staged = stage_artifact(*model_, Manifest{}, (dir_ / "models").string());
    ASSERT_TRUE(staged.ok());
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "models"), fs::directory_iterator()), 1);
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "models"), fs::directory_iterator()), 0);
  auto listed = registry().list();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(RegistryTest, RefusesAnArtifactWithABadChecksum) {
  Registry r = registry();
  ASSERT_TRUE(r.add(*model_, Manifest{}, true).ok());
  fs::path weights = dir_ / "models" / "v1" / "ngram.bin";
  std::fstream f(weights, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(100);
  f.put('\x7f');
  f.close();
  auto loaded = r.load(1);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("checksum mismatch"), std::string::npos);
}

TEST_F(RegistryTest, RefusesAnArtifactOfANewerFormat) {
  Registry r = registry();
  ASSERT_TRUE(r.add(*model_, Manifest{}, true).ok());
  fs::path manifest = dir_ / "models" / "v1" / "manifest.json";
  std::ifstream in(manifest);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  text.replace(text.find("\"format_version\": 1"), 19, "\"format_version\": 9");
  std::ofstream(manifest) << text;
  auto loaded = r.load(1);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("artifact format 9 is newer"), std::string::npos);
}

TEST_F(RegistryTest, NamesAnUnknownVersion) {
  Registry r = registry();
  auto loaded = r.load(7);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("no model v7"), std::string::npos);
  EXPECT_FALSE(parse_version("seven").ok());
  EXPECT_EQ(*parse_version("v12"), 12);
}

}  // namespace
}  // namespace hitloop::ml
