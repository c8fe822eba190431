// ops::Notifier: alerts when a run starts, succeeds or fails, or drift is
// found ([notify] in strata.toml, docs/operations.md#alerts), by webhook (a
// JSON POST, optionally signed with HMAC-SHA256) and by email (SMTP). Both go
// through libcurl, loaded on first use (ops/libcurl.h).
//
// An alert never fails what it reports on: delivery runs on a worker thread,
// each channel is tried 1 + retries times with doubling backoff, and what
// could not be delivered is returned by Finish() for the caller to report
// and record. Nothing sent contains a password: every text is redacted when
// the Alert is built, and the payload once more before it leaves.
//
// Thread-safety: Send and Finish from one thread (the command's).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/config.h"

namespace strata::ops {

// One migration of the run an alert is about.
struct AlertStep {
  std::string version;
  std::string name;
  std::string direction;  // "up", "down"
  int64_t duration_ms = 0;
};

// What an alert says. Build it with redacted text only.
struct Alert {
  std::string event;        // "start", "success", "failure", "drift"
  std::string command;      // "up", "down", "redo", "drift"
  std::string environment;  // "" without one
  std::string database;     // the URL, password as ****
  std::vector<AlertStep> migrations;  // start: what will run; success/failure: what ran
  std::string failed_version;         // failure: the migration that failed, if one did
  std::string failed_name;
  std::string error;                  // failure: the message; drift: a summary
  std::vector<std::string> details;   // drift: the differences
  int64_t duration_ms = 0;
  int64_t batch = 0;                  // up: the batch; 0 otherwise
  std::string occurred_at;            // RFC 3339 UTC with milliseconds
  std::string host;
  std::string actor;                  // user@host
};

// An alert that could not be delivered on one channel.
struct DeliveryFailure {
  std::string channel;  // "webhook", "email"
  std::string target;   // "https://hooks.example.com/..." (no path: it may be a credential), "smtp://mail:587"
  std::string event;
  int attempts = 0;     // 0: not attempted (configuration, libcurl missing)
  std::string error;
  // "webhook https://hooks.example.com/... (failure alert): HTTP 503 after 4 attempts"
  std::string ToString() const;
};

// The webhook body (docs/operations.md#webhook-payload): one JSON object.
std::string AlertJson(const Alert& alert, const std::string& delivery_id);
// "[strata] production: up FAILED at 0004_bad".
std::string AlertSubject(const Alert& alert);
// The whole email (RFC 5322 headers and a plain-text body, CRLF lines).
std::string AlertEmail(const Alert& alert, const config::Notify& config, const std::string& message_id);
// "https://host:port/..." (path hidden), "smtp://host:port" (no user).
std::string DisplayTarget(std::string_view url);

class Notifier {
 public:
  explicit Notifier(config::Notify config);
  ~Notifier();  // waits like Finish()
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Whether [notify] has a channel and lists `event` in `on`.
  bool Wants(std::string_view event) const;
  // Queues `alert` on every channel and returns at once.
  void Send(const Alert& alert);
  // Waits until every queued alert was delivered or given up (at most
  // (1 + retries) x timeout plus the backoffs per alert and channel) and
  // returns the ones given up, oldest first.
  std::vector<DeliveryFailure> Finish();

 private:
  struct Job {
    std::string channel;
    std::string target;
    std::string event;
    std::function<std::string(bool* retryable)> attempt;  // "" on success, else why it failed
  };
  void Queue(Job job);
  void Work();

  config::Notify config_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;                  // GUARDED_BY(mu_)
  bool stopping_ = false;                 // GUARDED_BY(mu_)
  std::vector<DeliveryFailure> failed_;   // GUARDED_BY(mu_)
  std::thread worker_;
};

}  // namespace strata::ops
