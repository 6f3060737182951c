#include "http/request_guard.h"

#include <optional>
#include <string>
#include <string_view>

#include "http/router.h"

namespace hitloop::http {
namespace {

using httplib::Request;
using httplib::Response;

// The methods httplib 0.11 reads a body for (detail::expect_content).
bool reads_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// "application/json", in any case, with or without parameters such as
// "; charset=utf-8".
bool is_json(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return iequals(type, "application/json");
}

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;  // 18 digits cannot overflow
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Only this server sets it (guard_request drops any a client sends).
constexpr char kNotJsonMark[] = "Hitloop-Body-Not-Json";

// A refusal sent before the body is read. The body is then still on the
// connection, unread, so the connection must not carry another request.
void answer_now(Response& res, const Reply& r) {
  res.status = r.status;
  res.set_content(r.body, r.content_type.c_str());
  res.set_header("Connection", "close");
}

Reply framing_error() {
  return error_reply(400, "invalid_argument",
                     "invalid Content-Length, or a Transfer-Encoding other than chunked");
}

Reply not_json() {
  return error_reply(415, "unsupported_media_type",
                     "send the body as JSON with the header Content-Type: application/json");
}

enum class Body { kNone, kJson, kNotJson, kBadFraming };

Body classify(const Request& req) {
  if (!reads_body(req.method)) return Body::kNone;
  bool has_length = req.has_header("Content-Length");
  if (req.has_header("Transfer-Encoding")) {
    // httplib decodes only "chunked"; anything else it would read as raw
    // bytes up to the connection's end.
    if (!iequals(req.get_header_value("Transfer-Encoding"), "chunked") || has_length) {
      return Body::kBadFraming;
    }
  } else if (has_length) {
    std::string length = req.get_header_value("Content-Length");
    if (!all_digits(length) || req.get_header_value_count("Content-Length") != 1) {
      return Body::kBadFraming;
    }
    if (std::stoll(length) == 0) return Body::kNone;  // an empty body needs no type
  } else {
    return Body::kNone;
  }
  // Also what keeps cross-site forms out: a browser sends a form's body
  // only as form data or text/plain, never as JSON.
  return is_json(req.get_header_value("Content-Type")) ? Body::kJson : Body::kNotJson;
}

}  // namespace

httplib::Server::HandlerResponse guard_request(const Request& req, Response& res) {
  // httplib hands the request over as const, but it is its own non-const
  // local, so changing its headers here is defined.
  Request& r = const_cast<Request&>(req);
  r.headers.erase(kNotJsonMark);
  if (reads_body(req.method) && !req.has_header("Content-Length") &&
      !req.has_header("Transfer-Encoding")) {
    // RFC 9112 6.3: a request with neither header has an empty body. httplib
    // 0.11 instead reads such a POST/PUT/DELETE until the connection ends,
    // which a client waiting for the answer never does: `curl -X POST URL`
    // would hang until the read timeout, then get a 400. With the length
    // said to be 0, httplib reads nothing.
    r.set_header("Content-Length", "0");
    return httplib::Server::HandlerResponse::Unhandled;
  }
  switch (classify(req)) {
    case Body::kBadFraming:
      answer_now(res, framing_error());  // where the body ends is unknown
      return httplib::Server::HandlerResponse::Handled;
    case Body::kNotJson:
      // Refused by the route once the body is read (within the size limit,
      // like any body). Answering now and closing with the body unread
      // makes the kernel reset the connection, and a client that sends its
      // whole body before reading (most libraries) sees the reset, not the
      // 415. Without its type, httplib neither caps a form body at 8 KB
      // nor parses it.
      r.headers.erase("Content-Type");
      r.set_header(kNotJsonMark, "1");
      break;
    default:
      break;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

int guard_expect_continue(const Request& req, Response& res) {
  // The client waits for "100 Continue" before sending the body, so a
  // refusal now costs it nothing.
  switch (classify(req)) {
    case Body::kBadFraming:
      answer_now(res, framing_error());
      return res.status;
    case Body::kNotJson:
      answer_now(res, not_json());
      return res.status;
    default:
      return 100;
  }
}

std::optional<Reply> unsupported_media_type(const Request& req) {
  if (!req.has_header(kNotJsonMark)) return std::nullopt;
  return not_json();
}

void answer_httplib_error(const Request&, Response& res, size_t max_body_bytes) {
  if (!res.body.empty()) return;  // a handler already answered
  Reply r;
  switch (res.status) {
    case 400:
      r = error_reply(400, "invalid_argument",
                      "the request could not be read (malformed, or incomplete when the read "
                      "timed out)");
      break;
    case 404:
      r = error_reply(404, "not_found", "no such route (method and path)");
      break;
    case 413:
      r = error_reply(
          413, "too_large",
          "request body over the size limit of " + std::to_string(max_body_bytes) + " bytes");
      break;
    case 414:
      r = error_reply(414, "too_large", "request line too long");
      break;
    case 416:
      r = error_reply(416, "invalid_argument", "requested range not satisfiable");
      break;
    default:
      r = error_reply(res.status, res.status < 500 ? "invalid_argument" : "internal",
                      "HTTP status " + std::to_string(res.status));
  }
  res.set_content(r.body, r.content_type.c_str());
}

}  // namespace hitloop::http
