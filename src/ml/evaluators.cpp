// The table of evaluator kinds. The n-gram evaluator is built in; the
// libtorch kinds (encoder, embed) register themselves through
// register_evaluator() when the module that holds them is loaded, which
// find_evaluator() does the first time it is asked for a kind it lacks.
#include <map>
#include <mutex>
#include <optional>

#include "ml/evaluator.h"
#include "ml/ngram/ngram_evaluator.h"
#include "ml/torch_module.h"

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

namespace {

std::optional<const Evaluator*> lookup(std::string_view kind) {
  std::lock_guard lock(table_mutex());
  auto it = table().find(kind);
  if (it == table().end()) return std::nullopt;
  return it->second;
}

std::string known_kinds() {
  std::lock_guard lock(table_mutex());
  std::string known;
  for (const auto& [name, e] : table()) known += (known.empty() ? "" : ", ") + name;
  return known;
}

}  // namespace

Result<const Evaluator*> find_evaluator(std::string_view kind) {
  if (std::optional<const Evaluator*> e = lookup(kind)) return *e;
  // Not under the table's lock: the module registers into this table.
  Status module = load_torch_module();
  if (std::optional<const Evaluator*> e = lookup(kind)) return *e;
  if (!module.ok()) {
    return FailedPrecondition("model kind \"" + std::string(kind) +
                              "\" is not built in (built in: " + known_kinds() + "); " +
                              module.message());
  }
  return InvalidArgument("unknown model kind \"" + std::string(kind) +
                         "\" (known: " + known_kinds() + ")");
}

}  // namespace hitloop::ml
