// The few HTTP requests the hub needs, over libcurl: a bounded GET of a
// JSON document, a HEAD that stops at the first response (the hub's own
// headers, not the CDN's), and a streamed, resumable GET of a file.
// http and https only, redirects at most 10, a connect timeout and a stall
// timeout; a Bearer token, when given, goes to the first host only (curl
// drops a custom Authorization header on a redirect to another host).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace hitloop::hub {

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // the final response's; names in lower case
  std::string body;                            // bounded; the error text for a download
  // The value of a header (name in lower case), or "" when absent.
  std::string header(const std::string& name) const;
};

// Where a download's body goes. `start` is called once the final response
// is a 2xx, with the offset its first byte has in the file (0 for a 200,
// the Content-Range start for a 206); a non-ok Status aborts the transfer
// and is returned. `data` returns false to abort (then `start`'s caller
// learns why from its own state).
struct DownloadSink {
  std::function<Status(long status, int64_t start)> start;
  std::function<bool(std::string_view bytes)> data;
};

class HttpClient {
 public:
  explicit HttpClient(std::string bearer_token = "");

  // GET, redirects followed; IoError for a body over `max_body` bytes.
  Result<HttpResponse> get(const std::string& url, size_t max_body) const;
  // HEAD, no redirect followed: a 3xx comes back with its Location.
  Result<HttpResponse> head(const std::string& url) const;
  // GET from byte `offset` on (a Range request when > 0), redirects
  // followed; a 2xx body streams into `sink`, any other is kept (bounded)
  // in the response's body.
  Result<HttpResponse> download(const std::string& url, int64_t offset, DownloadSink& sink) const;

 private:
  std::string token_;
};

// The error for a response that is not a 2xx, about `what` (a file, a
// repo): 404 NotFound, 401 Unauthenticated and 403 PermissionDenied (both
// with the HF_TOKEN hint), anything else IoError. The hub's X-Error-Message,
// else the start of the body, is quoted, reduced to printable ASCII.
Status status_from_http(const HttpResponse& r, const std::string& what);

// "scheme://host[:port]" of an absolute URL ("" when it is not one).
std::string url_origin(std::string_view url);

// Percent-encodes everything but unreserved characters, and '/' too
// unless `keep_slash` (huggingface_hub's quote(x, safe="") and quote(x)).
std::string url_quote(std::string_view s, bool keep_slash);

}  // namespace hitloop::hub
