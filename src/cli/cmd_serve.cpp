#include <cstdlib>
#include <iostream>

#include "auth/auth.h"
#include "cli/ml_common.h"
#include "http/server.h"
#include "loop/queue.h"
#include "loop/sampling.h"

namespace hitloop::cli {

namespace {

// The first admin's password as given: --admin-password, the first line of
// --admin-password-file, or $HITLOOP_ADMIN_PASSWORD; empty when none was.
struct GivenPassword {
  std::string value;
  std::string source;  // for messages
};

Result<GivenPassword> admin_password(const Args& args) {
  if (args.has("--admin-password") && args.has("--admin-password-file")) {
    return InvalidArgument("give --admin-password or --admin-password-file, not both");
  }
  if (args.has("--admin-password"))
    return GivenPassword{args.get("--admin-password"), "--admin-password"};
  if (args.has("--admin-password-file")) {
    HITLOOP_ASSIGN_OR_RETURN(std::string pw,
                             auth::read_password_file(args.get("--admin-password-file")));
    return GivenPassword{pw, "--admin-password-file"};
  }
  const char* env = std::getenv("HITLOOP_ADMIN_PASSWORD");
  if (env && *env) return GivenPassword{env, "$HITLOOP_ADMIN_PASSWORD"};
  return GivenPassword{};
}

}  // namespace

// Whatever the order of commands (reviewers are often added before the
// first start), a server needs someone who can manage users, keys and
// models: when no user has the admin role, the user admin is created.
Status ensure_admin(Context& ctx, Store& store, const Args& args) {
  HITLOOP_ASSIGN_OR_RETURN(GivenPassword given, admin_password(args));
  HITLOOP_ASSIGN_OR_RETURN(std::vector<User> users, store.list_users());
  for (const User& u : users) {
    if (u.role != "admin") continue;
    if (!given.value.empty()) {
      ctx.err << "hitloop: warning: " << given.source << " is ignored: user " << u.name
              << " already has the admin role (it only sets the first admin's password)\n";
    }
    return Status::Ok();
  }
  for (const User& u : users) {
    if (u.name == "admin") {
      return InvalidArgument("no user has the admin role and the name admin is taken by a " +
                             u.role + "; add an admin first: hitloop users add NAME --role admin");
    }
  }
  std::string password = given.value;
  bool generated = password.empty();
  if (generated) password = auth::generate_password();
  HITLOOP_RETURN_IF_ERROR(auth::create_user(store, "admin", "admin", password));
  ctx.out << "created user admin";
  if (generated) ctx.out << " with password " << password << " (shown once; keep it)";
  ctx.out << "\n";
  return Status::Ok();
}

int serve_store(Context& ctx, const Args& args, std::unique_ptr<Store> store,
                const std::string& banner) {
  http::ServerOptions options;
  options.host = args.get("--host", "127.0.0.1");
  Result<long long> port = args.get_int("--port", 8080);
  Result<long long> max_body = args.get_int("--max-body-bytes", 4 << 20);
  Result<long long> threads = args.get_int("--threads", 8);
  for (const auto* r : {&port, &max_body, &threads}) {
    if (!r->ok()) return fail(ctx, r->status());
  }
  if (*port < 0 || *port > 65535) return fail(ctx, InvalidArgument("--port must be 0-65535"));
  if (*max_body <= 0 || *threads <= 0) {
    return fail(ctx, InvalidArgument("--max-body-bytes and --threads must be positive"));
  }
  options.port = static_cast<int>(*port);
  options.max_body_bytes = static_cast<size_t>(*max_body);
  options.threads = static_cast<int>(*threads);
  options.no_auth = args.has("--no-auth");
  Result<double> audit_rate = args.get_double("--audit-rate", 0.05);
  Result<double> band = args.get_double("--uncertainty-band", loop::kDefaultUncertaintyBand);
  Result<long long> monitor = args.get_int("--monitor-seconds", 60);
  if (!audit_rate.ok()) return fail(ctx, audit_rate.status());
  if (!band.ok()) return fail(ctx, band.status());
  if (!monitor.ok()) return fail(ctx, monitor.status());
  if (Status st = loop::validate_rate(*audit_rate); !st.ok()) {
    return fail(ctx, InvalidArgument("--audit-rate: " + st.message()));
  }
  if (*band < 0 || *band > 0.5)
    return fail(ctx, InvalidArgument("--uncertainty-band must be 0-0.5"));
  if (*monitor < 0) return fail(ctx, InvalidArgument("--monitor-seconds must be >= 0"));
  options.audit_rate = *audit_rate;
  options.uncertainty_band = *band;
  options.monitor_seconds = static_cast<int>(*monitor);
  options.alert_webhook = args.get("--alert-webhook");
  if (!options.alert_webhook.empty() && options.alert_webhook.rfind("http://", 0) != 0) {
    return fail(ctx, InvalidArgument("--alert-webhook must be an http:// URL"));
  }
  options.models_dir = models_dir(ctx, args);
  options.db_path = ctx.db_path;
  options.log = [&ctx](const std::string& line) { ctx.err << line << std::endl; };
  if (options.no_auth && http::is_loopback(options.host)) {
    ctx.err << "hitloop: warning: --no-auth: every caller is an admin; never expose this port\n";
  } else {
    Status st = ensure_admin(ctx, *store, args);
    if (!st.ok()) return fail(ctx, st);
  }
  Status st = http::serve(options, std::move(store), [&](int bound) {
    ctx.out << "hitloop serving on http://" << options.host << ":" << bound << "/ " << banner
            << std::endl;
  });
  return st.ok() ? 0 : fail(ctx, st);
}

const std::vector<Flag>& serve_flags() {
  static const std::vector<Flag> flags = {
      {"--host", "HOST", "address to listen on (default 127.0.0.1)"},
      {"--port", "PORT", "port (default 8080; 0 picks a free one)"},
      {"--no-auth", "", "no login (loopback hosts only): every caller is an admin"},
      {"--admin-password", "PW",
       "password of the first admin (default $HITLOOP_ADMIN_PASSWORD, else generated)"},
      {"--admin-password-file", "FILE",
       "read the first admin's password from FILE's first line (keeps it off the command line)"},
      {"--max-body-bytes", "N", "largest request body (default 4194304)"},
      {"--threads", "N", "worker threads (default 8)"},
      {"--audit-rate", "R", "share of logged verdicts queued for human audit (default 0.05)"},
      {"--uncertainty-band", "B", "|P(good) - threshold| counted as uncertain (default 0.1)"},
      {"--monitor-seconds", "S",
       "how often the pass rate is checked for spikes (default 60; 0 off)"},
      {"--alert-webhook", "URL", "http:// URL that receives each new alert as JSON"},
      {"--models-dir", "DIR", "where trained artifacts go (default: beside the database)"}};
  return flags;
}

namespace {

int run(Context& ctx, const Args& args) {
  Result<std::unique_ptr<Store>> store = open_context_store(ctx);
  if (!store.ok()) return fail(ctx, store.status());
  return serve_store(ctx, args, std::move(store).value(), "");
}

}  // namespace

Command serve_command() {
  return {{"serve", "",
           "Serve the JSON API (docs/api.md) and the review UI.\n\n"
           "While no user has the admin role, serve creates the user admin (password from\n"
           "--admin-password-file, --admin-password or $HITLOOP_ADMIN_PASSWORD, else generated\n"
           "and printed once). SIGTERM or Ctrl-C finishes requests in flight, then closes the\n"
           "store.",
           serve_flags(), 0, 0},
          run};
}

}  // namespace hitloop::cli
