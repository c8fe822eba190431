#include "support/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace strata::ops_test {
namespace {

// A self-signed certificate for 127.0.0.1 / localhost, valid for a day.
bool MakeCertificate(const std::string& cert_file, const std::string& key_file) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) return false;
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("strata test SMTP"), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  bool ok = X509_sign(cert, key, EVP_sha256()) > 0;
  FILE* c = std::fopen(cert_file.c_str(), "w");
  FILE* k = std::fopen(key_file.c_str(), "w");
  ok = ok && c && k && PEM_write_X509(c, cert) && PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
  if (c) std::fclose(c);
  if (k) std::fclose(k);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

std::string DecodeBase64(const std::string& in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+' ? 62
            : c == '/' ? 63
                       : -1;
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// A connection, plain or (after STARTTLS) TLS, read line by line.
class Conn {
 public:
  explicit Conn(int fd) : fd_(fd) {}
  ~Conn() {
    if (ssl_) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    ::close(fd_);
  }
  bool StartTls(SSL_CTX* ctx) {
    ssl_ = SSL_new(ctx);
    SSL_set_fd(ssl_, fd_);
    buffer_.clear();  // anything pipelined before the handshake is discarded, as RFC 3207 asks
    return SSL_accept(ssl_) == 1;
  }
  bool tls() const { return ssl_ != nullptr; }
  void Send(const std::string& s) {
    if (ssl_) SSL_write(ssl_, s.data(), static_cast<int>(s.size()));
    else (void)::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
  }
  // One line without CRLF; false at EOF or after 10 s of silence.
  bool ReadLine(std::string* line) {
    for (;;) {
      size_t nl = buffer_.find("\r\n");
      if (nl != std::string::npos) {
        *line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 2);
        return true;
      }
      char chunk[4096];
      int n;
      if (ssl_) {
        n = SSL_read(ssl_, chunk, sizeof chunk);
      } else {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 10000) <= 0) return false;
        n = static_cast<int>(::recv(fd_, chunk, sizeof chunk, 0));
      }
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

std::string Upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

}  // namespace

SmtpSink::SmtpSink(const std::string& dir, Options options) : options_(options) {
  cert_file_ = dir + "/smtp-cert.pem";
  key_file_ = dir + "/smtp-key.pem";
  if (!MakeCertificate(cert_file_, key_file_)) return;
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (SSL_CTX_use_certificate_file(ctx, cert_file_.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file_.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(ctx);
    return;
  }
  ssl_ctx_ = ctx;
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0) return;
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

SmtpSink::~SmtpSink() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (ssl_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

std::vector<SmtpMessage> SmtpSink::messages() {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

std::vector<std::string> SmtpSink::auth_passwords() {
  std::lock_guard<std::mutex> lock(mu_);
  return passwords_;
}

void SmtpSink::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int n = ++connections_;
    if (n <= options_.refuse_first) {
      Conn refused(fd);
      refused.Send("421 4.3.2 sink busy, try again later\r\n");
      continue;
    }
    Session(fd);
  }
}

void SmtpSink::Session(int fd) {
  Conn conn(fd);
  SmtpMessage msg;
  conn.Send("220 127.0.0.1 strata-test ESMTP\r\n");
  std::string line;
  auto auth_done = [&](const std::string& user, const std::string& pass) {
    msg.auth_user = user;
    msg.auth_password = pass;
    std::lock_guard<std::mutex> lock(mu_);
    passwords_.push_back(pass);
  };
  while (conn.ReadLine(&line)) {
    std::string verb = Upper(line.substr(0, line.find(' ')));
    if (verb == "EHLO") {
      std::string reply = "250-127.0.0.1 hello\r\n250-8BITMIME\r\n";
      if (options_.offer_starttls && !conn.tls()) reply += "250-STARTTLS\r\n";
      if (conn.tls()) reply += "250-AUTH PLAIN LOGIN\r\n";  // credentials only over TLS
      conn.Send(reply + "250 SIZE 10000000\r\n");
    } else if (verb == "HELO" || verb == "NOOP" || verb == "RSET") {
      conn.Send("250 OK\r\n");
    } else if (verb == "STARTTLS" && options_.offer_starttls && !conn.tls()) {
      conn.Send("220 2.0.0 ready to start TLS\r\n");
      if (!conn.StartTls(static_cast<SSL_CTX*>(ssl_ctx_))) return;
      msg.tls = true;
    } else if (verb == "AUTH" && conn.tls()) {
      std::string rest = line.size() > 5 ? line.substr(5) : "";
      std::string mech = Upper(rest.substr(0, rest.find(' ')));
      std::string initial = rest.find(' ') == std::string::npos ? "" : rest.substr(rest.find(' ') + 1);
      if (mech == "PLAIN") {
        if (initial.empty()) {
          conn.Send("334 \r\n");
          if (!conn.ReadLine(&initial)) return;
        }
        std::string decoded = DecodeBase64(initial);  // authzid \0 user \0 password
        size_t a = decoded.find('\0'), b = decoded.find('\0', a + 1);
        if (a == std::string::npos || b == std::string::npos) {
          conn.Send("501 bad PLAIN\r\n");
          continue;
        }
        auth_done(decoded.substr(a + 1, b - a - 1), decoded.substr(b + 1));
        conn.Send("235 2.7.0 authenticated\r\n");
      } else if (mech == "LOGIN") {
        std::string user, pass;
        if (initial.empty()) {
          conn.Send("334 VXNlcm5hbWU6\r\n");
          if (!conn.ReadLine(&initial)) return;
        }
        user = DecodeBase64(initial);
        conn.Send("334 UGFzc3dvcmQ6\r\n");
        if (!conn.ReadLine(&pass)) return;
        auth_done(user, DecodeBase64(pass));
        conn.Send("235 2.7.0 authenticated\r\n");
      } else {
        conn.Send("504 unsupported mechanism\r\n");
      }
    } else if (verb == "MAIL") {
      msg.mail_from = line.substr(line.find(':') + 1);
      size_t sp = msg.mail_from.find(' ');  // parameters (BODY=8BITMIME, SIZE=...)
      if (sp != std::string::npos) msg.mail_from.resize(sp);
      conn.Send("250 OK\r\n");
    } else if (verb == "RCPT") {
      msg.rcpt.push_back(line.substr(line.find(':') + 1));
      conn.Send("250 OK\r\n");
    } else if (verb == "DATA") {
      conn.Send("354 end with <CRLF>.<CRLF>\r\n");
      std::string data;
      while (conn.ReadLine(&line) && line != ".") {
        if (!line.empty() && line[0] == '.') line.erase(0, 1);
        data += line + "\r\n";
      }
      msg.data = data;
      {
        std::lock_guard<std::mutex> lock(mu_);
        messages_.push_back(msg);
      }
      msg.data.clear();
      msg.rcpt.clear();
      conn.Send("250 2.0.0 OK queued\r\n");
    } else if (verb == "QUIT") {
      conn.Send("221 bye\r\n");
      return;
    } else {
      conn.Send("502 5.5.2 command not recognised\r\n");
    }
  }
}

}  // namespace strata::ops_test
