// hitloop serve: the JSON API and the web UI on cpp-httplib.
#pragma once

#include <memory>

#include "http/app.h"

namespace hitloop::http {

// Serves until SIGTERM or SIGINT; in-flight requests finish first, then the
// store is closed. `on_listening` runs once the port is bound.
Status serve(ServerOptions options, std::unique_ptr<Store> store,
             const std::function<void(int port)>& on_listening);

bool is_loopback(const std::string& host);

}  // namespace hitloop::http
