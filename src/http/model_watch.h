// Keeps the served model in step with the store's active model, whoever
// activated it: `hitloop models activate` runs in another process and
// reaches the server only through the database.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/app.h"

namespace hitloop::http {

class ModelWatch {
 public:
  // Starts a thread that calls check() every `period`.
  ModelWatch(App& app, std::chrono::milliseconds period);
  ~ModelWatch();  // stops and joins
  ModelWatch(const ModelWatch&) = delete;
  ModelWatch& operator=(const ModelWatch&) = delete;

  // One look at the store: when its active model differs from the one
  // served, loads it and swaps it in. A model that fails to load is logged
  // once and the old one keeps serving.
  void check();

 private:
  App& app_;
  int failed_version_ = 0;  // the last version that failed to load
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace hitloop::http
