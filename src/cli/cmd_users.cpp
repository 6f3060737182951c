// `users add|list` and `keys create`: manage who may use the server.
#include "auth/auth.h"
#include "cli/command.h"

namespace hitloop::cli {
namespace {

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
    std::string password = args.get("--password");
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
           "Manage users of the review UI and API (roles: admin, reviewer).",
           {{"--role", "ROLE", "admin or reviewer (default reviewer)"},
            {"--password", "PW", "the password (default: generated and printed once)"}},
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
