// strata::Server: `strata serve` as a library. A read-only HTTP server for
// one environment: /live, /ready, /health (the JSON of `strata health`),
// /metrics (Prometheus text format 0.0.4) and / (a status dashboard).
// docs/operations.md#strata-serve describes every endpoint.
//
// Requests never touch the database. One background thread takes a snapshot
// (health, status, recent events, lint of the pending migrations) every
// ServeOptions::refresh and every request is answered from the newest one,
// so a slow or unreachable database never blocks a client: the answers are
// at most one refresh interval (plus the time a snapshot takes) old, and each
// says when its snapshot was taken.
//
// Link target strata::server (it brings cpp-httplib, which needs the shared
// libstdc++). Thread-safe: Stop() may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <strata/options.h>
#include <strata/result.h>

namespace strata {

struct ServeOptions {
  // Address to listen on, "HOST:PORT" ("127.0.0.1:8080", "[::1]:8080",
  // "0.0.0.0:8080"). Port 0 picks a free port (see Server::address()).
  // Default loopback only.
  std::string listen = "127.0.0.1:8080";
  // When not empty, every endpoint but /live requires
  // "Authorization: Bearer TOKEN" (or HTTP Basic auth with TOKEN as the
  // password, which browsers prompt for). Compared in constant time.
  std::string token;
  // How often the snapshot is taken. Default 10 s; at least 100 ms. Cost: one
  // connection and a few small queries per refresh.
  std::chrono::milliseconds refresh{10000};
  // /ready also requires that nothing is pending. Default false: pending
  // migrations (about to be applied by a deploy) leave the database ready.
  bool ready_requires_current = false;
  // HTTP worker threads: connections served at once (others queue).
  int threads = 32;
  // Events shown on the dashboard.
  int recent_events = 50;
};

class Server {
 public:
  // Checks the configuration (Migrator::Open), binds the address and starts
  // the workers and the refresher, which takes the first snapshot at once.
  // Until it is taken, /ready, /health and /metrics answer 503. Fails with
  // kInvalidArgument (bad option or configuration, as Migrator::Open) or kIo
  // (the address cannot be bound: in use, not local, no permission).
  static Result<std::unique_ptr<Server>> Start(const Options& options, const ServeOptions& serve);

  virtual ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // "127.0.0.1:43210": the bound address, with the real port.
  virtual std::string address() const = 0;
  // Stops accepting, finishes the requests in flight and stops the
  // refresher (a snapshot stuck on the database is abandoned after 2 s).
  // Idempotent.
  virtual void Stop() = 0;

 protected:
  Server() = default;
};

}  // namespace strata
