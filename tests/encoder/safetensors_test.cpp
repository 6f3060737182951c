// The safetensors reader and writer: HF's files parse, our files round-trip,
// and every kind of malformed or truncated file is refused with a message
// that says what is wrong.
#include "ml/encoder/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>

#include "test_util.h"

namespace hitloop::ml::encoder {
namespace {

using testing::fixture;
using testing::read_bytes;

// A file with a hand-written header and `data_bytes` zero bytes of data.
std::string with_header(const std::string& header, size_t data_bytes) {
  std::string out(8, '\0');
  uint64_t len = header.size();
  std::memcpy(out.data(), &len, 8);
  return out + header + std::string(data_bytes, '\0');
}

std::string parse_error(const std::string& bytes) {
  auto r = SafetensorsFile::parse(bytes, "x.safetensors");
  return r.ok() ? "" : r.status().message();
}

TEST(Safetensors, ReadsHfFixtureWithEveryParameter) {
  auto file = SafetensorsFile::read(fixture("tiny-distilbert") + "/model.safetensors");
  ASSERT_TRUE(file.ok()) << file.status().message();
  const auto& params =
      testing::load_json("goldens.json")["meta"]["files"]["distilbert"]["parameters"];
  EXPECT_EQ(file->tensors().size(), params.size());
  for (const auto& [name, shape] : params.items()) {
    const TensorEntry* e = file->find(name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->shape, shape.get<std::vector<int64_t>>()) << name;
  }
  const TensorEntry* emb = file->find("distilbert.embeddings.word_embeddings.weight");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->dtype, DType::kF32);
  EXPECT_EQ(emb->shape, (std::vector<int64_t>{30522, 24}));
  EXPECT_EQ(file->metadata().at("format"), "pt");
  // Row 0 ([PAD]) of the embeddings is zero in HF's files.
  std::vector<float> row0(24);
  std::memcpy(row0.data(), file->data(*emb), sizeof(float) * 24);
  for (float v : row0) EXPECT_EQ(v, 0.0f);
}

TEST(Safetensors, WrittenFileReadsBackIdentically) {
  std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -0.5f};
  std::vector<int64_t> b = {42, -7};
  std::vector<TensorView> views = {{"layer.weight", DType::kF32, {2, 3}, a.data(), 24},
                                   {"ids", DType::kI64, {2}, b.data(), 16}};
  auto bytes = serialize_safetensors(views, {{"format", "pt"}});
  ASSERT_TRUE(bytes.ok());
  uint64_t header_len = 0;
  std::memcpy(&header_len, bytes->data(), 8);
  EXPECT_EQ(header_len % 8, 0u) << "header padded to 8 bytes";
  auto file = SafetensorsFile::parse(*bytes, "mem");
  ASSERT_TRUE(file.ok()) << file.status().message();
  const TensorEntry* w = file->find("layer.weight");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::memcmp(file->data(*w), a.data(), 24), 0);
  const TensorEntry* ids = file->find("ids");
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(ids->dtype, DType::kI64);
  EXPECT_EQ(std::memcmp(file->data(*ids), b.data(), 16), 0);
  EXPECT_EQ(file->metadata().at("format"), "pt");
}

TEST(Safetensors, WriterRefusesBytesThatDoNotMatchTheShape) {
  std::vector<float> a(5);
  std::vector<TensorView> views = {{"w", DType::kF32, {2, 3}, a.data(), 20}};
  EXPECT_FALSE(serialize_safetensors(views, {}).ok());
}

TEST(Safetensors, RejectsFileShorterThanTheLengthPrefix) {
  EXPECT_NE(parse_error("abc").find("shorter than the 8-byte header length"), std::string::npos);
}

TEST(Safetensors, RejectsTruncatedFixture) {
  std::string bytes = read_bytes(fixture("tiny-bert") + "/model.safetensors");
  std::string msg = parse_error(bytes.substr(0, bytes.size() - 100));
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  msg = parse_error(bytes.substr(0, 200));  // cut inside the header
  EXPECT_NE(msg.find("runs past the end"), std::string::npos) << msg;
}

TEST(Safetensors, RejectsHeaderThatIsNotJson) {
  EXPECT_NE(parse_error(with_header("{not json", 0)).find("not valid JSON"), std::string::npos);
  EXPECT_NE(parse_error(with_header("[1, 2]", 0)).find("not a JSON object"), std::string::npos);
}

TEST(Safetensors, RejectsUnknownDtype) {
  std::string msg =
      parse_error(with_header(R"({"w":{"dtype":"F8","shape":[2],"data_offsets":[0,2]}})", 2));
  EXPECT_NE(msg.find("unknown dtype \"F8\""), std::string::npos) << msg;
}

TEST(Safetensors, RejectsByteRangeThatDoesNotMatchShape) {
  std::string msg =
      parse_error(with_header(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", 12));
  EXPECT_NE(msg.find("12 bytes for shape and dtype F32 that need 16"), std::string::npos) << msg;
}

TEST(Safetensors, RejectsNegativeShape) {
  std::string msg =
      parse_error(with_header(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4));
  EXPECT_NE(msg.find("negative"), std::string::npos) << msg;
}

TEST(Safetensors, RejectsOverlappingTensors) {
  std::string msg =
      parse_error(with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                              12));
  EXPECT_NE(msg.find("overlaps"), std::string::npos) << msg;
}

TEST(Safetensors, RejectsHoleBetweenTensors) {
  std::string msg =
      parse_error(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                              R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                              12));
  EXPECT_NE(msg.find("a gap"), std::string::npos) << msg;
}

TEST(Safetensors, RejectsBytesAfterTheLastTensor) {
  std::string msg =
      parse_error(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 9));
  EXPECT_NE(msg.find("5 bytes after the last tensor"), std::string::npos) << msg;
}

TEST(Safetensors, RejectsEntryWithoutOffsets) {
  std::string msg = parse_error(with_header(R"({"a":{"dtype":"F32","shape":[1]}})", 4));
  EXPECT_NE(msg.find("has no \"data_offsets\""), std::string::npos) << msg;
}

TEST(Safetensors, RejectsImplausibleHeaderLength) {
  std::string bytes(16, '\0');
  uint64_t len = 1ULL << 40;
  std::memcpy(bytes.data(), &len, 8);
  EXPECT_NE(parse_error(bytes).find("implausibly large"), std::string::npos);
}

}  // namespace
}  // namespace hitloop::ml::encoder
