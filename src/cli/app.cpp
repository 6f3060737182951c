#include "cli/app.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "core/clock.h"
#ifdef HITLOOP_HAVE_ENCODER
#include "ml/encoder/encoder_evaluator.h"
#endif

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
  return status.is_bad_input() ? 2 : 1;
}

Result<std::unique_ptr<Store>> open_context_store(const Context& ctx) {
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

std::string usage() {
  std::string out =
      "hitloop: turn human reviews of LLM sessions into a custom evaluation model.\n\n"
      "usage: hitloop [--db PATH] COMMAND [OPTIONS]\n\n"
      "  --db PATH     the store (default $HITLOOP_DB, else ./hitloop.db)\n\n"
      "commands:\n";
  for (const Command& c : all_commands()) {
    std::string name = "  " + c.spec.name;
    name.resize(16, ' ');
    out += name + c.spec.summary.substr(0, c.spec.summary.find('\n')) + "\n";
  }
  out += "\nRun 'hitloop COMMAND --help' for a command's options.\n";
  return out;
}

}  // namespace

int run_app(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
#ifdef HITLOOP_HAVE_ENCODER
  ml::encoder::register_encoder_evaluator();
#endif
  const char* env_db = std::getenv("HITLOOP_DB");
  Context ctx{env_db && *env_db ? env_db : "hitloop.db", out, err};
  size_t i = 0;
  for (; i < argv.size() && argv[i].rfind("-", 0) == 0; ++i) {
    const std::string& a = argv[i];
    if (a == "-h" || a == "--help") {
      out << usage();
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
  for (const Command& c : all_commands()) {
    if (c.spec.name != argv[i]) continue;
    Result<Args> args = parse_args(c.spec, {argv.begin() + static_cast<long>(i) + 1, argv.end()});
    if (!args.ok()) return fail(ctx, args.status());
    if (args->has("--help")) {
      out << help_text(c.spec);
      return 0;
    }
    return c.run(ctx, *args);
  }
  err << "hitloop: error: unknown command '" << argv[i] << "'\n\n" << usage();
  return 2;
}

}  // namespace hitloop::cli
