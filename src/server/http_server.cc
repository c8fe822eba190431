// strata::Server over cpp-httplib (the only file that includes it): routes,
// authentication, the snapshot refresher and shutdown.
#include <httplib.h>
#include <sys/socket.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include <strata/migrator.h>
#include <strata/redact.h>
#include <strata/server.h>

#include "server/auth.h"
#include "server/metrics.h"
#include "server/render_util.h"
#include "server/snapshot.h"

namespace strata {

Server::~Server() = default;

namespace server {
namespace {

// What the refresher thread and the request threads share. Held by
// shared_ptr so that a refresher stuck on the database can be abandoned at
// shutdown (detached) without touching freed memory.
struct Shared {
  Options options;
  ServeOptions serve;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;                     // GUARDED_BY(mu)
  bool refresher_done = false;               // GUARDED_BY(mu)
  std::shared_ptr<const Snapshot> snapshot;  // GUARDED_BY(mu); null until the first one

  std::shared_ptr<const Snapshot> Current() {
    std::lock_guard<std::mutex> lock(mu);
    return snapshot;
  }
};

void Refresh(const std::shared_ptr<Shared>& shared) {
  for (;;) {
    auto next = std::chrono::steady_clock::now() + shared->serve.refresh;
    auto snap = std::make_shared<const Snapshot>(TakeSnapshot(shared->options, shared->serve));
    std::unique_lock<std::mutex> lock(shared->mu);
    shared->snapshot = std::move(snap);
    // A refresh slower than the interval starts the next one at once: the
    // snapshot is never older than it must be, and refreshes never overlap.
    if (shared->cv.wait_until(lock, next, [&] { return shared->stopping; })) break;
  }
  std::lock_guard<std::mutex> lock(shared->mu);
  shared->refresher_done = true;
  shared->cv.notify_all();
}

// A snapshot older than this answers /ready with 503: the refresher is stuck
// (a database that hangs instead of failing), so the figures cannot be trusted.
int64_t StaleAfterMs(const ServeOptions& serve) {
  return std::max<int64_t>(15000, 3 * static_cast<int64_t>(serve.refresh.count()));
}

// "HOST:PORT", "[V6]:PORT" -> host, port.
Status ParseListen(const std::string& listen, std::string* host, int* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) {
    return Status::InvalidArgument("--listen '" + listen + "': expected HOST:PORT, e.g. 127.0.0.1:8080");
  }
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  std::string p = listen.substr(colon + 1);
  if (host->empty() || p.find_first_not_of("0123456789") != std::string::npos || p.size() > 5 ||
      std::stoi(p) > 65535) {
    return Status::InvalidArgument("--listen '" + listen + "': expected HOST:PORT with a port from 0 to 65535");
  }
  *port = std::stoi(p);
  return Status::Ok();
}

// httplib::Server with access to its listening socket, whose backlog it sets
// to 5: a burst of clients (a hundred scrapers, a load balancer's checks)
// would overflow that queue and wait seconds for SYN retransmits.
class HttpServer : public httplib::Server {
 public:
  void WidenBacklog() { ::listen(svr_sock_, SOMAXCONN); }  // Linux: a second listen() resizes the queue
};

void Text(httplib::Response& res, int code, const std::string& body) {
  res.status = code;
  res.set_content(body, "text/plain; charset=utf-8");
}

class ServerImpl : public Server {
 public:
  explicit ServerImpl(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  ~ServerImpl() override { Stop(); }

  Status Bind(const std::string& host, int port) {
    const ServeOptions& serve = shared_->serve;
    int threads = std::max(1, serve.threads);
    http_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    http_.set_keep_alive_timeout(2);
    http_.set_read_timeout(5, 0);
    http_.set_write_timeout(5, 0);
    http_.set_payload_max_length(64 * 1024);  // GET only: nothing needs a body
    http_.set_tcp_nodelay(true);
    // httplib's default also sets SO_REUSEPORT, which would let a second
    // strata serve bind the same port and silently take half the requests.
    http_.set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http_.set_default_headers({{"Cache-Control", "no-store"},
                               {"X-Content-Type-Options", "nosniff"},
                               {"Referrer-Policy", "no-referrer"}});
    Routes();
    int bound = port == 0 ? http_.bind_to_any_port(host) : (http_.bind_to_port(host, port) ? port : -1);
    if (bound < 0) {
      return Status::Io("cannot listen on " + host + ":" + std::to_string(port) +
                        ": the address is in use, not an address of this machine, or needs privileges")
          .WithHint("choose another --listen address or port");
    }
    http_.WidenBacklog();
    address_ = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(bound);
    return Status::Ok();
  }

  void Run() {
    listener_ = std::thread([this] { http_.listen_after_bind(); });
    refresher_ = std::thread([shared = shared_] { Refresh(shared); });
  }

  std::string address() const override { return address_; }

  void Stop() override {
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (stopped_) return;
      stopped_ = true;
      shared_->stopping = true;
    }
    shared_->cv.notify_all();
    http_.stop();
    if (listener_.joinable()) listener_.join();
    if (!refresher_.joinable()) return;
    std::unique_lock<std::mutex> lock(shared_->mu);
    bool done = shared_->cv.wait_for(lock, std::chrono::seconds(2), [&] { return shared_->refresher_done; });
    lock.unlock();
    if (done) {
      refresher_.join();
    } else {
      refresher_.detach();  // owns its Shared; ends when the database call returns
    }
  }

 private:
  void Routes() {
    auto shared = shared_;
    // Authentication first, for every path but /live.
    http_.set_pre_routing_handler([shared](const httplib::Request& req, httplib::Response& res) {
      if (shared->serve.token.empty() || req.path == "/live") return httplib::Server::HandlerResponse::Unhandled;
      if (Authorized(req.get_header_value("Authorization"), shared->serve.token)) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      res.set_header("WWW-Authenticate", "Bearer realm=\"strata\"");
      res.set_header("WWW-Authenticate", "Basic realm=\"strata\", charset=\"UTF-8\"");
      Text(res, 401, "unauthorized: send \"Authorization: Bearer TOKEN\" (the token given to strata serve)\n");
      return httplib::Server::HandlerResponse::Handled;
    });
    http_.Get("/live", [](const httplib::Request&, httplib::Response& res) { Text(res, 200, "ok\n"); });
    http_.Get("/ready", [shared](const httplib::Request&, httplib::Response& res) {
      auto snap = shared->Current();
      if (!snap) return Text(res, 503, "not ready: no snapshot taken yet\n");
      AddAge(res, *snap);
      std::vector<std::string> why;
      int64_t age = NowMillis() - snap->taken_at_ms;
      if (age > StaleAfterMs(shared->serve)) {
        why.push_back("the snapshot is " + std::to_string(age / 1000) + " s old: the database is not answering");
      }
      const HealthReport& h = snap->health;
      if (h.state == HealthState::kUnhealthy ||
          (h.state == HealthState::kPending && shared->serve.ready_requires_current)) {
        why.insert(why.end(), h.reasons.begin(), h.reasons.end());
      }
      if (why.empty()) return Text(res, 200, "ready\n");
      std::string body = "not ready:\n";
      for (const auto& w : why) body += "- " + w + "\n";
      Text(res, 503, Redact(body));
    });
    http_.Get("/health", [shared](const httplib::Request&, httplib::Response& res) {
      auto snap = shared->Current();
      if (!snap) {
        res.status = 503;
        res.set_content("{\"status\": \"unknown\", \"reasons\": [\"no snapshot taken yet\"]}\n", "application/json");
        return;
      }
      AddAge(res, *snap);
      res.status = snap->health.state == HealthState::kUnhealthy ? 503 : 200;
      res.set_content(snap->health_json + "\n", "application/json");
    });
    http_.Get("/metrics", [shared](const httplib::Request&, httplib::Response& res) {
      auto snap = shared->Current();
      if (!snap) return Text(res, 503, "no snapshot taken yet\n");
      AddAge(res, *snap);
      res.set_content(snap->metrics + RenderAgeMetrics(*snap, NowMillis()), "text/plain; version=0.0.4; charset=utf-8");
    });
    http_.Get("/", [shared](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy",
                     "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                     "form-action 'none'; frame-ancestors 'none'");
      auto snap = shared->Current();
      if (!snap) {
        res.status = 503;
        res.set_header("Retry-After", "1");
        res.set_content("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"1\">"
                        "<title>strata</title></head><body><p>Taking the first snapshot...</p></body></html>\n",
                        "text/html; charset=utf-8");
        return;
      }
      AddAge(res, *snap);
      res.set_content(snap->dashboard, "text/html; charset=utf-8");
    });
    // Read-only: every other method is refused, on every path.
    auto refuse = [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Allow", "GET, HEAD");
      Text(res, 405, "method not allowed: strata serve is read-only\n");
    };
    http_.Post(".*", refuse);
    http_.Put(".*", refuse);
    http_.Patch(".*", refuse);
    http_.Delete(".*", refuse);
    http_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.status == 404) Text(res, 404, "not found: try /, /health, /ready, /live or /metrics\n");
    });
  }

  // How old the answer is: standard Age (seconds) and the snapshot's time.
  static void AddAge(httplib::Response& res, const Snapshot& snap) {
    res.set_header("Age", std::to_string(std::max<int64_t>(0, (NowMillis() - snap.taken_at_ms) / 1000)));
    res.set_header("X-Strata-Snapshot", snap.taken_at);
  }

  std::shared_ptr<Shared> shared_;
  HttpServer http_;
  std::thread listener_;
  std::thread refresher_;
  bool stopped_ = false;  // GUARDED_BY(shared_->mu)
  std::string address_;
};

}  // namespace
}  // namespace server

Result<std::unique_ptr<Server>> Server::Start(const Options& options, const ServeOptions& serve) {
  if (serve.refresh < std::chrono::milliseconds(100)) {
    return Status::InvalidArgument("--refresh must be at least 100ms");
  }
  if (serve.threads < 1 || serve.threads > 1024) return Status::InvalidArgument("--threads must be between 1 and 1024");
  std::string host;
  int port = 0;
  Status s = server::ParseListen(serve.listen, &host, &port);
  if (!s.ok()) return s;
  // The configuration is checked now, so that a typo fails at start-up
  // rather than as an unhealthy snapshot.
  auto check = Migrator::Open(options);
  if (!check.ok()) return check.status();
  if (!serve.token.empty()) RegisterSecret(serve.token);
  auto shared = std::make_shared<server::Shared>();
  shared->options = options;
  shared->serve = serve;
  auto impl = std::make_unique<server::ServerImpl>(shared);
  s = impl->Bind(host, port);
  if (!s.ok()) return s;
  impl->Run();
  return std::unique_ptr<Server>(std::move(impl));
}

}  // namespace strata
