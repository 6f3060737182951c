#include "loop/sampling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace hitloop::loop {
namespace {

TEST(AuditSampling, Fnv1aMatchesThePublishedTestVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(AuditSampling, TheSessionHashIsPinnedSoEveryPlatformAgrees) {
  // Golden value from an independent Python implementation of FNV-1a + splitmix64.
  EXPECT_EQ(session_key_hash("session-1"), 0x8f9d4a83e2384785ULL);
}

TEST(AuditSampling, SelectsExactlyTheKeysAnIndependentImplementationSelects) {
  // Keys s0..s39 at rate 0.3, computed independently in Python.
  std::vector<int> expected = {1, 5, 10, 13, 16, 18, 20, 22, 23, 25, 29, 30, 31, 34, 35};
  std::vector<int> got;
  for (int i = 0; i < 40; ++i) {
    if (in_audit_sample("s" + std::to_string(i), 0.3)) got.push_back(i);
  }
  EXPECT_EQ(got, expected);
}

TEST(AuditSampling, TheSampledShareIsCloseToTheRateOverManyKeys) {
  for (double rate : {0.05, 0.5}) {
    int in = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) in += in_audit_sample("session-" + std::to_string(i), rate);
    double sd = std::sqrt(rate * (1 - rate) / n);
    EXPECT_NEAR(static_cast<double>(in) / n, rate, 4 * sd) << "rate " << rate;
  }
}

TEST(AuditSampling, RaisingTheRateOnlyAddsSessions) {
  int low = 0, high = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string key = "k" + std::to_string(i);
    bool at_low = in_audit_sample(key, 0.05);
    low += at_low;
    high += in_audit_sample(key, 0.2);
    if (at_low) {
      EXPECT_TRUE(in_audit_sample(key, 0.2)) << key;
    }
  }
  EXPECT_GT(high, low);
}

TEST(AuditSampling, RateZeroSamplesNothingAndRateOneSamplesEverything) {
  for (int i = 0; i < 1000; ++i) {
    std::string key = std::to_string(i);
    EXPECT_FALSE(in_audit_sample(key, 0.0));
    EXPECT_TRUE(in_audit_sample(key, 1.0));
    EXPECT_FALSE(in_audit_sample(key, std::nan("")));
  }
}

TEST(AuditSampling, ValidateRateAcceptsOnlyFiniteRatesBetweenZeroAndOne) {
  EXPECT_TRUE(validate_rate(0.0).ok());
  EXPECT_TRUE(validate_rate(0.05).ok());
  EXPECT_TRUE(validate_rate(1.0).ok());
  for (double bad : {-0.01, 1.01, std::nan(""), std::numeric_limits<double>::infinity()}) {
    Status st = validate_rate(bad);
    EXPECT_FALSE(st.ok()) << bad;
    EXPECT_TRUE(st.is_invalid_argument()) << bad;
  }
}

}  // namespace
}  // namespace hitloop::loop
