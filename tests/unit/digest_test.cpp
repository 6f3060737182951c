// The hashes whose values are stored (session content keys, training-row
// keys, artifact checksums, hashes of secrets) or fix a sample: pinned, so
// that a change of any of them shows here before it orphans stored data.
#include "core/digest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "auth/auth.h"
#include "core/hash.h"
#include "ml/manifest.h"
#include "ml/rng.h"
#include "store/store.h"

namespace hitloop {
namespace {

TEST(Digest, TheSessionContentHashIsThe16ByteDigestOfTheLengthPrefixedFields) {
  EXPECT_EQ(to_hex(session_content_hash("in", "out", "cat")), "b16e1a46efe8a6b935b64a7c7cace430");
  // The length prefixes keep fields apart.
  EXPECT_NE(session_content_hash("ab", "c", ""), session_content_hash("a", "bc", ""));
}

TEST(Digest, ATrainingRowKeyIsThe8ByteDigestReadBigEndian) {
  EXPECT_EQ(ml::row_key("in", "out"), 0x8aa207fc47a99de2ULL);
  EXPECT_NE(ml::row_key("ab", "c"), ml::row_key("a", "bc"));
}

TEST(Digest, ASecretHashIsTheHexOfThe32ByteDigest) {
  EXPECT_EQ(auth::secret_hash("s3cret"),
            "061f7b1d4ef1470a55198d606b62ed5d59131a35cb6bcce1b8462a418da9b08b");
}

TEST(Digest, AFileChecksumIsTheHexDigestOfItsBytesReadInPieces) {
  const std::filesystem::path path =
      std::filesystem::path(testing::TempDir()) / "digest_test_checksum.txt";
  std::ofstream(path, std::ios::binary) << "hello\n";
  auto small = ml::file_checksum(path.string());
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(*small, "93becc6e9882211c3ec3708c95bcd69baab7bb59c7f4bc84ce637b88a534b783");
  // Larger than one read buffer: the pieces hash as one stream.
  const std::string big(200000, 'x');
  std::ofstream(path, std::ios::binary | std::ios::trunc) << big;
  auto whole = ml::file_checksum(path.string());
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, to_hex(Digest(32).update(big).finish()));
  std::filesystem::remove(path);
}

TEST(StableHash, TheSeededGeneratorIsSplitmix64) {
  // splitmix64's published first output for seed 0.
  EXPECT_EQ(ml::Rng(0).next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(splitmix64_mix(0x9E3779B97F4A7C15ULL), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace hitloop
