// `users add|list` and `keys create`: manage who may use the server.
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "auth/auth.h"
#include "cli/command.h"

namespace hitloop::cli {
namespace {

// One line from the terminal with echo off (restored even on failure).
Result<std::string> read_hidden_line(Context& ctx, const std::string& prompt) {
  ctx.err << prompt << std::flush;
  termios old{};
  bool hidden = tcgetattr(STDIN_FILENO, &old) == 0;
  if (hidden) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (hidden) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  ctx.err << "\n";
  if (!ok) return InvalidArgument("no password entered");
  return line;
}

// The new user's password: --password, the first line of --password-file,
// $HITLOOP_PASSWORD, a prompt when stdin is a terminal, else "" (generate
// one). The flag stays for scripts, but it shows in `ps` and shell history.
Result<std::string> new_password(Context& ctx, const Args& args, const std::string& name) {
  if (args.has("--password") && args.has("--password-file")) {
    return InvalidArgument("give --password or --password-file, not both");
  }
  if (args.has("--password")) return args.get("--password");
  if (args.has("--password-file")) return auth::read_password_file(args.get("--password-file"));
  const char* env = std::getenv("HITLOOP_PASSWORD");
  if (env && *env) return std::string(env);
  if (!isatty(STDIN_FILENO)) return std::string();
  HITLOOP_ASSIGN_OR_RETURN(
      std::string first,
      read_hidden_line(ctx, "password for " + name + " (empty: generate one): "));
  if (first.empty()) return first;
  HITLOOP_ASSIGN_OR_RETURN(std::string again, read_hidden_line(ctx, "again: "));
  if (again != first) return InvalidArgument("the two passwords differ");
  return first;
}

int run_users(Context& ctx, const Args& args) {
  const auto& pos = args.positional();
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  if (pos[0] == "list" && pos.size() == 1) {
    Result<std::vector<User>> users = (*store)->list_users();
    if (!users.ok()) return fail(ctx, users.status());
    for (const User& u : *users) ctx.out << u.name << "\t" << u.role << "\n";
    return 0;
  }
  if (pos[0] == "add" && pos.size() == 2) {
    Result<std::string> given = new_password(ctx, args, pos[1]);
    if (!given.ok()) return fail(ctx, given.status());
    std::string password = *given;
    bool generated = password.empty();
    if (generated) password = auth::generate_password();
    Status st = auth::create_user(**store, pos[1], args.get("--role", "reviewer"), password);
    if (!st.ok()) return fail(ctx, st);
    ctx.out << "created " << args.get("--role", "reviewer") << " " << pos[1];
    if (generated) ctx.out << " with password " << password << " (shown once)";
    ctx.out << "\n";
    return 0;
  }
  return fail(ctx, InvalidArgument("usage: hitloop users add NAME [--role admin|reviewer] | list"));
}

int run_keys(Context& ctx, const Args& args) {
  const auto& pos = args.positional();
  if (pos[0] != "create" || pos.size() != 2) {
    return fail(ctx, InvalidArgument("usage: hitloop keys create NAME"));
  }
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  Result<std::string> key = auth::create_api_key(**store, pos[1], now_ms());
  if (!key.ok()) return fail(ctx, key.status());
  ctx.out << *key << "\n";
  ctx.err << "API key \"" << pos[1]
          << "\" created; it is shown only now. Send it as 'Authorization: Bearer KEY'.\n";
  return 0;
}

}  // namespace

Command users_command() {
  return {{"users",
           "add NAME | list",
           "Manage users of the review UI and API (roles: admin, reviewer).\n\n"
           "users add takes the password from --password, --password-file, $HITLOOP_PASSWORD,\n"
           "else asks for it when stdin is a terminal, else generates one and prints it once.",
           {{"--role", "ROLE", "admin or reviewer (default reviewer)"},
            {"--password", "PW", "the password (visible in ps; prefer the next two)"},
            {"--password-file", "FILE", "read the password from FILE's first line"}},
           1,
           2},
          run_users};
}

Command keys_command() {
  return {{"keys",
           "create NAME",
           "Create an API key for a service calling /v1/sessions and /v1/evaluate.\n\n"
           "The key is printed once and stored hashed.",
           {},
           2,
           2},
          run_keys};
}

}  // namespace hitloop::cli
