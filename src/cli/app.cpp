#include "cli/app.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "core/clock.h"

namespace hitloop::cli {

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = {
      import_command(),  export_command(),  stats_command(),       train_command(),
      eval_command(),    predict_command(), score_command(),       models_command(),
      serve_command(),   users_command(),   keys_command(),        report_command(),
      retrain_command(), demo_command(),    example_data_command()};
  return commands;
}

int fail(Context& ctx, const Status& status) {
  ctx.err << "hitloop: error: " << status.message() << "\n";
  return status_mapping(status.code()).exit_code;
}

Result<std::unique_ptr<Store>> open_context_store(const Context& ctx) {
  // Without the file's directory SQLite could not create it anyway, and
  // open_store says so ("cannot open database").
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(ctx.db_path).parent_path();
  if (!ctx.may_create_store && !std::filesystem::exists(ctx.db_path, ec) && !ec &&
      std::filesystem::is_directory(parent.empty() ? "." : parent, ec)) {
    return InvalidArgument("no store at " + ctx.db_path +
                           " (import data first, or give --db PATH or $HITLOOP_DB)");
  }
  return open_store(ctx.db_path);
}

Status write_output(Context& ctx, const std::string& path, const std::string& data) {
  if (path.empty() || path == "-") {
    ctx.out << data;
    ctx.out.flush();
    return Status::Ok();
  }
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return InvalidArgument(path + ": cannot write: " + std::strerror(errno));
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!f.flush()) {
      std::remove(tmp.c_str());
      return IoError(path + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return IoError(path + ": cannot rename into place: " + std::strerror(errno));
  }
  return Status::Ok();
}

namespace {

// From project(VERSION) in CMakeLists.txt, so that there is one place to bump.
#ifndef HITLOOP_VERSION
#error "HITLOOP_VERSION must be defined by the build"
#endif

std::string usage() {
  std::string out =
      "hitloop: turn human reviews of LLM sessions into a custom evaluation model.\n\n"
      "usage: hitloop [--db PATH] COMMAND [OPTIONS]\n"
      "       hitloop help [COMMAND]\n"
      "       hitloop --version\n\n"
      "  --db PATH     the store (default $HITLOOP_DB, else ./hitloop.db)\n\n"
      "commands:\n";
  for (const Command& c : all_commands()) {
    std::string name = "  " + c.spec.name;
    name.resize(16, ' ');
    out += name + c.spec.summary.substr(0, c.spec.summary.find('\n')) + "\n";
  }
  out += "\nRun 'hitloop help COMMAND' or 'hitloop COMMAND --help' for a command's options.\n";
  return out;
}

const Command* find_command(const std::string& name) {
  for (const Command& c : all_commands()) {
    if (c.spec.name == name) return &c;
  }
  return nullptr;
}

// Commands that write before they read may create the store; the others
// only make sense on one that exists.
bool may_create_store(const std::string& command, const Args& args) {
  const std::vector<std::string>& pos = args.positional();
  std::string action = pos.empty() ? "" : pos[0];
  return command == "import" || command == "serve" || command == "demo" ||
         (command == "train" && args.has("--data")) || (command == "users" && action == "add") ||
         (command == "keys" && action == "create");
}

// `hitloop help [COMMAND]`.
int run_help(const std::vector<std::string>& topics, std::ostream& out, std::ostream& err) {
  if (topics.empty()) {
    out << usage();
    return 0;
  }
  const Command* c = topics.size() == 1 ? find_command(topics[0]) : nullptr;
  if (c == nullptr) {
    err << "hitloop: error: "
        << (topics.size() == 1 ? "unknown command '" + topics[0] + "'"
                               : std::string("help takes one COMMAND"))
        << "\n\n"
        << usage();
    return 2;
  }
  out << help_text(c->spec);
  return 0;
}

}  // namespace

int run_app(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  const char* env_db = std::getenv("HITLOOP_DB");
  Context ctx{env_db && *env_db ? env_db : "hitloop.db", out, err};
  size_t i = 0;
  for (; i < argv.size() && argv[i].rfind("-", 0) == 0; ++i) {
    const std::string& a = argv[i];
    if (a == "-h" || a == "--help") {
      out << usage();
      return 0;
    }
    if (a == "--version") {
      out << "hitloop " << HITLOOP_VERSION << "\n";
      return 0;
    }
    if (a == "--db" && i + 1 < argv.size()) {
      ctx.db_path = argv[++i];
    } else if (a.rfind("--db=", 0) == 0) {
      ctx.db_path = a.substr(5);
    } else {
      err << "hitloop: error: unknown option " << a << "\n\n" << usage();
      return 2;
    }
  }
  if (i == argv.size()) {
    err << usage();
    return 2;
  }
  std::vector<std::string> rest(argv.begin() + static_cast<long>(i) + 1, argv.end());
  if (argv[i] == "help") return run_help(rest, out, err);
  const Command* c = find_command(argv[i]);
  if (c == nullptr) {
    err << "hitloop: error: unknown command '" << argv[i] << "'\n\n" << usage();
    return 2;
  }
  Result<Args> args = parse_args(c->spec, rest);
  if (!args.ok()) return fail(ctx, args.status());
  if (args->has("--help")) {
    out << help_text(c->spec);
    return 0;
  }
  ctx.may_create_store = may_create_store(c->spec.name, *args);
  return c->run(ctx, *args);
}

}  // namespace hitloop::cli
