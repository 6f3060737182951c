// The web UI: static files from web/, compiled into the binary.
#include "core/embedded.h"
#include "http/router.h"

namespace hitloop::web {
const std::vector<EmbeddedFile>& embedded_files();
}

namespace hitloop::http {
namespace {

std::string content_type(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

Result<Reply> serve_file(std::string_view name) {
  for (const EmbeddedFile& f : web::embedded_files()) {
    if (f.name != name) continue;
    Reply r{200, std::string(f.data), content_type(name), {}};
    // The UI never needs anything from another origin.
    r.headers = {{"Content-Security-Policy",
                  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                  "object-src 'none'; frame-ancestors 'none'"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Cache-Control", "no-cache"}};
    return r;
  }
  return NotFound("no such page: /" + std::string(name));
}

}  // namespace

std::vector<Route> ui_routes() {
  return {
      {"GET", "/", "GET /", Access::kPublic, [](const Call&) { return serve_file("index.html"); }},
      {"GET", R"(/([A-Za-z0-9_\-]+\.(?:html|js|mjs|css|svg|png|ico)))", "GET /{asset}",
       Access::kPublic, [](const Call& c) { return serve_file(c.param(1)); }},
  };
}

}  // namespace hitloop::http
