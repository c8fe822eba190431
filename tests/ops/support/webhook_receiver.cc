#include "support/webhook_receiver.h"

#include <httplib.h>

namespace strata::ops_test {

WebhookReceiver::WebhookReceiver(std::vector<int> statuses, std::chrono::milliseconds delay)
    : server_(std::make_unique<httplib::Server>()), statuses_(std::move(statuses)), delay_(delay) {
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    WebhookRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.headers) {
      std::string key = k;
      for (char& c : key)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      r.headers[key] = v;
    }
    r.body = req.body;
    r.at = std::chrono::steady_clock::now();
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = requests_.size();
    requests_.push_back(std::move(r));
    res.status = statuses_[std::min(n, statuses_.size() - 1)];
    res.set_content("{}", "application/json");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

WebhookReceiver::~WebhookReceiver() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::vector<WebhookRequest> WebhookReceiver::requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

}  // namespace strata::ops_test
