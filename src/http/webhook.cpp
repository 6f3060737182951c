// Alerts to a webhook: one JSON POST per new alert, short timeouts so a
// slow receiver never holds up monitoring.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "core/json_tidy.h"
#include "http/app.h"
#include "service/report_json.h"

namespace hitloop::http {

Status post_webhook(const std::string& url, const AlertRecord& a) {
  static const std::string kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0)
    return InvalidArgument("the alert webhook must be an http:// URL");
  size_t slash = url.find('/', kScheme.size());
  std::string host_port = url.substr(kScheme.size(), slash - kScheme.size());
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  httplib::Client client(kScheme + host_port);
  client.set_connection_timeout(2);
  client.set_read_timeout(2);
  // The alert as the API shows it, with its type first.
  nlohmann::ordered_json body = {{"type", "hitloop.pass_rate_alert"}};
  body.update(service::alert_json(a));
  auto res = client.Post(path, tidy_dump(body), "application/json");
  if (!res) return IoError("POST " + url + " failed: " + httplib::to_string(res.error()));
  if (res->status >= 300)
    return IoError("POST " + url + " answered " + std::to_string(res->status));
  return Status::Ok();
}

}  // namespace hitloop::http
