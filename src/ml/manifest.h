// manifest.json: what an artifact directory holds and how to trust it.
#pragma once

#include <map>
#include <string>

#include "core/status.h"
#include "ml/calibration.h"
#include "ml/metrics.h"

namespace hitloop::ml {

constexpr int kManifestFormat = 1;

struct Manifest {
  int format_version = kManifestFormat;
  std::string kind;
  int version = 0;
  int parent_version = 0;
  std::string dataset_hash;
  int64_t n_train = 0;
  std::string validation;
  Metrics metrics;
  std::map<std::string, Metrics> metrics_by_category;
  Platt calibration;
  double threshold = 0.5;  // good iff P(good) >= threshold
  std::string labels = "{0: bad, 1: good}";
  std::map<std::string, std::string> checksums;  // file -> BLAKE2b-256 hex
  int64_t created_at_ms = 0;
  std::string note;  // why it is (not) active; kept in the registry row, not the file
};

std::string manifest_to_json(const Manifest& m);
// `origin` names the file in error messages.
Result<Manifest> parse_manifest(const std::string& text, const std::string& origin);

std::string metrics_to_json(const Metrics& m);
std::string calibration_to_json(const Platt& p);

// BLAKE2b-256 of a file's content, hex; IoError when unreadable.
Result<std::string> file_checksum(const std::string& path);

}  // namespace hitloop::ml
