#include "ml/torch_module.h"

#include <dlfcn.h>
#include <unistd.h>

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

}  // namespace

Status load_torch_module() {
  static std::once_flag once;
  static Status outcome = Status::Ok();
  std::call_once(once, [] { outcome = load_once(); });
  return outcome;
}

}  // namespace hitloop::ml
