#include "fake_hub.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

namespace hitloop::hub::testing {

namespace {

std::string flip_middle_byte(std::string s) {
  if (!s.empty()) s[s.size() / 2] ^= 0x5a;
  return s;
}

}  // namespace

std::string FakeHub::sha256(const std::string& content) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool FakeHub::is_lfs(const std::string& name) {
  auto ends = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".safetensors") || ends(".bin");
}

FakeHub::FakeHub() {
  if (sodium_init() < 0) std::abort();
  server_.Get(R"(/api/models/(.+)/revision/([^/]+))",
              [this](const httplib::Request& req, httplib::Response& res) { serve_api(req, res); });
  server_.Get(R"(/cdn/([0-9a-f]{64}))",
              [this](const httplib::Request& req, httplib::Response& res) { serve_cdn(req, res); });
  server_.Get(
      R"(/(.+)/resolve/([^/]+)/(.+))",
      [this](const httplib::Request& req, httplib::Response& res) { serve_resolve(req, res); });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

FakeHub::~FakeHub() {
  server_.stop();
  thread_.join();
}

void FakeHub::add_repo(const std::string& repo_id, const std::string& commit,
                       std::map<std::string, std::string> files, const std::string& revision) {
  std::lock_guard lock(mu_);
  Repo& repo = repos_[repo_id];
  repo.commit = commit;
  repo.revisions[revision] = commit;
  repo.revisions[commit] = commit;
  for (const auto& [name, content] : files) {
    if (!is_lfs(name)) continue;
    repo.lfs_sha[name] = sha256(content);
    blobs_[repo.lfs_sha[name]] = {name, content};
  }
  repo.files = std::move(files);
}

void FakeHub::cut_next_transfer(const std::string& file, size_t after_bytes) {
  std::lock_guard lock(mu_);
  cut_after_[file] = after_bytes;
}
void FakeHub::corrupt(const std::string& file) {
  std::lock_guard lock(mu_);
  corrupt_.insert(file);
}
void FakeHub::answer_404(const std::string& file) {
  std::lock_guard lock(mu_);
  missing_.insert(file);
}
void FakeHub::announce_size(const std::string& file, const std::string& size) {
  std::lock_guard lock(mu_);
  sizes_[file] = size;
}
void FakeHub::list_file(const std::string& repo_id, const std::string& name) {
  std::lock_guard lock(mu_);
  repos_[repo_id].extra_names.push_back(name);
}
void FakeHub::require_token(const std::string& token) {
  std::lock_guard lock(mu_);
  token_ = token;
}
void FakeHub::api_body(const std::string& repo_id, const std::string& body) {
  std::lock_guard lock(mu_);
  repos_[repo_id].api_body = body;
}

std::vector<std::string> FakeHub::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t FakeHub::count_requests(const std::string& containing) const {
  std::vector<std::string> all = requests();
  return std::count_if(all.begin(), all.end(), [&](const std::string& r) {
    return r.find(containing) != std::string::npos;
  });
}

void FakeHub::log(const httplib::Request& req) {
  std::string line = req.method + " " + req.path;
  if (req.has_header("Range")) line += " Range: " + req.get_header_value("Range");
  if (req.has_header("Authorization"))
    line.append(" ").append(req.get_header_value("Authorization"));
  std::lock_guard lock(mu_);
  requests_.push_back(line);
}

bool FakeHub::authorised(const httplib::Request& req, httplib::Response& res) const {
  if (token_.empty() || req.get_header_value("Authorization") == "Bearer " + token_) return true;
  res.status = 401;
  res.set_header("X-Error-Message", "Access to model is restricted.");
  return false;
}

void FakeHub::serve_api(const httplib::Request& req, httplib::Response& res) {
  log(req);
  std::lock_guard lock(mu_);
  if (!authorised(req, res)) return;
  auto repo = repos_.find(req.matches[1]);
  if (repo == repos_.end()) {
    res.status = 401;  // the hub's answer for a repo it does not show
    res.set_header("X-Error-Message", "Repository not found");
    return;
  }
  if (!repo->second.api_body.empty()) {
    res.set_content(repo->second.api_body, "application/json");
    return;
  }
  auto rev = repo->second.revisions.find(httplib::detail::decode_url(req.matches[2], false));
  if (rev == repo->second.revisions.end()) {
    res.status = 404;
    res.set_header("X-Error-Message", "Invalid rev id");
    return;
  }
  nlohmann::json doc = {
      {"id", repo->first}, {"sha", rev->second}, {"siblings", nlohmann::json::array()}};
  for (const auto& [name, content] : repo->second.files) {
    doc["siblings"].push_back({{"rfilename", name}});
  }
  for (const auto& name : repo->second.extra_names)
    doc["siblings"].push_back({{"rfilename", name}});
  res.set_content(doc.dump(), "application/json");
}

void FakeHub::serve_resolve(const httplib::Request& req, httplib::Response& res) {
  log(req);
  std::lock_guard lock(mu_);
  if (!authorised(req, res)) return;
  auto repo = repos_.find(req.matches[1]);
  std::string name = httplib::detail::decode_url(req.matches[3], false);
  if (repo == repos_.end() || !repo->second.files.count(name) || missing_.count(name)) {
    res.status = 404;
    res.set_header("X-Error-Code", "EntryNotFound");
    res.set_header("X-Error-Message", "Entry not found");
    return;
  }
  const std::string& content = repo->second.files.at(name);
  res.set_header("X-Repo-Commit", repo->second.commit);
  if (is_lfs(name)) {
    const std::string& sha = repo->second.lfs_sha.at(name);
    res.status = 302;
    res.set_header("Location", endpoint() + "/cdn/" + sha);
    res.set_header("X-Linked-Etag", "\"" + sha + "\"");
    res.set_header("X-Linked-Size",
                   sizes_.count(name) ? sizes_.at(name) : std::to_string(content.size()));
    return;
  }
  std::string git_id = sha256(std::string("blob ").append(content)).substr(0, 40);
  res.set_header("ETag", std::string(1, '"').append(git_id).append(1, '"'));
  res.set_content(corrupt_.count(name) ? flip_middle_byte(content) : content, "text/plain");
}

void FakeHub::serve_cdn(const httplib::Request& req, httplib::Response& res) {
  log(req);
  std::lock_guard lock(mu_);
  auto blob = blobs_.find(req.matches[1]);
  if (blob == blobs_.end()) {
    res.status = 404;
    return;
  }
  const auto& [name, original] = blob->second;
  std::string content = original;
  if (corrupt_.count(name)) content = flip_middle_byte(content);
  size_t cut = content.size();
  if (auto it = cut_after_.find(name); it != cut_after_.end()) {
    cut = it->second;
    cut_after_.erase(it);
  }
  size_t total = content.size();
  res.set_content_provider(total, "application/octet-stream",
                           [content = std::move(content), cut, sent = size_t{0}](
                               size_t offset, size_t length, httplib::DataSink& sink) mutable {
                             size_t n = std::min(length, cut > sent ? cut - sent : 0);
                             if (n > 0) sink.write(content.data() + offset, n);
                             sent += n;
                             return n == length;  // false: the connection is cut here
                           });
}

}  // namespace hitloop::hub::testing
