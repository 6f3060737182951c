#include "hub/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>

namespace hitloop::hub {

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxErrorBody = 4096;

// One transfer's state, shared with curl's callbacks.
struct Transfer {
  HttpResponse response;
  size_t max_body = 0;
  size_t header_bytes = 0;
  DownloadSink* sink = nullptr;
  bool sink_started = false;
  Status abort_reason;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  t->header_bytes += line.size();
  if (t->header_bytes > kMaxHeaderBytes) {
    t->abort_reason =
        IoError("response headers over " + std::to_string(kMaxHeaderBytes) + " bytes");
    return 0;
  }
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect or a 100)
    t->response.headers.clear();
    size_t sp = line.find(' ');
    t->response.status =
        sp == line.npos ? 0 : std::strtol(std::string(line.substr(sp + 1, 3)).c_str(), nullptr, 10);
    return line.size();
  }
  size_t colon = line.find(':');
  if (colon != line.npos) {
    t->response.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  }
  return line.size();
}

// The offset a 206's body starts at: "bytes START-END/TOTAL".
int64_t content_range_start(const HttpResponse& r) {
  std::string range = r.header("content-range");
  if (range.rfind("bytes ", 0) != 0) return -1;
  char* end = nullptr;
  long long start = std::strtoll(range.c_str() + 6, &end, 10);
  return end && *end == '-' ? start : -1;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view bytes(data, size * n);
  bool success = t->response.status >= 200 && t->response.status < 300;
  if (t->sink && success) {
    if (!t->sink_started) {
      t->sink_started = true;
      int64_t start = t->response.status == 206 ? content_range_start(t->response) : 0;
      if (start < 0) {
        t->abort_reason = IoError("a partial response without a valid Content-Range");
        return 0;
      }
      t->abort_reason = t->sink->start(t->response.status, start);
      if (!t->abort_reason.ok()) return 0;
    }
    return t->sink->data(bytes) ? bytes.size() : 0;
  }
  size_t limit = t->sink ? kMaxErrorBody : t->max_body;
  if (t->response.body.size() + bytes.size() > limit) {
    if (t->sink) return bytes.size();  // an error page: its start is enough
    t->abort_reason = IoError("response over " + std::to_string(limit) + " bytes");
    return 0;
  }
  t->response.body.append(bytes);
  return bytes.size();
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

enum class Method { kGet, kHead };

Result<HttpResponse> perform(const std::string& url, Method method, bool follow, int64_t offset,
                             Transfer& t, const std::string& token) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) return Internal("libcurl failed to initialise");
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal("libcurl failed to initialise");
  CURL* c = curl.get();
  // Identity encoding: Content-Length must be the file's size, as
  // huggingface_hub asks it.
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, "Accept-Encoding: identity"));
  if (!token.empty()) {
    curl_slist* more = curl_slist_append(headers.get(), ("Authorization: Bearer " + token).c_str());
    if (!more) return Internal("libcurl: out of memory");
  }
  std::string range = std::to_string(offset) + "-";
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
  // A transfer that stalls (under 1 KB/s for 60 s) fails instead of hanging.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "hitloop (huggingface_hub cache compatible)");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  if (method == Method::kHead) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (offset > 0) curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (!t.abort_reason.ok()) return t.abort_reason;
  if (rc != CURLE_OK) {
    return IoError(url + ": " + (error[0] ? std::string(error) : curl_easy_strerror(rc)));
  }
  bool success = t.response.status >= 200 && t.response.status < 300;
  if (t.sink && success && !t.sink_started) {  // an empty body: the sink still starts
    t.sink_started = true;
    HITLOOP_RETURN_IF_ERROR(t.sink->start(t.response.status, offset));
  }
  return std::move(t.response);
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string bearer_token) : token_(std::move(bearer_token)) {}

Result<HttpResponse> HttpClient::get(const std::string& url, size_t max_body) const {
  Transfer t;
  t.max_body = max_body;
  return perform(url, Method::kGet, /*follow=*/true, 0, t, token_);
}

Result<HttpResponse> HttpClient::head(const std::string& url) const {
  Transfer t;
  return perform(url, Method::kHead, /*follow=*/false, 0, t, token_);
}

Result<HttpResponse> HttpClient::download(const std::string& url, int64_t offset,
                                          DownloadSink& sink) const {
  Transfer t;
  t.sink = &sink;
  return perform(url, Method::kGet, /*follow=*/true, offset, t, token_);
}

Status status_from_http(const HttpResponse& r, const std::string& what) {
  std::string said = r.header("x-error-message");
  if (said.empty()) said = r.body;
  std::string clean;
  for (char c : said.substr(0, 200)) clean += (c >= ' ' && c < 0x7f) ? c : ' ';
  clean = trim(clean);
  std::string msg =
      what + ": HTTP " + std::to_string(r.status) + (clean.empty() ? "" : " (" + clean + ")");
  switch (r.status) {
    case 404:
      return NotFound(msg);
    case 401:
      return Unauthenticated(msg +
                             "; a private or gated model needs HF_TOKEN, else check the name");
    case 403:
      return PermissionDenied(msg +
                              "; a gated model needs its terms accepted on the hub and HF_TOKEN");
    default:
      return IoError(msg);
  }
}

std::string url_origin(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  size_t path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

std::string url_quote(std::string_view s, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace hitloop::hub
