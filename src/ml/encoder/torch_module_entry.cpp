// The entry point of hitloop_torch.so, the module the binary loads the first
// time it needs a libtorch kind or a hub model (src/ml/torch_module.cpp).
// The module holds the encoder library's objects, the hub client's, and the
// third-party libraries they need (libtorch, oneDNN, libcurl); hitloop's
// own core libraries are resolved from the binary, which exports them, so
// there is one evaluator table and it is the binary's.
#include <exception>

#include "hub/progress.h"
#include "hub/resolve.h"
#include "ml/encoder/embed_evaluator.h"
#include "ml/encoder/encoder_evaluator.h"
#include "ml/torch_module.h"

namespace {

hitloop::Result<std::string> resolve_with_hub(const std::string& arg,
                                              hitloop::hub::DownloadObserver* observer) {
  hitloop::hub::StderrProgress stderr_progress;
  HITLOOP_ASSIGN_OR_RETURN(
      std::filesystem::path dir,
      hitloop::hub::resolve_checkpoint(arg, observer ? *observer : stderr_progress));
  return dir.string();
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int hitloop_torch_module_register() {
  try {
    hitloop::ml::encoder::register_encoder_evaluator();
    hitloop::ml::encoder::register_embed_evaluator();
    hitloop::ml::register_checkpoint_resolver(&resolve_with_hub);
    return 0;
  } catch (const std::exception&) {
    return 1;  // reported by the loader as a failed registration
  }
}
