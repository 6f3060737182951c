#include "core/file_bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace hitloop {
namespace {

// Closes the descriptor on every way out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Result<int> open_regular_file(const std::string& path, size_t& size) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return InvalidArgument(path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return InvalidArgument(path + ": is a directory, not a file");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return InvalidArgument(path + ": cannot open: " + std::strerror(errno));
  size = static_cast<size_t>(st.st_size);
  return fd;
}

}  // namespace

FileBytes::~FileBytes() {
  if (data_ != nullptr) ::munmap(data_, mapped_);
}

FileBytes::FileBytes(FileBytes&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      mapped_(std::exchange(o.mapped_, 0)) {}

FileBytes& FileBytes::operator=(FileBytes&& o) noexcept {
  if (this != &o) {
    FileBytes gone(std::move(*this));
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    mapped_ = std::exchange(o.mapped_, 0);
  }
  return *this;
}

Result<FileBytes> FileBytes::read(const std::string& path) {
  size_t expected = 0;
  HITLOOP_ASSIGN_OR_RETURN(int fd, open_regular_file(path, expected));
  Fd closer{fd};
  FileBytes out;
  if (expected == 0) return out;
  // Anonymous memory, not a mapping of the file: a file truncated while it
  // is parsed must not kill the process with SIGBUS.
  void* p = ::mmap(nullptr, expected, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return IoError(path + ": cannot allocate: " + std::strerror(errno));
  ::madvise(p, expected, MADV_HUGEPAGE);  // a hint: without it, only slower
  out.data_ = static_cast<char*>(p);
  out.mapped_ = expected;
  // The file may shrink or grow meanwhile: read what is there, up to the
  // size it had.
  while (out.size_ < expected) {
    ssize_t n = ::read(fd, out.data_ + out.size_, expected - out.size_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(path + ": read failed: " + std::strerror(errno));
    if (n == 0) break;
    out.size_ += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace hitloop
