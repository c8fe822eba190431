// A real local HTTP server (cpp-httplib) that receives the alert webhooks:
// it records every request and answers them with the status codes given.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace strata::ops_test {

struct WebhookRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point at;
  std::string Header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

class WebhookReceiver {
 public:
  // Answers the n-th request with statuses[n] (the last one repeats), each
  // after `delay`.
  explicit WebhookReceiver(std::vector<int> statuses = {200},
                           std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<WebhookRequest> requests();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::vector<int> statuses_;
  std::chrono::milliseconds delay_;
  std::mutex mu_;
  std::vector<WebhookRequest> requests_;  // GUARDED_BY(mu_)
};

}  // namespace strata::ops_test
