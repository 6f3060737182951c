#include "ml/encoder/safetensors.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

namespace hitloop::ml::encoder {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian bytes; this code copies them as they are");

// A header larger than this is not a real checkpoint (the Rust reference
// uses the same 100 MB limit): refusing early avoids a huge allocation.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct DTypeInfo {
  DType dtype;
  const char* name;
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {{DType::kF64, "F64", 8}, {DType::kF32, "F32", 4},
                                 {DType::kF16, "F16", 2}, {DType::kBF16, "BF16", 2},
                                 {DType::kI64, "I64", 8}, {DType::kI32, "I32", 4},
                                 {DType::kI16, "I16", 2}, {DType::kI8, "I8", 1},
                                 {DType::kU8, "U8", 1},   {DType::kBool, "BOOL", 1}};

Status bad(const std::string& origin, const std::string& why) {
  return InvalidArgument(origin + ": not a valid safetensors file: " + why);
}

// numel * element size, or nothing on overflow.
bool byte_count(const std::vector<int64_t>& shape, size_t elem, size_t& out) {
  size_t n = elem;
  for (int64_t d : shape) {
    if (d < 0) return false;
    if (d != 0 && n > std::numeric_limits<size_t>::max() / static_cast<size_t>(d)) return false;
    n *= static_cast<size_t>(d);
  }
  out = n;
  return true;
}

Result<TensorEntry> parse_entry(const std::string& name, const nlohmann::json& j,
                                const std::string& origin) {
  const std::string where = "tensor \"" + name + "\"";
  if (!j.is_object()) return bad(origin, where + " is not a JSON object");
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    if (!j.contains(key)) return bad(origin, where + " has no \"" + key + "\"");
  }
  TensorEntry e;
  e.name = name;
  if (!j["dtype"].is_string()) return bad(origin, where + ": dtype is not a string");
  std::string dt = j["dtype"].get<std::string>();
  auto info = std::find_if(std::begin(kDTypes), std::end(kDTypes),
                           [&](const DTypeInfo& d) { return dt == d.name; });
  if (info == std::end(kDTypes)) return bad(origin, where + ": unknown dtype \"" + dt + "\"");
  e.dtype = info->dtype;
  if (!j["shape"].is_array()) return bad(origin, where + ": shape is not an array");
  for (const auto& d : j["shape"]) {
    if (!d.is_number_unsigned())
      return bad(origin, where + ": shape has a non-integer or negative size");
    e.shape.push_back(d.get<int64_t>());
  }
  const auto& off = j["data_offsets"];
  if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
      !off[1].is_number_unsigned()) {
    return bad(origin, where + ": data_offsets is not [begin, end]");
  }
  uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
  if (end < begin) return bad(origin, where + ": data_offsets end before they begin");
  size_t expected = 0;
  if (!byte_count(e.shape, info->size, expected)) return bad(origin, where + ": shape overflows");
  if (end - begin != expected) {
    return bad(origin, where + ": " + std::to_string(end - begin) + " bytes for shape and dtype " +
                           dt + " that need " + std::to_string(expected));
  }
  e.offset = begin;
  e.nbytes = expected;
  return e;
}

}  // namespace

std::string_view dtype_name(DType dtype) {
  for (const DTypeInfo& d : kDTypes) {
    if (d.dtype == dtype) return d.name;
  }
  return "?";
}

size_t dtype_size(DType dtype) {
  for (const DTypeInfo& d : kDTypes) {
    if (d.dtype == dtype) return d.size;
  }
  return 0;
}

int64_t TensorEntry::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

Result<SafetensorsFile> SafetensorsFile::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path + ": cannot open: " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return IoError(path + ": read failed");
  return parse(std::move(bytes), path);
}

Result<SafetensorsFile> SafetensorsFile::parse(std::string bytes, const std::string& origin) {
  if (bytes.size() < 8) {
    return bad(origin, "only " + std::to_string(bytes.size()) +
                           " bytes, shorter than the 8-byte header length (truncated?)");
  }
  uint64_t header_len = 0;
  std::memcpy(&header_len, bytes.data(), 8);
  if (header_len > kMaxHeaderBytes) {
    return bad(origin, "header length " + std::to_string(header_len) + " is implausibly large");
  }
  if (header_len > bytes.size() - 8) {
    return bad(origin, "header length " + std::to_string(header_len) +
                           " runs past the end of the " + std::to_string(bytes.size()) +
                           "-byte file (truncated?)");
  }
  std::string_view header(bytes.data() + 8, header_len);
  if (header.empty() || header.front() != '{') return bad(origin, "header is not a JSON object");
  nlohmann::json j = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad(origin, "header is not valid JSON");

  SafetensorsFile file;
  file.data_start_ = 8 + header_len;
  const size_t data_size = bytes.size() - file.data_start_;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) return bad(origin, "__metadata__ is not an object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string())
          return bad(origin, "__metadata__ value \"" + m.key() + "\" is not a string");
        file.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    HITLOOP_ASSIGN_OR_RETURN(TensorEntry e, parse_entry(it.key(), it.value(), origin));
    file.tensors_.push_back(std::move(e));
  }
  // The data section must be covered exactly: no overlaps, no holes, nothing
  // past its end, and no trailing bytes (a truncated or spliced file shows
  // up here).
  std::sort(file.tensors_.begin(), file.tensors_.end(),
            [](const TensorEntry& a, const TensorEntry& b) {
              return a.offset != b.offset ? a.offset < b.offset : a.nbytes < b.nbytes;
            });
  size_t pos = 0;
  for (const TensorEntry& e : file.tensors_) {
    if (e.offset != pos) {
      return bad(origin, "tensor \"" + e.name + "\" starts at byte " + std::to_string(e.offset) +
                             " of the data, expected " + std::to_string(pos) +
                             (e.offset < pos ? " (overlaps the previous tensor)" : " (a gap)"));
    }
    pos = e.offset + e.nbytes;
    if (pos > data_size) {
      return bad(origin, "tensor \"" + e.name + "\" ends at byte " + std::to_string(pos) +
                             " but the data section has only " + std::to_string(data_size) +
                             " (truncated?)");
    }
  }
  if (pos != data_size) {
    return bad(origin, std::to_string(data_size - pos) + " bytes after the last tensor");
  }
  file.bytes_ = std::move(bytes);
  return file;
}

const TensorEntry* SafetensorsFile::find(std::string_view name) const {
  for (const TensorEntry& e : tensors_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

Result<std::string> serialize_safetensors(std::span<const TensorView> tensors,
                                          const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  size_t offset = 0;
  for (const TensorView& t : tensors) {
    size_t expected = 0;
    if (!byte_count(t.shape, dtype_size(t.dtype), expected) || expected != t.nbytes) {
      return InvalidArgument("tensor \"" + t.name + "\": " + std::to_string(t.nbytes) +
                             " bytes do not match its shape and dtype");
    }
    if (header.contains(t.name)) return InvalidArgument("tensor \"" + t.name + "\" given twice");
    header[t.name] = {{"dtype", dtype_name(t.dtype)},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + t.nbytes}}};
    offset += t.nbytes;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');
  uint64_t len = json.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &len, 8);
  out.reserve(8 + json.size() + offset);
  out += json;
  for (const TensorView& t : tensors) out.append(static_cast<const char*>(t.data), t.nbytes);
  return out;
}

Status write_safetensors(const std::string& path, std::span<const TensorView> tensors,
                         const std::map<std::string, std::string>& metadata) {
  HITLOOP_ASSIGN_OR_RETURN(std::string bytes, serialize_safetensors(tensors, metadata));
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return IoError(tmp + ": cannot write: " + std::strerror(errno));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      std::remove(tmp.c_str());
      return IoError(tmp + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return IoError(path + ": cannot rename into place: " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace hitloop::ml::encoder
