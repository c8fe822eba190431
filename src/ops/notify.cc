// Delivery of alerts: the worker thread, retries, and the two transports over
// libcurl (the only file that calls it).
#include "ops/notify.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <random>
#include <utility>

#include <strata/redact.h>
#include <strata/types.h>

#include "ops/libcurl.h"
#include "util/clock.h"
#include "util/sha256.h"

namespace strata::ops {
namespace {

std::string RandomId() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) out += kHex[rd() & 0xf];
  return out;
}

struct EasyDeleter {
  void operator()(CURL* h) const { curl::api().curl_easy_cleanup(h); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl::api().curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

void Append(List& list, const std::string& item) {
  curl_slist* next = curl::api().curl_slist_append(list.get(), item.c_str());
  if (next) {
    (void)list.release();
    list.reset(next);
  }
}

// Options every transfer shares: timeouts, no signals (strata has its own
// Ctrl-C handling), TLS verification with an optional CA bundle.
void Common(CURL* h, const config::Notify& config, char* error_buffer) {
  const auto& c = curl::api();
  c.curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  c.curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(config.timeout.count()));
  c.curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.timeout.count()));
  c.curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  if (!config.ca_file.empty()) c.curl_easy_setopt(h, CURLOPT_CAINFO, config.ca_file.c_str());
}

// Failures that another attempt may get past.
bool TransientCurlError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

std::string CurlError(CURLcode code, const char* buffer) {
  std::string text = buffer && *buffer ? buffer : curl::api().curl_easy_strerror(code);
  return Redact(text);
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// One POST. "" on a 2xx answer.
std::string PostOnce(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                     const config::Notify& config, bool* retryable) {
  const auto& c = curl::api();
  Easy h(c.curl_easy_init());
  if (!h) return "libcurl could not start a transfer";
  char error[CURL_ERROR_SIZE] = {0};
  Common(h.get(), config, error);
  List list;
  for (const auto& header : headers) Append(list, header);
  c.curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  c.curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  c.curl_easy_setopt(h.get(), CURLOPT_FOLLOWLOCATION, 0L);  // a redirected POST is not what was signed for
  c.curl_easy_setopt(h.get(), CURLOPT_POST, 1L);
  c.curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
  c.curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  c.curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, list.get());
  c.curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, &Discard);
  CURLcode rc = c.curl_easy_perform(h.get());
  if (rc != CURLE_OK) {
    *retryable = TransientCurlError(rc);
    return CurlError(rc, error);
  }
  long status = 0;
  c.curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return "";
  // The receiver is down or busy: try again. It refused the request: no use.
  *retryable = status >= 500 || status == 429 || status == 408;
  return "HTTP " + std::to_string(status);
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t left = up->data->size() - up->offset;
  size_t take = std::min(left, size * n);
  std::memcpy(buffer, up->data->data() + up->offset, take);
  up->offset += take;
  return take;
}

// "Name <a@b>" -> "<a@b>"; "a@b" -> "<a@b>" (the SMTP envelope form).
std::string Envelope(const std::string& mailbox) {
  size_t open = mailbox.rfind('<');
  size_t close = mailbox.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) return mailbox.substr(open, close - open + 1);
  return "<" + mailbox + ">";
}

// One SMTP session. "" when the server accepted the message.
std::string MailOnce(const std::string& message, const config::Notify& config, bool* retryable) {
  const auto& c = curl::api();
  Easy h(c.curl_easy_init());
  if (!h) return "libcurl could not start a transfer";
  char error[CURL_ERROR_SIZE] = {0};
  Common(h.get(), config, error);
  c.curl_easy_setopt(h.get(), CURLOPT_URL, config.smtp_url.c_str());
  c.curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // smtp:// with starttls: refuse to go on unless the server upgrades the
  // connection (a relay that stops offering STARTTLS would otherwise get the
  // password and the message in clear).
  if (config.starttls) c.curl_easy_setopt(h.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!config.smtp_user.empty()) c.curl_easy_setopt(h.get(), CURLOPT_USERNAME, config.smtp_user.c_str());
  if (!config.smtp_password.empty()) c.curl_easy_setopt(h.get(), CURLOPT_PASSWORD, config.smtp_password.c_str());
  std::string from = Envelope(config.from);
  c.curl_easy_setopt(h.get(), CURLOPT_MAIL_FROM, from.c_str());
  List rcpt;
  for (const auto& to : config.to) Append(rcpt, Envelope(to));
  c.curl_easy_setopt(h.get(), CURLOPT_MAIL_RCPT, rcpt.get());
  Upload upload{&message};
  c.curl_easy_setopt(h.get(), CURLOPT_READFUNCTION, &ReadUpload);
  c.curl_easy_setopt(h.get(), CURLOPT_READDATA, &upload);
  c.curl_easy_setopt(h.get(), CURLOPT_UPLOAD, 1L);
  CURLcode rc = c.curl_easy_perform(h.get());
  if (rc == CURLE_OK) return "";
  long reply = 0;
  c.curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &reply);
  // SMTP: 4xx is "try again later", 5xx is final.
  if (reply >= 400 && reply < 500) *retryable = true;
  else if (reply >= 500) *retryable = false;
  else *retryable = TransientCurlError(rc);
  std::string text = CurlError(rc, error);
  if (reply > 0) text += " (SMTP " + std::to_string(reply) + ")";
  return text;
}

}  // namespace

Notifier::Notifier(config::Notify config) : config_(std::move(config)) {}

Notifier::~Notifier() { (void)Finish(); }

bool Notifier::Wants(std::string_view event) const {
  if (!config_.configured()) return false;
  for (const auto& e : config_.on) {
    if (e == event) return true;
  }
  return false;
}

void Notifier::Send(const Alert& alert) {
  auto refuse = [&](const std::string& channel, const std::string& target, const std::string& why) {
    std::lock_guard<std::mutex> lock(mu_);
    failed_.push_back({channel, target, alert.event, 0, why});
  };
  // A missing secret or libcurl is reported per channel, as any failure.
  Status ready = config_.error;
  if (ready.ok()) ready = curl::Load();
  for (const auto& url : config_.webhooks) {
    std::string target = DisplayTarget(url);
    if (!ready.ok()) {
      refuse("webhook", target, "not sent: " + Redact(ready.ToString()));
      continue;
    }
    // One delivery id for every attempt: receivers can drop duplicates.
    std::string id = RandomId();
    std::string body = AlertJson(alert, id);
    std::vector<std::string> headers = {"Content-Type: application/json",
                                        "User-Agent: strata/" + std::string(Version()),
                                        "X-Strata-Event: " + alert.event, "X-Strata-Delivery: " + id};
    if (!config_.webhook_secret.empty()) {
      headers.push_back("X-Strata-Signature-256: sha256=" + util::HmacSha256Hex(config_.webhook_secret, body));
    }
    Queue({"webhook", target, alert.event, [this, url, body, headers](bool* retryable) {
             return PostOnce(url, body, headers, config_, retryable);
           }});
  }
  if (!config_.smtp_url.empty()) {
    std::string target = DisplayTarget(config_.smtp_url);
    if (!ready.ok()) {
      refuse("email", target, "not sent: " + Redact(ready.ToString()));
    } else {
      std::string host = util::HostName();
      std::string message = AlertEmail(alert, config_, RandomId() + "@" + host);
      Queue({"email", target, alert.event,
             [this, message](bool* retryable) { return MailOnce(message, config_, retryable); }});
    }
  }
}

void Notifier::Queue(Job job) {
  std::lock_guard<std::mutex> lock(mu_);
  jobs_.push_back(std::move(job));
  if (!worker_.joinable()) worker_ = std::thread([this] { Work(); });
  cv_.notify_one();
}

void Notifier::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and everything delivered
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    std::string error;
    int attempts = 0;
    for (;;) {
      bool retryable = false;
      ++attempts;
      error = job.attempt(&retryable);
      if (error.empty() || !retryable || attempts > config_.retries) break;
      std::this_thread::sleep_for(config_.retry_backoff * (1 << (attempts - 1)));
    }
    lock.lock();
    if (!error.empty()) failed_.push_back({job.channel, job.target, job.event, attempts, error});
  }
}

std::vector<DeliveryFailure> Notifier::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = false;  // Send may queue more after this
  return std::exchange(failed_, {});
}

}  // namespace strata::ops
