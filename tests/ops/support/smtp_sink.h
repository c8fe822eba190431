// A small real SMTP server for the alert tests, on 127.0.0.1 and a free port:
// EHLO/HELO, STARTTLS (OpenSSL, with a self-signed certificate made at start
// whose PEM file is the CA to trust), AUTH PLAIN and LOGIN, MAIL, RCPT, DATA
// (dot-unstuffed), RSET, NOOP, QUIT. It records every message and can refuse
// the first connections with 421 (to test retries) or not offer STARTTLS.
// One connection at a time, on its own thread.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace strata::ops_test {

struct SmtpMessage {
  bool tls = false;           // the session was upgraded before MAIL FROM
  std::string auth_user;      // "" when the client did not authenticate
  std::string auth_password;
  std::string mail_from;      // as in MAIL FROM:<...>, with the brackets
  std::vector<std::string> rcpt;
  std::string data;           // the message, CRLF lines, dot-unstuffed, without the final "."
};

class SmtpSink {
 public:
  struct Options {
    bool offer_starttls = true;
    int refuse_first = 0;  // connections answered "421 try again later" and closed
  };
  // `dir`: where the certificate and key files go.
  SmtpSink(const std::string& dir, Options options);
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  const std::string& ca_file() const { return cert_file_; }  // the self-signed certificate (PEM)
  std::vector<SmtpMessage> messages();
  int connections() const { return connections_.load(); }
  // Every AUTH seen, even on sessions that sent no message.
  std::vector<std::string> auth_passwords();

 private:
  void Serve();
  void Session(int fd);

  Options options_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string cert_file_;
  std::string key_file_;
  void* ssl_ctx_ = nullptr;  // SSL_CTX*
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::vector<SmtpMessage> messages_;  // GUARDED_BY(mu_)
  std::vector<std::string> passwords_;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace strata::ops_test
