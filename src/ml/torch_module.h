// The libtorch evaluator kinds (encoder, embed) live in a module,
// hitloop_torch.so, that the binary loads on first use, so that commands
// that use no transformer never load libtorch (docs/encoder.md).
#pragma once

#include <string>

#include "core/status.h"

namespace hitloop::hub {
class DownloadObserver;
}

namespace hitloop::ml {

// The module's file name; it is looked for next to the running binary.
inline constexpr const char* kTorchModuleFile = "hitloop_torch.so";
// The environment variable that names the module file instead.
inline constexpr const char* kTorchModuleEnv = "HITLOOP_TORCH_MODULE";
// The module's one entry point: registers its evaluators through
// register_evaluator() (the binary's table) and returns 0.
inline constexpr const char* kTorchModuleEntry = "hitloop_torch_module_register";

// Loads the module once per process and lets it register its kinds. Later
// calls return the first call's outcome. The error names the file or the
// library that could not be loaded (dlerror()).
Status load_torch_module();

// What `--base` (or the API's "base") names, as a checkpoint directory: an
// existing directory is itself; a hub model name (ORG/NAME[@REV]) is
// resolved by the hub client (src/hub/), which lives in the module because
// it is only ever needed with a transformer, so libcurl loads with libtorch
// and not before. Progress goes to `observer`, or to stderr when null.
Result<std::string> resolve_base_checkpoint(const std::string& arg,
                                            hub::DownloadObserver* observer = nullptr);

// The module's hub resolver; it registers it from its entry point.
using CheckpointResolver = Result<std::string> (*)(const std::string& arg,
                                                   hub::DownloadObserver* observer);
void register_checkpoint_resolver(CheckpointResolver resolver);

}  // namespace hitloop::ml
