// Status and Result<T>: the error currency of every library in hitloop.
// Libraries never print or exit; they return a Status that the CLI or the
// HTTP layer turns into a message and an exit code or HTTP status.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace hitloop {

// What each code means to a caller, and its exit code and HTTP status, is
// one table: `status_mapping` in status.cpp.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input from the user
  kNotFound,            // what the caller named does not exist
  kAlreadyExists,       // what the caller would create exists
  kFailedPrecondition,  // not now: the system is not in a state to do it
  kUnauthenticated,
  kPermissionDenied,
  kIoError,   // the disk, the database or the network failed
  kInternal,  // a bug or a broken invariant
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Predicates for the codes callers branch on. Anything a caller does not
  // expect is an error to pass on, never a stand-in for absence.
  bool is_not_found() const { return code_ == StatusCode::kNotFound; }
  bool is_already_exists() const { return code_ == StatusCode::kAlreadyExists; }
  bool is_invalid_argument() const { return code_ == StatusCode::kInvalidArgument; }
  bool is_unauthenticated() const { return code_ == StatusCode::kUnauthenticated; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// How a code reaches the outside: the CLI's exit code (2: the user's input or
// request was wrong; 1: the system failed) and the HTTP status and name.
struct StatusMapping {
  int exit_code;
  int http_status;
  const char* http_name;
};
StatusMapping status_mapping(StatusCode code);

inline Status Unauthenticated(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace hitloop

// Early return on error, for functions returning Status or Result<T>.
#define HITLOOP_RETURN_IF_ERROR(expr) \
  do {                                \
    ::hitloop::Status _st = (expr);   \
    if (!_st.ok()) return _st;        \
  } while (0)

#define HITLOOP_CONCAT_INNER(a, b) a##b
#define HITLOOP_CONCAT(a, b) HITLOOP_CONCAT_INNER(a, b)
#define HITLOOP_ASSIGN_OR_RETURN(lhs, expr) \
  HITLOOP_ASSIGN_OR_RETURN_IMPL(HITLOOP_CONCAT(_res_, __LINE__), lhs, expr)
#define HITLOOP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
