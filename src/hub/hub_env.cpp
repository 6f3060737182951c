#include "hub/hub_env.h"

#include <algorithm>
#include <cstdlib>

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

Result<std::filesystem::path> cache_dir_from_env() {
  namespace fs = std::filesystem;
  if (std::string v = env("HF_HUB_CACHE"); !v.empty()) return fs::path(v);
  if (std::string v = env("HF_HOME"); !v.empty()) return fs::path(v) / "hub";
  if (std::string v = env("XDG_CACHE_HOME"); !v.empty()) return fs::path(v) / "huggingface" / "hub";
  if (std::string v = env("HOME"); !v.empty())
    return fs::path(v) / ".cache" / "huggingface" / "hub";
  return InvalidArgument("cannot place the HF cache: set HF_HUB_CACHE or HF_HOME (HOME is unset)");
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
  e.token = env("HF_TOKEN");
  // It goes into a header line: nothing that could end or split it.
  if (std::any_of(e.token.begin(), e.token.end(), [](char c) { return c <= ' ' || c == 0x7f; })) {
    return InvalidArgument("HF_TOKEN contains spaces or control characters");
  }
  e.offline = env_true("HF_HUB_OFFLINE") || env_true("TRANSFORMERS_OFFLINE");
  return e;
}

}  // namespace hitloop::hub
