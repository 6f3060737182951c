#include "service/verdict_recorder.h"

#include <chrono>

#include "service/store_access.h"

namespace hitloop::service {

namespace {

size_t text_bytes(const LoggedVerdict& v) {
  return v.session.model_input.size() + v.session.model_output.size() + v.session.category.size() +
         v.session.external_id.size();
}

}  // namespace

VerdictRecorder::VerdictRecorder(StoreAccess& store,
                                 std::function<void(const std::string&)> on_error,
                                 VerdictRecorderLimits limits)
    : store_(store),
      on_error_(std::move(on_error)),
      limits_(limits),
      thread_(&VerdictRecorder::run, this) {}

VerdictRecorder::~VerdictRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool VerdictRecorder::add(LoggedVerdict v) {
  const size_t bytes = text_bytes(v);
  int64_t dropped = 0;
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= limits_.max_items || queued_bytes_ + bytes > limits_.max_bytes) {
      dropped = ++dropped_;
    } else {
      queue_.push_back(std::move(v));
      queued_bytes_ += bytes;
      ++enqueued_;
    }
  }
  if (dropped == 0) {
    wake_.notify_one();
    return true;
  }
  if (dropped == 1 || dropped % 1000 == 0) {
    on_error_("verdict log: queue full (" + std::to_string(limits_.max_items) + " verdicts or " +
              std::to_string(limits_.max_bytes >> 20) + " MiB), " + std::to_string(dropped) +
              " verdicts dropped so far");
  }
  return false;
}

int64_t VerdictRecorder::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void VerdictRecorder::flush() {
  std::unique_lock lock(mu_);
  int64_t target = enqueued_;
  drained_.wait(lock, [&] { return written_ >= target; });
}

int64_t VerdictRecorder::written() const {
  std::lock_guard lock(mu_);
  return written_;
}

void VerdictRecorder::run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    // Let a burst accumulate: one transaction per batch, not per request.
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    lock.lock();
    std::vector<LoggedVerdict> batch(std::make_move_iterator(queue_.begin()),
                                     std::make_move_iterator(queue_.end()));
    queue_.clear();
    queued_bytes_ = 0;
    lock.unlock();
    std::vector<ImportRow> rows;
    for (const LoggedVerdict& v : batch) {
      if (v.verdict.session_id == 0) rows.push_back(v.session);
    }
    Status st = store_.with([&](Store& s) -> Status {
      ImportOptions options;
      options.now_ms = batch.front().verdict.created_at_ms;
      ImportSummary summary;
      if (!rows.empty()) {
        HITLOOP_ASSIGN_OR_RETURN(summary, s.import_rows(rows, options));
      }
      std::vector<VerdictRecord> verdicts;
      size_t next_row = 0;
      for (const LoggedVerdict& v : batch) {
        verdicts.push_back(v.verdict);
        if (v.verdict.session_id == 0) verdicts.back().session_id = summary.session_ids[next_row++];
      }
      return s.add_verdicts(verdicts);
    });
    // The answers were already sent; a batch that cannot be written is
    // reported, not retried forever.
    if (!st.ok())
      on_error_("verdict log: " + std::to_string(batch.size()) +
                " verdicts not written: " + st.message());
    lock.lock();
    if (!st.ok()) dropped_ += static_cast<int64_t>(batch.size());
    written_ += static_cast<int64_t>(batch.size());
    drained_.notify_all();
  }
}

}  // namespace hitloop::service
