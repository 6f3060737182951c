#include "ml/torch_module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <system_error>

namespace hitloop::ml {
namespace {

// $HITLOOP_TORCH_MODULE, else hitloop_torch.so in the running binary's
// directory (where the build and an install put it).
std::string module_path() {
  const char* env = std::getenv(kTorchModuleEnv);
  if (env != nullptr && *env != '\0') return env;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return kTorchModuleFile;  // dlopen's own search path
  return (exe.parent_path() / kTorchModuleFile).string();
}

Status load_once() {
  std::string path = module_path();
  // RTLD_NOW: a missing symbol or library shows here, not as a crash on
  // first call. RTLD_LOCAL: libtorch's symbols stay out of the global scope.
  // The module is never closed: its evaluators live in the binary's table.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return FailedPrecondition(std::string("cannot load the libtorch module: ") +
                              (why != nullptr ? why : path.c_str()));
  }
  using Entry = int (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, kTorchModuleEntry));
  if (entry == nullptr) {
    return Internal(path + " is not a hitloop libtorch module (no " + kTorchModuleEntry + ")");
  }
  if (entry() != 0) return Internal(path + ": the libtorch module failed to register");
  return Status::Ok();
}

std::atomic<CheckpointResolver> g_resolver{nullptr};

}  // namespace

void register_checkpoint_resolver(CheckpointResolver resolver) { g_resolver.store(resolver); }

Result<std::string> resolve_base_checkpoint(const std::string& arg,
                                            hub::DownloadObserver* observer) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!arg.empty() && fs::is_directory(arg, ec)) {
    fs::path dir = fs::absolute(arg, ec);
    if (ec) return IoError(arg + ": " + ec.message());
    return dir.lexically_normal().string();
  }
  Status loaded = load_torch_module();
  if (!loaded.ok()) {
    return FailedPrecondition(arg +
                              " is not a directory, and hub models need the libtorch "
                              "module: " +
                              loaded.message());
  }
  CheckpointResolver resolver = g_resolver.load();
  if (resolver == nullptr) return Internal("the libtorch module registered no hub resolver");
  return resolver(arg, observer);
}

Status load_torch_module() {
  static std::once_flag once;
  static Status outcome = Status::Ok();
  std::call_once(once, [] { outcome = load_once(); });
  return outcome;
}

}  // namespace hitloop::ml
