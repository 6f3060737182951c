// What the server checks before httplib reads a request's body, and the
// JSON errors for the requests httplib refuses on its own (docs/api.md).
#pragma once

#include <httplib.h>

#include <cstddef>
#include <optional>

#include "http/router.h"

namespace hitloop::http {

// Pre-routing, before httplib reads the body: a body-carrying method with
// no declared length has an empty body; invalid framing is a 400 at once; a
// body not declared as JSON is marked for unsupported_media_type().
httplib::Server::HandlerResponse guard_request(const httplib::Request& req, httplib::Response& res);

// The 415 for a request guard_request marked, if it marked it.
std::optional<Reply> unsupported_media_type(const httplib::Request& req);

// Expect: 100-continue: refuses a body guard_request would refuse before
// the client sends it; else 100.
int guard_expect_continue(const httplib::Request& req, httplib::Response& res);

// Error handler: a JSON error naming what went wrong for statuses httplib
// sets itself (unknown route, unreadable request, body over `max_body_bytes`).
void answer_httplib_error(const httplib::Request& req, httplib::Response& res,
                          size_t max_body_bytes);

}  // namespace hitloop::http
