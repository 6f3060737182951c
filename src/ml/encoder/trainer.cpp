#include "ml/encoder/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include "core/metrics.h"

namespace hitloop::ml::encoder {
namespace {

using Clock = std::chrono::steady_clock;

std::string duration_text(double seconds) {
  char buf[32];
  long s = std::lround(std::max(0.0, seconds));
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

struct Tokenized {
  std::vector<text::Encoding> rows;
  std::vector<int64_t> labels;
  std::vector<float> weights;
};

Tokenized tokenize(const EncoderState& state, const std::vector<Example>& examples) {
  Tokenized t;
  for (const Example& e : examples) {
    t.rows.push_back(
        state.tokenizer->encode(e.input, e.output, static_cast<size_t>(state.max_length)));
    t.labels.push_back(e.label);
    t.weights.push_back(static_cast<float>(e.weight));
  }
  return t;
}

// Held-out quality of the current weights: metrics on P(good) (softmax of
// the logits, threshold 0.5) and the mean loss.
struct EpochScore {
  Metrics metrics;
  double loss = 0;
};

EpochScore score_held_out(EncoderState& state, const std::vector<Example>& held) {
  std::vector<TextPair> pairs;
  std::vector<int> labels;
  for (const Example& e : held) {
    pairs.push_back({e.input, e.output});
    labels.push_back(e.label);
  }
  state.net->eval();
  torch::Tensor logits = infer_logits(state, pairs);
  state.net->train();
  torch::Tensor margin = (logits.select(1, 1) - logits.select(1, 0)).to(torch::kDouble);
  std::vector<double> probs(held.size());
  EpochScore s;
  for (size_t i = 0; i < held.size(); ++i) {
    double m = margin[static_cast<int64_t>(i)].item<double>();
    probs[i] = 1.0 / (1.0 + std::exp(-m));
    // Cross-entropy from the margin, stable for large |m|.
    double signed_m = labels[i] ? m : -m;
    s.loss += std::log1p(std::exp(-std::abs(signed_m))) + std::max(0.0, -signed_m);
  }
  s.loss /= std::max<size_t>(1, held.size());
  s.metrics = compute_metrics(labels, probs, 0.5);
  return s;
}

bool better(const EpochScore& a, const EpochScore& b) {
  double aa = a.metrics.auroc.value_or(0.5), ba = b.metrics.auroc.value_or(0.5);
  if (std::abs(aa - ba) > 1e-9) return aa > ba;
  return a.loss < b.loss;
}

std::vector<torch::Tensor> snapshot(SequenceClassifier& net) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& p : net.parameters()) out.push_back(p.detach().clone());
  return out;
}

void restore(SequenceClassifier& net, const std::vector<torch::Tensor>& saved) {
  torch::NoGradGuard no_grad;
  auto params = net.parameters();
  for (size_t i = 0; i < params.size(); ++i) params[i].copy_(saved[i]);
}

std::string epoch_line(int epoch, int epochs, const EpochScore& s) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "epoch %d/%d held-out: loss %.4f  AUROC %s  acc %.3f  macro-F1 %.3f  brier %.3f",
                epoch, epochs, s.loss,
                s.metrics.auroc ? std::to_string(*s.metrics.auroc).substr(0, 5).c_str() : "n/a",
                s.metrics.accuracy, s.metrics.macro_f1, s.metrics.brier);
  return buf;
}

}  // namespace

bool decays(const std::string& name) {
  // transformers' get_decay_parameter_names: not in a LayerNorm module, and
  // no "bias" in the name.
  const bool in_norm =
      name.find("LayerNorm") != std::string::npos || name.find("layer_norm") != std::string::npos;
  return !in_norm && name.find("bias") == std::string::npos;
}

std::unique_ptr<FusedAdamW> make_optimizer(SequenceClassifier& net, double lr, double weight_decay,
                                           bool decay_all) {
  std::vector<torch::Tensor> with, without;
  for (const auto& item : net.named_parameters()) {
    (decay_all || decays(item.key()) ? with : without).push_back(item.value());
  }
  auto opts = [&](double wd) {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(lr).betas({0.9, 0.999}).eps(1e-8).weight_decay(wd));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(with, opts(weight_decay));
  if (!without.empty()) groups.emplace_back(without, opts(0.0));
  return std::make_unique<FusedAdamW>(groups, torch::optim::AdamWOptions(lr).weight_decay(0));
}

torch::Tensor batch_loss(SequenceClassifier& net, const TensorBatch& batch,
                         const torch::Tensor& labels, const torch::Tensor& weights) {
  torch::Tensor logits = net.forward(batch.input_ids, batch.token_type_ids, batch.attention_mask);
  if (!weights.defined()) return torch::nn::functional::cross_entropy(logits, labels);
  torch::Tensor per_row = torch::nn::functional::cross_entropy(
      logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
  return (per_row * weights).sum() / weights.sum();
}

double train_step(SequenceClassifier& net, FusedAdamW& optimizer, const TensorBatch& batch,
                  const torch::Tensor& labels, const torch::Tensor& weights, double lr,
                  double max_grad_norm) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
  optimizer.drop_grads();
  torch::Tensor loss = batch_loss(net, batch, labels, weights);
  loss.backward();
  if (max_grad_norm > 0) {
    optimizer.set_grad_scale(clip_factor(gradient_norm(net.parameters()), max_grad_norm));
  }
  optimizer.step();
  return loss.item<double>();
}

double linear_schedule(int64_t step, int64_t total, int64_t warmup) {
  if (step < warmup)
    return static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
  return std::max(0.0, static_cast<double>(total - step) /
                           static_cast<double>(std::max<int64_t>(1, total - warmup)));
}

Status fine_tune(EncoderState& state, const std::vector<Example>& examples,
                 const TrainOptions& options) {
  const EncoderTrainOptions& o = options.encoder;
  if (o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0) || o.weight_decay < 0 ||
      o.warmup_ratio < 0 || o.warmup_ratio > 1) {
    return InvalidArgument(
        "encoder training needs epochs >= 1, batch size >= 1, a positive learning rate, "
        "weight decay >= 0 and a warm-up ratio in [0, 1]");
  }
  torch::manual_seed(options.seed);  // dropout masks
  SequenceClassifier& net = *state.net;
  net.train();
  Tokenized data = tokenize(state, examples);
  const int64_t n = static_cast<int64_t>(data.rows.size());
  const int64_t steps_per_epoch = (n + o.batch_size - 1) / o.batch_size;
  const int64_t total = steps_per_epoch * o.epochs;
  const int64_t warmup =
      static_cast<int64_t>(std::ceil(o.warmup_ratio * static_cast<double>(total)));
  auto optimizer = make_optimizer(net, o.learning_rate, o.weight_decay, o.decay_all_parameters);

  std::mt19937_64 rng(options.seed);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::vector<torch::Tensor> best;
  EpochScore best_score;
  int best_epoch = 0;
  int64_t step = 0;
  const auto start = Clock::now();
  auto last_report = start;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0;
    int64_t loss_count = 0;
    for (int64_t b = 0; b < steps_per_epoch; ++b, ++step) {
      std::vector<text::Encoding> rows;
      std::vector<int64_t> labels;
      std::vector<float> weights;
      for (int64_t i = b * o.batch_size; i < std::min(n, (b + 1) * o.batch_size); ++i) {
        rows.push_back(data.rows[static_cast<size_t>(order[static_cast<size_t>(i)])]);
        labels.push_back(data.labels[static_cast<size_t>(order[static_cast<size_t>(i)])]);
        weights.push_back(data.weights[static_cast<size_t>(order[static_cast<size_t>(i)])]);
      }
      TensorBatch batch = to_tensors(text::pad_to_longest(rows, state.tokenizer->pad_id()));
      torch::Tensor y = torch::tensor(labels, torch::kLong);
      torch::Tensor w = torch::tensor(weights, torch::kFloat);
      double lr = o.learning_rate * linear_schedule(step, total, warmup);
      loss_sum += train_step(net, *optimizer, batch, y, w, lr, o.max_grad_norm);
      ++loss_count;
      auto now = Clock::now();
      const bool last = b + 1 == steps_per_epoch;
      if (last || now - last_report > std::chrono::seconds(5)) {
        last_report = now;
        double elapsed = std::chrono::duration<double>(now - start).count();
        double examples_done = static_cast<double>(step + 1) * o.batch_size;
        char buf[200];
        std::snprintf(buf, sizeof buf, "epoch %d/%d step %lld/%lld loss %.4f %.1f ex/s ETA %s",
                      epoch, o.epochs, static_cast<long long>(b + 1),
                      static_cast<long long>(steps_per_epoch), loss_sum / loss_count,
                      examples_done / std::max(1e-9, elapsed),
                      duration_text(elapsed / static_cast<double>(step + 1) *
                                    static_cast<double>(total - step - 1))
                          .c_str());
        options.progress(buf);
      }
    }
    if (options.validation && !options.validation->empty()) {
      EpochScore s = score_held_out(state, *options.validation);
      options.progress(epoch_line(epoch, o.epochs, s));
      if (best.empty() || better(s, best_score)) {
        best = snapshot(net);
        best_score = s;
        best_epoch = epoch;
      }
    }
  }
  if (!best.empty()) {
    if (best_epoch != o.epochs) restore(net, best);
    options.progress("kept epoch " + std::to_string(best_epoch) + " (best held-out AUROC)");
  }
  net.eval();
  return Status::Ok();
}

}  // namespace hitloop::ml::encoder
