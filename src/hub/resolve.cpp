#include "hub/resolve.h"

#include <exception>

#include "hub/hf_cache.h"
#include "hub/hf_download.h"
#include "hub/model_ref.h"

namespace hitloop::hub {

namespace fs = std::filesystem;

namespace {

Result<fs::path> resolve_unguarded(const std::string& arg, const HubEnv& env,
                                   DownloadObserver& observer) {
  std::error_code ec;
  if (!arg.empty() && fs::is_directory(arg, ec)) return fs::absolute(arg).lexically_normal();
  HITLOOP_ASSIGN_OR_RETURN(ModelRef ref, parse_model_ref(arg));
  HfCache cache(env.cache_dir);
  Result<fs::path> cached = cache.find_checkpoint(ref);
  if (cached.ok() || !cached.status().is_not_found()) return cached;
  if (env.offline) {
    return NotFound("HF_HUB_OFFLINE is set and " + ref.display() +
                    " is not in the HF cache: " + cached.status().message());
  }
  HttpClient http(env.token);
  return download_checkpoint(http, env.endpoint, cache, ref, observer);
}

}  // namespace

Result<fs::path> resolve_checkpoint(const std::string& arg, const HubEnv& env,
                                    DownloadObserver& observer) {
  try {
    return resolve_unguarded(arg, env, observer);
  } catch (const std::exception& e) {  // filesystem or allocation failures
    return IoError("resolving " + arg + ": " + e.what());
  }
}

Result<fs::path> resolve_checkpoint(const std::string& arg, DownloadObserver& observer) {
  std::error_code ec;
  if (!arg.empty() && fs::is_directory(arg, ec)) {  // a directory needs no configuration
    return resolve_checkpoint(arg, HubEnv{}, observer);
  }
  HITLOOP_ASSIGN_OR_RETURN(HubEnv env, HubEnv::from_environment());
  return resolve_checkpoint(arg, env, observer);
}

}  // namespace hitloop::hub
