// What every subcommand shares: the context it runs in, and helpers that turn
// a Status into a message and an exit code. Only src/cli/ prints or exits.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "cli/args.h"
#include "core/clock.h"
#include "store/store.h"

namespace hitloop::cli {

struct Context {
  std::string db_path;
  std::ostream& out;  // figures and --json
  std::ostream& err;  // progress, warnings, errors
  // Set by the command table for commands that write before they read
  // (import, serve...); a read command given a path with no store fails
  // rather than create an empty one and report on nothing.
  bool may_create_store = false;
};

using CommandFn = int (*)(Context&, const Args&);

struct Command {
  CommandSpec spec;
  CommandFn run;
};

const std::vector<Command>& all_commands();

// Prints "hitloop: error: MESSAGE" and returns the exit code: 2 for bad
// input or usage, 1 for other failures.
int fail(Context& ctx, const Status& status);

// Opens the store at ctx.db_path; "no store at PATH" when there is none and
// the command may not create one.
Result<std::unique_ptr<Store>> open_context_store(const Context& ctx);

// Writes `data` to `path` through a temp file and a rename, so a reader
// never sees half a file; "-" or "" writes to ctx.out.
Status write_output(Context& ctx, const std::string& path, const std::string& data);

// Commands, one file each.
Command import_command();
Command export_command();
Command stats_command();
Command demo_command();
Command example_data_command();
Command train_command();
Command eval_command();
Command predict_command();
Command score_command();
Command models_command();
Command serve_command();
Command users_command();
Command keys_command();
Command report_command();
Command retrain_command();

}  // namespace hitloop::cli

namespace hitloop::cli {

// Imports one parsed file in one transaction and prints its summary (or its
// first 20 problems). Returns the exit code for that file.
int import_parsed(Context& ctx, Store& store, const std::string& name, const ParsedDataset& parsed,
                  const ImportOptions& options);

}  // namespace hitloop::cli

namespace hitloop {
struct DatasetStats;
}

namespace hitloop::cli {

// Prints dataset statistics as a table, or as one JSON object.
void print_stats(Context& ctx, const DatasetStats& stats, bool json);

}  // namespace hitloop::cli

namespace hitloop::cli {

// Serves `store` with the serve flags in `args` (shared by serve and demo);
// creates the first admin when there are no users.
int serve_store(Context& ctx, const Args& args, std::unique_ptr<Store> store,
                const std::string& banner);
const std::vector<Flag>& serve_flags();

}  // namespace hitloop::cli
