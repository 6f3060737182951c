// Pass-rate monitoring on a real store: pages and reports only read; the
// server's monitor reads each verdict once and stores each alert once.
#include "service/pass_rate_monitor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "service/loop_service.h"
#include "temp_store.h"

namespace hitloop::service {
namespace {

constexpr int64_t kHour = 3600 * 1000;

class PassRateMonitoring : public testing_support::TempStoreTest {
 protected:
  // `n` verdicts an hour in `category` for hours [from, to), passing at `rate`.
  void traffic(int from, int to, double rate, const std::string& category, int n = 300) {
    std::vector<ImportRow> rows;
    for (int h = from; h < to; ++h) {
      for (int i = 0; i < n; ++i) {
        ImportRow r;
        r.external_id = category + "-" + std::to_string(h) + "-" + std::to_string(i);
        r.category = category;
        r.model_input = "q " + r.external_id;
        r.model_output = "a " + r.external_id;
        rows.push_back(r);
      }
    }
    auto imported = store_->import_rows(rows, ImportOptions{});
    ASSERT_TRUE(imported.ok()) << imported.status().message();
    std::vector<VerdictRecord> verdicts;
    size_t k = 0;
    for (int h = from; h < to; ++h) {
      for (int i = 0; i < n; ++i, ++k) {
        VerdictRecord v;
        v.session_id = imported->session_ids[k];
        v.model_version = 1;
        v.good = i < rate * n;
        v.score = v.good ? 0.8 : 0.2;
        v.created_at_ms = h * kHour + i * 1000;
        verdicts.push_back(v);
      }
    }
    ASSERT_TRUE(store_->add_verdicts(verdicts).ok());
  }
};

TEST_F(PassRateMonitoring, ThePassRatePageFindsASpikeWithoutStoringIt) {
  traffic(0, 30, 0.9, "returns");
  traffic(30, 36, 0.4, "returns");
  auto report = service::pass_rate(*store_, service::PassRateScope{}, 99);
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_FALSE(report->detected.empty());
  EXPECT_EQ(report->detected.front().direction, AlertDirection::kDrop);
  EXPECT_TRUE(store_->list_alerts()->empty());  // a read never writes
}

TEST_F(PassRateMonitoring, TheMonitorReadsEachVerdictOnceAndStoresEachAlertOnce) {
  DirectStore access(*store_);
  PassRateMonitor monitor(access);
  traffic(0, 30, 0.9, "returns");
  auto first = monitor.run(1);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->empty());
  EXPECT_EQ(monitor.verdicts_read(), 30 * 300);

  traffic(30, 36, 0.4, "returns");  // the pass rate drops
  auto second = monitor.run(2);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(monitor.verdicts_read(), 36 * 300);  // the new ones only, each once
  // All traffic and the category each raise their own drop alert.
  ASSERT_EQ(second->size(), 2u);
  std::set<std::string> scopes;
  for (const AlertRecord& a : *second) {
    EXPECT_EQ(a.direction, AlertDirection::kDrop);
    EXPECT_GT(a.id, 0);
    scopes.insert(a.category);
  }
  EXPECT_EQ(scopes, (std::set<std::string>{"", "returns"}));

  auto third = monitor.run(3);  // nothing new: nothing stored twice
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->empty());
  EXPECT_EQ(store_->list_alerts()->size(), 2u);
}

TEST_F(PassRateMonitoring, TheMonitorFindsWhatAFullReadFinds) {
  traffic(0, 30, 0.9, "shipping");
  traffic(30, 40, 0.5, "shipping");
  traffic(40, 70, 0.9, "shipping");
  auto full = service::pass_rate(*store_, service::PassRateScope{}, 5);
  ASSERT_TRUE(full.ok());
  DirectStore access(*store_);
  PassRateMonitor monitor(access);
  auto raised = monitor.run(5);
  ASSERT_TRUE(raised.ok());
  std::vector<int64_t> full_buckets, monitor_buckets;
  for (const AlertRecord& a : full->detected) full_buckets.push_back(a.bucket_start_ms);
  for (const AlertRecord& a : *raised)
    if (a.category.empty()) monitor_buckets.push_back(a.bucket_start_ms);
  EXPECT_FALSE(full_buckets.empty());
  EXPECT_EQ(monitor_buckets, full_buckets);
}

}  // namespace
}  // namespace hitloop::service
