// What `--base` names, turned into a checkpoint directory the way
// transformers' from_pretrained resolves a name:
//   1. an existing directory: itself;
//   2. a hub model name (ORG/NAME[@REVISION] or NAME) whose snapshot in the
//      HF cache has a whole checkpoint: that snapshot, without a byte of
//      network;
//   3. else, unless offline, the files downloaded from the hub into the
//      cache: the new snapshot.
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"
#include "hub/hub_env.h"
#include "hub/progress.h"

namespace hitloop::hub {

// With HF_HUB_OFFLINE set, a model missing from the cache is NotFound
// naming the file and where it was looked for. Never throws.
Result<std::filesystem::path> resolve_checkpoint(const std::string& arg, const HubEnv& env,
                                                 DownloadObserver& observer);

// The same, configured from the environment (HubEnv::from_environment).
Result<std::filesystem::path> resolve_checkpoint(const std::string& arg,
                                                 DownloadObserver& observer);

}  // namespace hitloop::hub
