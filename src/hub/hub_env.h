// Where the HF cache is and how to reach the hub, from the same environment
// variables huggingface_hub reads, so that hitloop and Python share one
// cache and one configuration.
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"

namespace hitloop::hub {

inline constexpr const char* kDefaultEndpoint = "https://huggingface.co";

struct HubEnv {
  // $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub,
  // else ~/.cache/huggingface/hub.
  std::filesystem::path cache_dir;
  std::string endpoint = kDefaultEndpoint;  // $HF_ENDPOINT, without a trailing '/'
  // Sent as a Bearer token: $HF_TOKEN, else the file `huggingface-cli login`
  // writes ($HF_TOKEN_PATH, else $HF_HOME/token).
  std::string token;
  bool offline = false;  // $HF_HUB_OFFLINE or $TRANSFORMERS_OFFLINE is 1/true/yes/on

  // InvalidArgument when no cache directory can be named (no HOME and none
  // of the variables) or HF_ENDPOINT is not an http(s) URL.
  static Result<HubEnv> from_environment();
};

}  // namespace hitloop::hub
