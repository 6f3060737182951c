#include "ml/evaluator.h"
#include "ml/ngram/ngram_evaluator.h"

namespace hitloop::ml {

Result<const Evaluator*> find_evaluator(std::string_view kind) {
  static const ngram::NgramEvaluator ngram_evaluator;
  if (kind == "ngram") return static_cast<const Evaluator*>(&ngram_evaluator);
  return InvalidArgument("unknown model kind \"" + std::string(kind) + "\" (known: ngram)");
}

}  // namespace hitloop::ml
