// A test with its own directory and a fresh SQLite store in it, removed
// afterwards.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/store.h"

namespace hitloop::testing_support {

// A row as a CSV import gives it.
inline ImportRow import_row(std::string in, std::string out, std::optional<Label> label,
                            std::string id = "", std::string category = "") {
  ImportRow r;
  r.model_input = std::move(in);
  r.model_output = std::move(out);
  r.label = label;
  r.external_id = std::move(id);
  r.category = std::move(category);
  return r;
}

// An import whose labels are `reviewer`'s, at a fixed time.
inline ImportOptions imported_by(std::string reviewer) {
  ImportOptions o;
  o.reviewer = std::move(reviewer);
  o.now_ms = 1000;
  return o;
}

class TempStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(testing::TempDir()) /
           (std::string(testing::UnitTest::GetInstance()->current_test_suite()->name()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = open_store((dir_ / "h.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace hitloop::testing_support
