// One table of routes. Each handler returns a Result<Reply>; the wrapper
// authenticates, checks the role, catches everything, maps Status to HTTP,
// records metrics and writes the access log.
#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/json_tidy.h"
#include "core/status.h"
#include "http/app.h"

namespace hitloop::http {

using Json = nlohmann::ordered_json;

enum class Access { kPublic, kReviewer, kAdmin };

struct Identity {
  std::string name;
  std::string role;  // admin | reviewer
  bool api_key = false;
  bool is_admin() const { return role == "admin"; }
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  static Reply json(const Json& j, int status = 200) {
    return Reply{status, tidy_dump(j), "application/json", {}};
  }
};

struct Call {
  const httplib::Request& req;
  const Identity& who;
  App& app;
  // Path parameter i (1-based, from the route's regex groups).
  std::string param(int i) const { return req.matches[i].str(); }
  // The body as JSON, or InvalidArgument with the parse position.
  Result<Json> body_json() const;
  std::string query(const std::string& name) const {
    return req.has_param(name.c_str()) ? req.get_param_value(name.c_str()) : "";
  }
};

using Handler = std::function<Result<Reply>(const Call&)>;

struct Route {
  std::string method;   // GET, POST, PUT, DELETE
  std::string pattern;  // regex, e.g. R"(/v1/sessions/(\d+))"
  std::string name;     // for metrics: "GET /v1/sessions/{id}"
  Access access;
  Handler handler;
};

// All routes of the API and UI (routes_*.cpp contribute to it).
std::vector<Route> api_routes();
std::vector<Route> auth_routes();
std::vector<Route> model_routes();
std::vector<Route> ui_routes();
std::vector<Route> loop_routes();

// Registers the routes on the server through the wrapper.
void mount(httplib::Server& server, App& app, std::vector<Route> routes);

// The JSON error body and HTTP status for a Status.
Reply error_reply(const Status& status);
// The same for statuses no Status maps to (413, 415...).
Reply error_reply(int http_status, const std::string& code, const std::string& message);

}  // namespace hitloop::http
