// A whole file in memory, for the parsers of large inputs (import).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace hitloop {

// The bytes of a file, read once, in memory that asks the kernel for huge
// pages. Reading a 25 MB CSV into a std::string took ~150 ms of CPU, nearly
// all zeroing the string and faulting in its 4 KiB pages one by one; with
// 2 MiB pages it is a tenth of that. Move-only; the memory is freed with it.
class FileBytes {
 public:
  FileBytes() = default;
  ~FileBytes();
  FileBytes(FileBytes&& o) noexcept;
  FileBytes& operator=(FileBytes&& o) noexcept;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  std::string_view view() const { return {data_, size_}; }

  // Fails (InvalidArgument) when the path is missing, a directory or
  // unreadable, as read_file does; IoError when reading fails half-way.
  static Result<FileBytes> read(const std::string& path);

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;
};

}  // namespace hitloop
