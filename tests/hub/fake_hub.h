// A hub on loopback for tests: the API's revision endpoint and the resolve
// URLs in the hub's layout, LFS files (*.safetensors, *.bin) redirected to
// a CDN path that honours Range requests, and faults on demand (a cut
// transfer, corrupted bytes, a 404, a token requirement, a raw API body).
// Binds 127.0.0.1 on a port the system picks; nothing leaves the machine.
#pragma once

#include <httplib.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace hitloop::hub::testing {

class FakeHub {
 public:
  FakeHub();
  ~FakeHub();
  FakeHub(const FakeHub&) = delete;
  FakeHub& operator=(const FakeHub&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // A model repo at `commit`, `revision` pointing at it; every file is
  // listed in the API's siblings and served.
  void add_repo(const std::string& repo_id, const std::string& commit,
                std::map<std::string, std::string> files, const std::string& revision = "main");

  // Faults, by file name.
  void cut_next_transfer(const std::string& file, size_t after_bytes);   // once
  void corrupt(const std::string& file);                                 // right size, wrong bytes
  void answer_404(const std::string& file);                              // listed, but not served
  void announce_size(const std::string& file, const std::string& size);  // X-Linked-Size
  void list_file(const std::string& repo_id, const std::string& name);   // a listed name only
  void require_token(const std::string& token);  // 401 without "Authorization: Bearer token"
  void api_body(const std::string& repo_id, const std::string& body);  // replaces the JSON

  // "METHOD path [Range] [Authorization]" of every request so far.
  std::vector<std::string> requests() const;
  size_t count_requests(const std::string& containing) const;

  // The sha256 of `content` (the etag of an LFS file).
  static std::string sha256(const std::string& content);

 private:
  struct Repo {
    std::string commit;
    std::map<std::string, std::string> revisions;  // revision -> commit
    std::map<std::string, std::string> files;
    std::map<std::string, std::string> lfs_sha;  // name -> sha256, for LFS files
    std::vector<std::string> extra_names;
    std::string api_body;
  };
  static bool is_lfs(const std::string& name);
  void log(const httplib::Request& req);
  bool authorised(const httplib::Request& req, httplib::Response& res) const;
  void serve_api(const httplib::Request& req, httplib::Response& res);
  void serve_resolve(const httplib::Request& req, httplib::Response& res);
  void serve_cdn(const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::map<std::string, Repo> repos_;
  std::map<std::string, std::pair<std::string, std::string>> blobs_;  // sha256 -> name, content
  std::map<std::string, size_t> cut_after_;
  std::set<std::string> corrupt_, missing_;
  std::map<std::string, std::string> sizes_;
  std::string token_;
  std::vector<std::string> requests_;
};

}  // namespace hitloop::hub::testing
