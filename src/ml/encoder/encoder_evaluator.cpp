#include "ml/encoder/encoder_evaluator.h"

#include "ml/encoder/checkpoint.h"
#include "ml/encoder/encoder_model.h"
#include "ml/encoder/encoder_state.h"
#include "ml/encoder/runtime.h"
#include "ml/encoder/trainer.h"

namespace hitloop::ml::encoder {

Result<std::unique_ptr<Model>> EncoderEvaluator::train(const std::vector<Example>& examples,
                                                       const TrainOptions& options) const {
  const std::string& base = options.encoder.base_dir;
  if (base.empty()) {
    return InvalidArgument(
        "--kind encoder needs --base NAME|DIR (a HF DistilBERT/BERT checkpoint)");
  }
  configure_threads(options.threads);
  try {
    HITLOOP_ASSIGN_OR_RETURN(std::shared_ptr<EncoderState> state,
                             open_checkpoint_dir(base, options.encoder.max_length));
    // The head is always 2 labels (0 bad, 1 good); a base with another
    // label count or none gets a fresh one.
    state->config.num_labels = 2;
    state->net = make_classifier(state->config);
    HITLOOP_ASSIGN_OR_RETURN(StateDict weights, read_weights(base));
    HITLOOP_ASSIGN_OR_RETURN(
        LoadReport report, load_weights(*state->net, std::move(weights), true, options.seed, base));
    if (report.fresh_head) {
      options.progress("encoder: " + base +
                       " has no 2-label classification head; starting a "
                       "fresh one (seed " +
                       std::to_string(options.seed) + ")");
    }
    HITLOOP_RETURN_IF_ERROR(fine_tune(*state, examples, options));
    return std::unique_ptr<Model>(std::make_unique<EncoderModel>(std::move(state)));
  } catch (const c10::Error& e) {
    return Internal(std::string("encoder training failed: ") + e.what_without_backtrace());
  }
}

Result<std::unique_ptr<Model>> EncoderEvaluator::load(const std::string& dir) const {
  return load_with(dir, LoadOptions{});
}

Result<std::unique_ptr<Model>> EncoderEvaluator::load_with(const std::string& dir,
                                                           const LoadOptions& options) const {
  try {
    HITLOOP_ASSIGN_OR_RETURN(std::unique_ptr<EncoderModel> model, EncoderModel::load(dir, options));
    return std::unique_ptr<Model>(std::move(model));
  } catch (const c10::Error& e) {
    return Internal(dir + ": loading the encoder failed: " + e.what_without_backtrace());
  }
}

void register_encoder_evaluator() {
  static const EncoderEvaluator evaluator;
  register_evaluator(&evaluator);
}

}  // namespace hitloop::ml::encoder
