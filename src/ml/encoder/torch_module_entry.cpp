// The entry point of hitloop_torch.so, the module the binary loads the first
// time it needs a libtorch kind (src/ml/torch_module.cpp). The module holds
// this library's objects and the third-party libraries they need (libtorch,
// oneDNN); hitloop's own libraries are resolved from the binary, which
// exports them, so there is one evaluator table and it is the binary's.
#include "ml/encoder/embed_evaluator.h"
#include "ml/encoder/encoder_evaluator.h"

extern "C" __attribute__((visibility("default"))) int hitloop_torch_module_register() {
  hitloop::ml::encoder::register_encoder_evaluator();
  hitloop::ml::encoder::register_embed_evaluator();
  return 0;
}
