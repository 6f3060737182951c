// The Store: where sessions, reviews, models, verdicts, alerts and users
// live. Four interfaces by concern (below) that `Store` gathers, implemented
// on SQLite; nothing outside src/store/ sees a database handle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  std::vector<int64_t> session_ids;  // per row, in order
  std::vector<bool> created;         // per row: a new session?
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
// States are enums in memory; their names below are what the database
// stores and the JSON shows.
enum class ModelStatus { kCandidate, kActive, kRetired };
inline const char* model_status_name(ModelStatus s) {
  return s == ModelStatus::kActive    ? "active"
         : s == ModelStatus::kRetired ? "retired"
                                      : "candidate";
}
inline ModelStatus parse_model_status(std::string_view s) {
  return s == "active"    ? ModelStatus::kActive
         : s == "retired" ? ModelStatus::kRetired
                          : ModelStatus::kCandidate;
}

enum class AlertDirection { kDrop, kRise };
inline const char* direction_name(AlertDirection d) {
  return d == AlertDirection::kRise ? "rise" : "drop";
}
inline AlertDirection parse_direction(std::string_view s) {
  return s == "rise" ? AlertDirection::kRise : AlertDirection::kDrop;
}

struct ModelRecord {
  int version = 0;
  std::string kind;
  int parent_version = 0;  // 0 = none
  int64_t created_at_ms = 0;
  std::string dataset_hash;
  std::string metrics_json = "{}";
  std::string calibration_json = "{}";
  ModelStatus status = ModelStatus::kCandidate;
  std::string note;
  std::string path;  // artifact directory
};

struct VerdictRecord {
  int64_t id = 0;
  int64_t session_id = 0;
  int model_version = 0;
  double score = 0;  // P(good)
  bool good = false;
  double threshold = 0.5;  // the model's decision threshold at the time
  bool audit = false;      // sampled for human audit
  std::string decision;
  int64_t latency_us = 0;
  int64_t created_at_ms = 0;
};

struct SessionFilter {
  std::optional<bool> labeled;
  std::string category;                // "" = any
  std::optional<Label> label;          // majority human label
  std::optional<Label> verdict;        // latest model verdict
  std::string text;                    // substring of input or output
  int64_t since_ms = 0, until_ms = 0;  // 0 = unbounded
  int limit = 50, offset = 0;
};

struct SessionSummary {
  Session session;
  std::optional<Label> label;
  int64_t reviews = 0;
  std::optional<VerdictRecord> verdict;  // the latest
};

struct SessionPage {
  int64_t total = 0;
  std::vector<SessionSummary> sessions;  // newest first
};

struct SessionDetail {
  SessionSummary summary;
  std::vector<Review> reviews;
  std::vector<VerdictRecord> verdicts;
};

struct QueueItem {
  std::optional<SessionSummary> next;
  int64_t remaining = 0;       // sessions this reviewer has not reviewed
  int64_t reviewed_by_me = 0;  // sessions this reviewer has reviewed
};

// A human review and the latest model verdict made before it.
struct AuditPair {
  int64_t session_id = 0;
  std::string category;
  Label human = Label::kBad;
  std::vector<std::string> tags;
  ReviewKind kind = ReviewKind::kLabel;
  int64_t reviewed_at_ms = 0;
  VerdictRecord verdict;
};

// A session the reviewer has not reviewed, with what the queue needs.
struct QueueCandidate {
  int64_t session_id = 0;
  int64_t created_at_ms = 0;
  std::optional<VerdictRecord> verdict;  // the latest
  std::optional<Label> label;            // majority human label
  int64_t reviewers = 0;
  bool audited = false;  // has an audit review
};

struct AlertRecord {
  int64_t id = 0;
  int64_t created_at_ms = 0;
  int64_t bucket_start_ms = 0;
  int64_t bucket_ms = 0;
  AlertDirection direction = AlertDirection::kDrop;
  double baseline = 0, observed = 0, statistic = 0;
  std::string category;   // "" = all
  int model_version = 0;  // 0 = all
};

struct User {
  int64_t id = 0;
  std::string name;
  std::string role;  // admin | reviewer
  std::string password_hash;
};

// One human review as the review history shows it: the review, its
// session and the session's latest model verdict.
struct ReviewHistoryRow {
  Review review;
  Session session;
  std::optional<VerdictRecord> verdict;
};

using SessionVisitor = std::function<Status(const Session&, const std::vector<Review>&)>;
using ReviewVisitor = std::function<Status(const ReviewHistoryRow&)>;

// The store is split by concern into four interfaces, so that a component
// names only what it uses (the review UI needs no model catalog, the
// verdict writer nothing but verdicts), a test double implements one small
// interface, and an implementation can put each concern on its own
// connection. `Store` is all four: one SQLite database implements them
// together, and code that needs several keeps taking a Store.

// Sessions and their human reviews: import, scans, browsing, the review
// queue.
class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // Writes all rows in one transaction: on any error nothing is written.
  // A row matches a stored session by external id when it has one, else by
  // the hash of (input, output, category); a match adds no session, and
  // adds a review only when the reviewer's latest label on it differs.
  virtual Result<ImportSummary> import_rows(const std::vector<ImportRow>& rows,
                                            const ImportOptions& options) = 0;
  // The same, one transaction, for rows that arrive in chunks (a file
  // parsed while it is written): `next` fills `chunk` and returns true, or
  // returns false at the end, or an error, which rolls everything back and
  // is returned. `text_bytes`: about how much text the rows hold, to size
  // the import's page cache (0: unknown).
  using RowChunkSource = std::function<Result<bool>(std::vector<ImportRow>& chunk)>;
  virtual Result<ImportSummary> import_chunks(const RowChunkSource& next, int64_t text_bytes,
                                              const ImportOptions& options) = 0;

  // Visits sessions in id order, each with its reviews in chronological order.
  virtual Status scan_sessions(const ScanOptions& options, const SessionVisitor& visit) = 0;

  virtual Result<SessionPage> list_sessions(const SessionFilter& filter) = 0;
  virtual Result<SessionDetail> get_session(int64_t id) = 0;    // NotFound when absent
  virtual Result<Review> add_review(const Review& review) = 0;  // fills id
  // Removes a review; with a non-empty `reviewer`, only if it is theirs.
  virtual Status delete_review(int64_t review_id, const std::string& reviewer) = 0;
  virtual Result<QueueItem> next_for_review(const std::string& reviewer,
                                            const std::vector<int64_t>& skip) = 0;
  // Visits every review ever kept, oldest first. Review ids only grow: one
  // deleted is never given to another review.
  virtual Status scan_review_history(const ReviewVisitor& visit) = 0;
  // Sessions the reviewer has not reviewed, in id order, with what the
  // queue's order needs.
  virtual Result<std::vector<QueueCandidate>> queue_candidates(const std::string& reviewer,
                                                               const std::vector<int64_t>& skip,
                                                               int limit) = 0;
};

// The registry's rows: which model versions exist and which one is active.
class ModelCatalog {
 public:
  virtual ~ModelCatalog() = default;

  // Versions are allocated by the caller as max + 1.
  virtual Result<int> max_model_version() = 0;
  // Inserts the row; with `activate`, atomically makes it the only active one.
  virtual Status add_model(const ModelRecord& record, bool activate) = 0;
  virtual Result<std::vector<ModelRecord>> list_models() = 0;
  virtual Result<ModelRecord> get_model(int version) = 0;  // NotFound when absent
  virtual Result<ModelRecord> active_model() = 0;          // NotFound when none
  // The previous active model becomes "retired".
  virtual Status activate_model(int version) = 0;
};

// What the models decided and what the loop derives from it: verdicts,
// verdicts paired with the human reviews that followed, pass-rate alerts.
class VerdictStore {
 public:
  virtual ~VerdictStore() = default;

  // Stores the batch in one transaction; verdicts of unknown sessions are
  // skipped.
  virtual Status add_verdicts(const std::vector<VerdictRecord>& verdicts) = 0;
  // Every human review with the latest verdict made before it.
  virtual Result<std::vector<AuditPair>> audit_pairs() = 0;
  // Verdicts since `since_ms`, oldest first, each with its session's category.
  virtual Result<std::vector<std::pair<VerdictRecord, std::string>>> verdicts_since(
      int64_t since_ms) = 0;
  // Inserts alerts not stored yet; returns the new ones with their ids.
  virtual Result<std::vector<AlertRecord>> add_alerts(const std::vector<AlertRecord>& alerts) = 0;
  virtual Result<std::vector<AlertRecord>> list_alerts() = 0;
  virtual Result<AlertRecord> get_alert(int64_t id) = 0;
};

// Users, API keys, login sessions, settings. Secrets arrive hashed.
class UserStore {
 public:
  virtual ~UserStore() = default;

  virtual Status add_user(const User& user) = 0;                // AlreadyExists on a taken name
  virtual Result<User> find_user(const std::string& name) = 0;  // NotFound
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Status add_api_key(const std::string& name, const std::string& key_hash,
                             int64_t now_ms) = 0;
  virtual Result<std::string> find_api_key(const std::string& key_hash) = 0;  // its name
  virtual Status add_login(const std::string& token_hash, int64_t user_id,
                           int64_t expires_at_ms) = 0;
  virtual Result<User> find_login(const std::string& token_hash, int64_t now_ms) = 0;
  virtual Status delete_login(const std::string& token_hash) = 0;
  virtual Result<std::optional<std::string>> get_setting(const std::string& key) = 0;
  virtual Status set_setting(const std::string& key, const std::string& value) = 0;
};

// The whole store: every concern on one database.
class Store : public SessionStore, public ModelCatalog, public VerdictStore, public UserStore {
 public:
  ~Store() override = default;

  virtual int schema_version() const = 0;
};

// Opens (creating if needed) the store at `location`: a file path for
// SQLite. Applies pending migrations; refuses a newer schema.
Result<std::unique_ptr<Store>> open_store(const std::string& location);

// The hash that identifies a session without an external id.
std::string session_content_hash(std::string_view input, std::string_view output,
                                 std::string_view category);

}  // namespace hitloop
