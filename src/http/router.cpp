#include "http/router.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "auth/auth.h"
#include "core/clock.h"
#include "http/request_guard.h"

namespace hitloop::http {
namespace {

std::string cookie_value(const httplib::Request& req, const std::string& name) {
  std::string cookies = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string part = cookies.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos && part.compare(b, name.size() + 1, name + "=") == 0) {
      return part.substr(b + name.size() + 1);
    }
    pos = end + 1;
  }
  return "";
}

// Who is calling: an API key, a login cookie, or nobody.
Result<Identity> identify(const httplib::Request& req, App& app) {
  if (app.options.no_auth) return Identity{"local", "admin", false};
  std::string authz = req.get_header_value("Authorization");
  if (authz.rfind("Bearer ", 0) == 0) {
    std::string hash = auth::secret_hash(authz.substr(7));
    {
      std::lock_guard lock(app.key_cache_mu);
      auto it = app.key_cache.find(hash);
      if (it != app.key_cache.end()) return Identity{it->second, "admin", true};
    }
    Result<std::string> name = app.store.read_with([&](Store& s) { return s.find_api_key(hash); });
    if (!name.ok() && name.status().is_not_found()) return Unauthenticated("invalid API key");
    if (!name.ok()) return name.status();  // the store failed: not the caller's fault
    std::lock_guard lock(app.key_cache_mu);
    app.key_cache[hash] = *name;
    return Identity{*name, "admin", true};
  }
  std::string token = cookie_value(req, "hitloop_session");
  if (!token.empty()) {
    Result<User> user = app.store.read_with(
        [&](Store& s) { return s.find_login(auth::secret_hash(token), now_ms()); });
    if (user.ok()) return Identity{user->name, user->role, false};
    if (!user.status().is_not_found()) return user.status();
  }
  return Unauthenticated("log in, or send an API key as 'Authorization: Bearer KEY'");
}

// The reply for a failed call. A server-side failure (5xx) is logged: the
// caller sees only that it failed, the operator needs to know why.
Reply failed(App& app, const std::string& route, const Status& status) {
  if (status_mapping(status.code()).http_status >= 500)
    app.options.log(route + ": " + status.message());
  return error_reply(status);
}

}  // namespace

Reply error_reply(const Status& status) {
  StatusMapping m = status_mapping(status.code());
  return error_reply(m.http_status, m.http_name, status.message());
}

Reply error_reply(int http_status, const std::string& code, const std::string& message) {
  return Reply::json({{"error", {{"code", code}, {"message", message}}}}, http_status);
}

Result<Json> Call::body_json() const {
  if (req.body.empty()) return InvalidArgument("empty body: expected a JSON object");
  try {
    return Json::parse(req.body);
  } catch (const Json::parse_error& e) {
    return InvalidArgument("invalid JSON at byte " + std::to_string(e.byte) + ": syntax error");
  }
}

void mount(httplib::Server& server, App& app, std::vector<Route> routes) {
  for (Route& route : routes) {
    app.metrics.add_route(route.name);
    auto handler = [&app, r = route](const httplib::Request& req, httplib::Response& res) {
      auto start = std::chrono::steady_clock::now();
      Reply reply;
      try {
        Identity who;
        Status denied;
        // Checked first, as if before the body was read (request_guard.h).
        std::optional<Reply> not_json = unsupported_media_type(req);
        if (!not_json && r.access != Access::kPublic) {
          Result<Identity> id = identify(req, app);
          if (!id.ok()) {
            denied = id.status();
          } else {
            who = *id;
            if (r.access == Access::kAdmin && !who.is_admin()) {
              denied = PermissionDenied("this needs the admin role");
            }
          }
        }
        if (not_json) {
          reply = std::move(*not_json);
        } else if (!denied.ok()) {
          reply = failed(app, r.name, denied);
        } else if (req.body.size() > app.options.max_body_bytes) {
          reply = error_reply(413, "too_large", "body over the limit");
        } else {
          Result<Reply> result = r.handler(Call{req, who, app});
          reply = result.ok() ? std::move(result).value() : failed(app, r.name, result.status());
        }
      } catch (const std::exception& e) {
        reply = failed(app, r.name, Internal(std::string("unexpected error: ") + e.what()));
      }
      res.status = reply.status;
      for (auto& [k, v] : reply.headers) res.set_header(k.c_str(), v);
      res.set_content(reply.body, reply.content_type.c_str());
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      app.metrics.record(r.name, reply.status, secs);
    };
    if (route.method == "GET")
      server.Get(route.pattern, handler);
    else if (route.method == "POST")
      server.Post(route.pattern, handler);
    else if (route.method == "PUT")
      server.Put(route.pattern, handler);
    else if (route.method == "DELETE")
      server.Delete(route.pattern, handler);
  }
}

}  // namespace hitloop::http
