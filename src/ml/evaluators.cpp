// The table of evaluator kinds. The n-gram evaluator is built in; kinds that
// live in optional libraries (the libtorch encoder) register themselves
// through register_evaluator() when the binary that links them starts.
#include <map>
#include <mutex>

#include "ml/evaluator.h"
#include "ml/ngram/ngram_evaluator.h"

namespace hitloop::ml {
namespace {

std::mutex& table_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, const Evaluator*, std::less<>>& table() {
  static const ngram::NgramEvaluator ngram_evaluator;
  static std::map<std::string, const Evaluator*, std::less<>> t = {{"ngram", &ngram_evaluator}};
  return t;
}

}  // namespace

void register_evaluator(const Evaluator* evaluator) {
  std::lock_guard lock(table_mutex());
  table()[std::string(evaluator->kind())] = evaluator;
}

Result<const Evaluator*> find_evaluator(std::string_view kind) {
  std::lock_guard lock(table_mutex());
  auto it = table().find(kind);
  if (it != table().end()) return it->second;
  std::string known;
  for (const auto& [name, e] : table()) known += (known.empty() ? "" : ", ") + name;
  return InvalidArgument("unknown model kind \"" + std::string(kind) + "\" (known: " + known + ")");
}

}  // namespace hitloop::ml
