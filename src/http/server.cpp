#include "http/server.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "http/model_watch.h"
#include "http/request_guard.h"
#include "http/router.h"
#include "service/loop_service.h"
#include "service/pass_rate_monitor.h"

namespace hitloop::http {
namespace {

int g_signal_pipe[2] = {-1, -1};

extern "C" void on_signal(int sig) {
  char c = static_cast<char>(sig);
  (void)!write(g_signal_pipe[1], &c, 1);
}

}  // namespace

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Status serve(ServerOptions options, std::unique_ptr<Store> store,
             const std::function<void(int port)>& on_listening) {
  if (options.no_auth && !is_loopback(options.host)) {
    return InvalidArgument("--no-auth is only allowed on a loopback host (127.0.0.1)");
  }
  App app(options, std::move(store));
  HITLOOP_RETURN_IF_ERROR(app.reload_active_model());

  httplib::Server server;
  server.new_task_queue = [n = options.threads] { return new httplib::ThreadPool(n); };
  server.set_payload_max_length(options.max_body_bytes);
  server.set_keep_alive_max_count(10000);
  server.set_tcp_nodelay(true);  // else Nagle and delayed ACKs add 40 ms per request
  std::vector<Route> routes = api_routes();
  for (auto* more : {&auth_routes, &model_routes, &loop_routes, &ui_routes}) {
    auto extra = (*more)();
    routes.insert(routes.end(), extra.begin(), extra.end());
  }
  mount(server, app, std::move(routes));
  server.set_logger([&app](const httplib::Request& req, const httplib::Response& res) {
    app.options.log(req.remote_addr + " \"" + req.method + " " + req.path + "\" " +
                    std::to_string(res.status) + " " + std::to_string(res.body.size()));
  });
  server.set_pre_routing_handler(guard_request);
  server.set_expect_100_continue_handler(guard_expect_continue);
  server.set_error_handler(
      [max = options.max_body_bytes](const httplib::Request& req, httplib::Response& res) {
        answer_httplib_error(req, res, max);
      });

  // SIGTERM and SIGINT write a byte to a pipe (all a handler may safely
  // do, and it works whichever thread receives the signal, libraries'
  // threads included); one thread reads it and asks the server to stop.
  // httplib then lets the workers finish their requests before listen()
  // returns.
  if (pipe(g_signal_pipe) != 0) return Internal("cannot create the signal pipe");
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  struct sigaction old_term {
  }, old_int{}, old_pipe{};
  sigaction(SIGTERM, &action, &old_term);
  sigaction(SIGINT, &action, &old_int);
  // httplib 0.11 sends without MSG_NOSIGNAL: a client that leaves before
  // its answer is written must cost an EPIPE, not the process.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &old_pipe);
  std::thread waiter([&] {
    char sig = 0;
    if (read(g_signal_pipe[0], &sig, 1) == 1 && sig != 0) {
      app.options.log(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                      ", finishing requests in flight");
      server.stop();
    }
  });

  // Pass-rate monitoring in the background: all traffic and each category,
  // in hourly buckets, reading only the verdicts logged since the last run.
  // The dashboard and `hitloop report` only read what it stored.
  std::mutex monitor_mu;
  std::condition_variable monitor_cv;
  bool monitor_stop = false;
  service::PassRateMonitor pass_rate_monitor(app.store);
  std::thread monitor([&] {
    std::unique_lock lock(monitor_mu);
    while (options.monitor_seconds > 0 &&
           !monitor_cv.wait_for(lock, std::chrono::seconds(options.monitor_seconds),
                                [&] { return monitor_stop; })) {
      lock.unlock();
      Result<std::vector<AlertRecord>> raised = pass_rate_monitor.run(now_ms());
      if (raised.ok()) {
        app.notify_alerts(*raised);
      } else {
        options.log("pass-rate monitor: " + raised.status().message());
      }
      lock.lock();
    }
  });

  // An activation by another process (`hitloop models activate`) reaches
  // this server only through the store: poll it, cheaply, well within 1 s.
  auto watch = std::make_unique<ModelWatch>(app, std::chrono::milliseconds(200));

  int port = options.port;
  bool bound = port == 0 ? (port = server.bind_to_any_port(options.host.c_str())) > 0
                         : server.bind_to_port(options.host.c_str(), port);
  Status result;
  if (!bound) {
    result =
        InvalidArgument("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                        " (in use, or not an address of this machine)");
  } else {
    on_listening(port);
    if (!server.listen_after_bind()) result = Internal("the server stopped unexpectedly");
  }
  watch.reset();
  {
    std::lock_guard lock(monitor_mu);
    monitor_stop = true;
  }
  monitor_cv.notify_all();
  monitor.join();
  // Wake the signal thread if we are leaving for another reason.
  char zero = 0;
  (void)!write(g_signal_pipe[1], &zero, 1);
  waiter.join();
  sigaction(SIGTERM, &old_term, nullptr);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGPIPE, &old_pipe, nullptr);
  close(g_signal_pipe[0]);
  close(g_signal_pipe[1]);
  return result;
}

}  // namespace hitloop::http
