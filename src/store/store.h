// The Store: where sessions, reviews (and later verdicts, models, users)
// live. One interface, implemented on SQLite (embedded default) and later
// PostgreSQL; nothing outside src/store/ sees a database handle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/session.h"
#include "core/status.h"

namespace hitloop {

struct ImportOptions {
  std::string reviewer = "import";
  int64_t now_ms = 0;  // timestamp given to new sessions and reviews
};

struct ImportSummary {
  int64_t rows = 0;
  int64_t added = 0;       // new sessions
  int64_t duplicates = 0;  // rows matching a session already stored
  int64_t labeled = 0;     // human reviews written
};

struct ScanOptions {
  bool labeled_only = false;  // only sessions with at least one review
};

// A trained model's row in the registry. metrics/calibration are JSON text
// owned by the ml layer's manifest codec.
struct ModelRecord {
  int version = 0;
  std::string kind;
  int parent_version = 0;  // 0 = none
  int64_t created_at_ms = 0;
  std::string dataset_hash;
  std::string metrics_json = "{}";
  std::string calibration_json = "{}";
  std::string status = "candidate";  // candidate | active | retired
  std::string note;
  std::string path;  // artifact directory
};

using SessionVisitor = std::function<Status(const Session&, const std::vector<Review>&)>;

class Store {
 public:
  virtual ~Store() = default;

  // Writes all rows in one transaction: on any error nothing is written.
  // A row matches a stored session by external id when it has one, else by
  // the hash of (input, output, category); a match adds no session, and
  // adds a review only when the reviewer's latest label on it differs.
  virtual Result<ImportSummary> import_rows(const std::vector<ImportRow>& rows,
                                            const ImportOptions& options) = 0;

  // Visits sessions in id order, each with its reviews in chronological order.
  virtual Status scan_sessions(const ScanOptions& options, const SessionVisitor& visit) = 0;

  virtual int schema_version() const = 0;

  // Models. Versions are allocated by the caller as max + 1.
  virtual Result<int> max_model_version() = 0;
  // Inserts the row; with `activate`, atomically makes it the only active one.
  virtual Status add_model(const ModelRecord& record, bool activate) = 0;
  virtual Result<std::vector<ModelRecord>> list_models() = 0;
  virtual Result<ModelRecord> get_model(int version) = 0;  // NotFound when absent
  virtual Result<ModelRecord> active_model() = 0;          // NotFound when none
  // The previous active model becomes "retired".
  virtual Status activate_model(int version) = 0;
};

// Opens (creating if needed) the store at `location`: a file path for
// SQLite. Applies pending migrations; refuses a newer schema.
Result<std::unique_ptr<Store>> open_store(const std::string& location);

// The hash that identifies a session without an external id.
std::string session_content_hash(std::string_view input, std::string_view output,
                                 std::string_view category);

}  // namespace hitloop
