#include "hub/hub_env.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace hitloop::hub {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// huggingface_hub's _is_true: "1", "ON", "YES", "TRUE" in any case.
bool env_true(const char* name) {
  std::string v = env(name);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v == "1" || v == "on" || v == "yes" || v == "true";
}

// huggingface_hub's HF_HOME: $HF_HOME, else $XDG_CACHE_HOME/huggingface,
// else ~/.cache/huggingface; empty when none can be named.
std::filesystem::path hf_home() {
  namespace fs = std::filesystem;
  if (std::string v = env("HF_HOME"); !v.empty()) return fs::path(v);
  if (std::string v = env("XDG_CACHE_HOME"); !v.empty()) return fs::path(v) / "huggingface";
  if (std::string v = env("HOME"); !v.empty()) return fs::path(v) / ".cache" / "huggingface";
  return {};
}

Result<std::filesystem::path> cache_dir_from_env() {
  if (std::string v = env("HF_HUB_CACHE"); !v.empty()) return std::filesystem::path(v);
  std::filesystem::path home = hf_home();
  if (home.empty()) {
    return InvalidArgument(
        "cannot place the HF cache: set HF_HUB_CACHE or HF_HOME (HOME is unset)");
  }
  return home / "hub";
}

// The token `huggingface-cli login` saved: $HF_TOKEN_PATH, else
// $HF_HOME/token. Absent or unreadable is no token, as in huggingface_hub;
// surrounding whitespace (the file's newline) is not part of it.
std::string token_from_file() {
  std::filesystem::path path = env("HF_TOKEN_PATH");
  if (path.empty()) {
    std::filesystem::path home = hf_home();
    if (home.empty()) return "";
    path = home / "token";
  }
  std::ifstream in(path, std::ios::binary);
  std::string token;
  // A token is short; a huge file there is not one, so read a bounded prefix.
  token.resize(4096);
  in.read(token.data(), static_cast<std::streamsize>(token.size()));
  token.resize(static_cast<size_t>(in.gcount()));
  const char* space = " \t\r\n";
  token.erase(0, token.find_first_not_of(space));
  token.erase(token.find_last_not_of(space) + 1);
  return token;
}

}  // namespace

Result<HubEnv> HubEnv::from_environment() {
  HubEnv e;
  HITLOOP_ASSIGN_OR_RETURN(e.cache_dir, cache_dir_from_env());
  std::error_code ec;
  e.cache_dir = std::filesystem::absolute(e.cache_dir, ec).lexically_normal();
  if (ec) return InvalidArgument("cannot place the HF cache: " + ec.message());
  if (std::string v = env("HF_ENDPOINT"); !v.empty()) e.endpoint = v;
  while (!e.endpoint.empty() && e.endpoint.back() == '/') e.endpoint.pop_back();
  if (e.endpoint.rfind("http://", 0) != 0 && e.endpoint.rfind("https://", 0) != 0) {
    return InvalidArgument("HF_ENDPOINT must be an http:// or https:// URL, not \"" + e.endpoint +
                           "\"");
  }
  // HF_TOKEN wins over the saved login, as in huggingface_hub.
  e.token = env("HF_TOKEN");
  if (e.token.empty()) e.token = token_from_file();
  // It goes into a header line: nothing that could end or split it.
  if (std::any_of(e.token.begin(), e.token.end(), [](char c) { return c <= ' ' || c == 0x7f; })) {
    return InvalidArgument(
        "the HF token (HF_TOKEN or the token file) contains spaces or control characters");
  }
  e.offline = env_true("HF_HUB_OFFLINE") || env_true("TRANSFORMERS_OFFLINE");
  return e;
}

}  // namespace hitloop::hub
