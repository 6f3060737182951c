// Which files of a hub repo make a checkpoint hitloop can use, both to
// judge a cached snapshot and to choose what to download: config.json, the
// tokenizer files, one weights file (model.safetensors, else
// pytorch_model.bin) and the sentence-transformers module files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/status.h"

namespace hitloop::hub {

// The files a usable checkpoint must have, as alternatives: each inner
// list needs one of its names ({"config.json"}, {"model.safetensors",
// "pytorch_model.bin"}, {"vocab.txt", "tokenizer.json"}).
const std::vector<std::vector<std::string>>& required_checkpoint_files();

// Ok when `dir` has every required file (through symlinks, as in a cache
// snapshot); NotFound naming the first missing file and where it was looked
// for otherwise.
Status check_checkpoint_dir(const std::filesystem::path& dir);

// From a repo's file list: the files to download before the
// sentence-transformers modules are known, in download order. NotFound
// when a required file is not in the repo (naming it and the repo).
Result<std::vector<std::string>> checkpoint_files(const std::vector<std::string>& repo_files,
                                                  const std::string& repo_id);

// The directories of a sentence-transformers `modules.json` (e.g.
// "1_Pooling", "2_Normalize"), checked as repo file names; the root module
// (path "") is the checkpoint itself. InvalidArgument for a malformed file.
Result<std::vector<std::string>> module_dirs(const std::string& modules_json);

// The repo files inside `dirs`, at most 64 (a module has a config, maybe
// weights): InvalidArgument past that bound.
Result<std::vector<std::string>> files_in_dirs(const std::vector<std::string>& repo_files,
                                               const std::vector<std::string>& dirs);

}  // namespace hitloop::hub
