// Models from training to serving, one code path for the CLI, the server
// and the demo: train and register a version, retrain behind the gate,
// activate, load the active model. The activation rules live here alone.
#pragma once

#include <string>
#include <vector>

#include "ml/registry.h"
#include "service/loop_service.h"
#include "service/store_access.h"

namespace hitloop::service {

// When a freshly trained (ungated) model becomes the active one.
enum class Activation {
  kIfNoneActive,  // `hitloop train`: the first model serves, later ones wait
  kAlways,        // `--activate`: even one worse than chance, with a warning
  kNever,         // `POST /v1/train`: a candidate for someone to activate
};

struct Registered {
  int version = 0;
  bool activated = false;
  ml::TrainReport report;             // held-out figures (report.model is the saved model)
  std::vector<std::string> warnings;  // for the user, e.g. activating a bad model
};

struct Activated {
  ml::LoadedModel model;  // ready to serve
  std::string warning;    // set when the model ranks held-out data worse than chance
};

class ModelLifecycle {
 public:
  ModelLifecycle(StoreAccess& store, std::string models_dir)
      : store_(store), models_dir_(std::move(models_dir)) {}

  // Measures on held-out data, fits, saves the next version and activates it
  // by `activation`. A model that ranks held-out data worse than chance is
  // activated only by kAlways.
  Result<Registered> train_and_register(const ml::Evaluator& evaluator,
                                        const std::vector<ml::Example>& examples,
                                        const ml::TrainOptions& options, Activation activation);

  // Gated retraining (service::plan_retrain, training, service::judge_challenger,
  // registering): the labels are read with StoreAccess::read, and the store
  // is held only while the new version is added, never while the
  // challenger trains or is compared. An active model that cannot be
  // loaded fails the retrain.
  Result<service::RetrainOutcome> retrain(const ml::Evaluator& evaluator,
                                          const service::RetrainOptions& options);

  // Makes `version` the active model, after checking that it loads
  // (checksums, weights): what cannot load never becomes active.
  Result<Activated> activate(int version);
  // NotFound when no model is active.
  Result<ml::LoadedModel> load_active();
  // The store's human labels to train on (the frozen holdout left out).
  Result<std::vector<ml::Example>> training_examples();

 private:
  StoreAccess& store_;
  std::string models_dir_;
};

}  // namespace hitloop::service
