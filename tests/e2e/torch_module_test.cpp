// libtorch lives in a module (hitloop_torch.so) that the binary loads only
// when a transformer kind is used: commands without one never load it, and
// a missing module is a clear error, not a crash.
#include <gtest/gtest.h>

#include "run.h"

namespace hitloop::e2e {
namespace {

namespace fs = std::filesystem;

const std::string kExamples = std::string(HITLOOP_SOURCE_DIR) + "/examples/ecommerce_support.csv";
const std::string kTinyEncoder =
    std::string(HITLOOP_SOURCE_DIR) + "/tests/fixtures/hf-encoders/tiny-distilbert";

// Runs the binary with the dynamic loader reporting every object it loads
// (glibc's LD_DEBUG=files, on stderr) and returns that report.
std::string loaded_objects(const std::vector<std::string>& args) {
  RunResult r = run_hitloop_env({"LD_DEBUG=files"}, args);
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0);
  // The report is there at all: the binary's own libraries are in it.
  EXPECT_NE(r.err.find("libsqlite3"), std::string::npos) << "LD_DEBUG gave no report";
  return r.err;
}

class TorchModule : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir(testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string db() const { return (dir_ / "h.db").string(); }
  fs::path dir_;
};

TEST_F(TorchModule, CommandsWithoutATransformerNeverLoadLibtorch) {
  std::vector<std::vector<std::string>> commands = {
      {"--help"},
      {"--db", db(), "import", kExamples},
      {"--db", db(), "stats"},
      {"--db", db(), "train"},
      {"--db", db(), "predict", "--input", "Where is my order?", "--output", "It shipped."},
      {"--db", db(), "models", "list"}};
  for (const auto& args : commands) {
    std::string report = loaded_objects(args);
    EXPECT_EQ(report.find("libtorch"), std::string::npos) << args.back();
    EXPECT_EQ(report.find("hitloop_torch"), std::string::npos) << args.back();
  }
}

TEST_F(TorchModule, AMissingModuleIsAnErrorNamingItNotACrash) {
  const std::string missing = (dir_ / "nowhere" / "hitloop_torch.so").string();
  write_text(dir_ / "data.csv", "model_input,model_output,good\na,b,1\nc,d,0\n");
  RunResult r = run_hitloop_env({"HITLOOP_TORCH_MODULE=" + missing},
                                {"--db", db(), "train", "--kind", "encoder", "--base", kTinyEncoder,
                                 "--data", (dir_ / "data.csv").string()});
  EXPECT_GT(r.exit_code, 0);  // an error exit, not a signal
  EXPECT_NE(r.err.find("cannot load the libtorch module: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(missing + ": cannot open shared object file"), std::string::npos) << r.err;
}

TEST_F(TorchModule, AFileThatIsNotTheModuleIsRefused) {
  write_text(dir_ / "fake.so", "not a shared object");
  RunResult r = run_hitloop_env(
      {"HITLOOP_TORCH_MODULE=" + (dir_ / "fake.so").string()},
      {"predict", "--model", kTinyEncoder, "--input", "Where is my order?", "--output", "Soon."});
  EXPECT_GT(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot load the libtorch module: " + (dir_ / "fake.so").string()),
            std::string::npos)
      << r.err;
}

TEST_F(TorchModule, AnUnknownKindStillListsTheKnownOnes) {
  write_text(dir_ / "data.csv", "model_input,model_output,good\na,b,1\nc,d,0\n");
  RunResult r = run_hitloop_env(
      {"HITLOOP_TORCH_MODULE=" + (dir_ / "none.so").string()},
      {"--db", db(), "train", "--kind", "nope", "--data", (dir_ / "data.csv").string()});
  EXPECT_GT(r.exit_code, 0);
  EXPECT_NE(r.err.find("model kind \"nope\" is not built in (built in: ngram)"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace hitloop::e2e
