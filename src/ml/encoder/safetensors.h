// The safetensors format, read and written without any third-party code:
// an 8-byte little-endian header length N, N bytes of JSON mapping each
// tensor name to {dtype, shape, data_offsets: [begin, end]} (plus an
// optional "__metadata__" string map), then the raw little-endian tensor
// bytes. Reading validates everything a malformed or truncated file could
// get wrong (lengths, dtypes, shapes, overlapping or missing byte ranges)
// so that later code can trust every entry. No libtorch here: the format
// layer is plain bytes, and the encoder maps entries onto tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace hitloop::ml::encoder {

enum class DType { kF64, kF32, kF16, kBF16, kI64, kI32, kI16, kI8, kU8, kBool };

// "F32" etc., as the format spells them.
std::string_view dtype_name(DType dtype);
size_t dtype_size(DType dtype);

struct TensorEntry {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  size_t offset = 0;  // from the start of the data section
  size_t nbytes = 0;

  int64_t numel() const;
};

class SafetensorsFile {
 public:
  static Result<SafetensorsFile> read(const std::string& path);
  // `origin` names the bytes in error messages.
  static Result<SafetensorsFile> parse(std::string bytes, const std::string& origin);

  // In file order (by offset).
  const std::vector<TensorEntry>& tensors() const { return tensors_; }
  const TensorEntry* find(std::string_view name) const;
  const char* data(const TensorEntry& entry) const {
    return bytes_.data() + data_start_ + entry.offset;
  }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::string bytes_;
  size_t data_start_ = 0;
  std::vector<TensorEntry> tensors_;
  std::map<std::string, std::string> metadata_;
};

// One tensor to write: `data` holds nbytes = numel * dtype_size bytes,
// little-endian, row-major.
struct TensorView {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t nbytes = 0;
};

// The file's bytes: tensors laid out in the order given, the header padded
// with spaces to a multiple of 8 bytes (as HF's writer does, so that every
// tensor stays aligned when the file is memory-mapped).
Result<std::string> serialize_safetensors(std::span<const TensorView> tensors,
                                          const std::map<std::string, std::string>& metadata);
// Writes through a temporary file and a rename.
Status write_safetensors(const std::string& path, std::span<const TensorView> tensors,
                         const std::map<std::string, std::string>& metadata);

}  // namespace hitloop::ml::encoder
