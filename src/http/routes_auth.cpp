// Login, users, API keys, settings, health and metrics.
#include <chrono>

#include "auth/auth.h"
#include "core/clock.h"
#include "http/api_json.h"

namespace hitloop::http {
namespace {

constexpr char kDefaultTags[] =
    R"(["wrong_fact","made_up_policy","refusal","off_topic","rude","unhelpful"])";

Result<std::string> string_field(const Json& body, const char* key) {
  if (!body.is_object() || !body.contains(key) || !body[key].is_string()) {
    return InvalidArgument(std::string("\"") + key + "\" (a string) is required");
  }
  return body[key].get<std::string>();
}

std::string session_cookie(const std::string& token, int64_t max_age_s) {
  return "hitloop_session=" + token +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
}

Result<Reply> login(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(Json body, c.body_json());
  HITLOOP_ASSIGN_OR_RETURN(std::string name, string_field(body, "name"));
  HITLOOP_ASSIGN_OR_RETURN(std::string password, string_field(body, "password"));
  // Verify outside the store lock: Argon2id takes a while on purpose. The
  // same answer for an unknown user and a wrong password.
  Result<User> found = c.app.store.read_with([&](Store& s) { return s.find_user(name); });
  if (!found.ok() && !found.status().is_not_found()) return found.status();  // a 500, logged
  if (!found.ok() || !auth::verify_password(found->password_hash, password)) {
    return Unauthenticated("wrong user name or password");
  }
  const User& user = *found;
  std::string token = auth::random_secret("");
  HITLOOP_RETURN_IF_ERROR(c.app.store.with([&](Store& s) {
    return s.add_login(auth::secret_hash(token), user.id, now_ms() + auth::kLoginTtlMs);
  }));
  Reply r = Reply::json({{"name", user.name}, {"role", user.role}});
  r.headers.push_back({"Set-Cookie", session_cookie(token, auth::kLoginTtlMs / 1000)});
  return r;
}

Result<Reply> logout(const Call& c) {
  std::string cookies = c.req.get_header_value("Cookie");
  size_t pos = cookies.find("hitloop_session=");
  if (pos != std::string::npos) {
    std::string token = cookies.substr(pos + 16, cookies.find(';', pos) - pos - 16);
    HITLOOP_RETURN_IF_ERROR(
        c.app.store.with([&](Store& s) { return s.delete_login(auth::secret_hash(token)); }));
  }
  Reply r = Reply::json(Json::object());
  r.headers.push_back({"Set-Cookie", session_cookie("", 0)});
  return r;
}

Result<Reply> me(const Call& c) {
  return Reply::json({{"name", c.who.name}, {"role", c.who.role}});
}

Result<Reply> list_users(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(std::vector<User> users,
                           c.app.store.read_with([](Store& s) { return s.list_users(); }));
  Json out = Json::array();
  for (const User& u : users) out.push_back({{"name", u.name}, {"role", u.role}});
  return Reply::json({{"users", out}});
}

Result<Reply> add_user(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(Json body, c.body_json());
  HITLOOP_ASSIGN_OR_RETURN(std::string name, string_field(body, "name"));
  HITLOOP_ASSIGN_OR_RETURN(std::string role, string_field(body, "role"));
  HITLOOP_ASSIGN_OR_RETURN(std::string password, string_field(body, "password"));
  HITLOOP_RETURN_IF_ERROR(
      c.app.store.with([&](Store& s) { return auth::create_user(s, name, role, password); }));
  return Reply::json({{"name", name}, {"role", role}}, 201);
}

Result<Reply> create_key(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(Json body, c.body_json());
  HITLOOP_ASSIGN_OR_RETURN(std::string name, string_field(body, "name"));
  HITLOOP_ASSIGN_OR_RETURN(std::string key, c.app.store.with([&](Store& s) {
    return auth::create_api_key(s, name, now_ms());
  }));
  return Reply::json({{"name", name}, {"key", key}}, 201);
}

Result<Reply> get_settings(const Call& c) {
  auto read = [&](const std::string& key) {
    return c.app.store.read_with([&](Store& s) { return s.get_setting(key); });
  };
  HITLOOP_ASSIGN_OR_RETURN(std::optional<std::string> guidelines, read("guidelines"));
  HITLOOP_ASSIGN_OR_RETURN(std::optional<std::string> tags, read("tags"));
  return Reply::json({{"guidelines", guidelines.value_or("")},
                      {"tags", Json::parse(tags.value_or(kDefaultTags))}});
}

Result<Reply> put_settings(const Call& c) {
  HITLOOP_ASSIGN_OR_RETURN(Json body, c.body_json());
  if (!body.is_object()) return InvalidArgument("expected a JSON object");
  if (body.contains("guidelines")) {
    if (!body["guidelines"].is_string()) return InvalidArgument("\"guidelines\" must be a string");
    if (body["guidelines"].get_ref<const std::string&>().size() > 100000) {
      return InvalidArgument("\"guidelines\" is over 100,000 bytes");
    }
  }
  if (body.contains("tags")) {
    if (!body["tags"].is_array()) return InvalidArgument("\"tags\" must be an array of strings");
    for (const Json& t : body["tags"]) {
      if (!t.is_string() || t.get<std::string>().empty()) {
        return InvalidArgument("each tag must be a non-empty string");
      }
    }
  }
  HITLOOP_RETURN_IF_ERROR(c.app.store.with([&](Store& s) {
    if (body.contains("guidelines")) {
      HITLOOP_RETURN_IF_ERROR(s.set_setting("guidelines", body["guidelines"].get<std::string>()));
    }
    if (body.contains("tags")) HITLOOP_RETURN_IF_ERROR(s.set_setting("tags", body["tags"].dump()));
    return Status::Ok();
  }));
  return get_settings(c);
}

Result<Reply> healthz(const Call&) { return Reply::json({{"ok", true}}); }

Result<Reply> metrics(const Call& c) {
  c.app.metrics.set_gauge("hitloop_verdicts_dropped_total",
                          static_cast<double>(c.app.verdicts.dropped()));
  return Reply{200, c.app.metrics.render(), "text/plain; version=0.0.4", {}};
}

}  // namespace

std::vector<Route> auth_routes() {
  return {
      {"POST", "/v1/auth/login", "POST /v1/auth/login", Access::kPublic, login},
      {"POST", "/v1/auth/logout", "POST /v1/auth/logout", Access::kReviewer, logout},
      {"GET", "/v1/auth/me", "GET /v1/auth/me", Access::kReviewer, me},
      {"GET", "/v1/users", "GET /v1/users", Access::kAdmin, list_users},
      {"POST", "/v1/users", "POST /v1/users", Access::kAdmin, add_user},
      {"POST", "/v1/keys", "POST /v1/keys", Access::kAdmin, create_key},
      {"GET", "/v1/settings", "GET /v1/settings", Access::kReviewer, get_settings},
      {"PUT", "/v1/settings", "PUT /v1/settings", Access::kAdmin, put_settings},
      {"GET", "/healthz", "GET /healthz", Access::kPublic, healthz},
      {"GET", "/metrics", "GET /metrics", Access::kReviewer, metrics},
  };
}

}  // namespace hitloop::http
