#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace strata::ops_test {
namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

HttpResponse HttpRequest(const std::string& address, const std::string& method, const std::string& path,
                         const std::map<std::string, std::string>& headers, int timeout_ms) {
  HttpResponse res;
  size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  int port = std::stoi(address.substr(colon + 1));
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    res.error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return res;
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + address + "\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  for (size_t sent = 0; sent < req.size();) {
    ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      res.error = "send failed";
      ::close(fd);
      return res;
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      res.error = "timeout";
      ::close(fd);
      return res;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    res.error = "no complete response head: " + raw.substr(0, 200);
    return res;
  }
  std::string head = raw.substr(0, head_end);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.1 ", 0) != 0 || status_line.size() < 12) {
    res.error = "bad status line: " + status_line;
    return res;
  }
  res.status = std::stoi(status_line.substr(9, 3));
  res.reason = status_line.size() > 13 ? status_line.substr(13) : "";
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    size_t c = line.find(':');
    if (c != std::string::npos) {
      std::string value = line.substr(c + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      res.headers.emplace(Lower(line.substr(0, c)), value);
    }
    pos = end + 2;
  }
  res.body = raw.substr(head_end + 4);
  std::string length = res.Header("content-length");
  if (!length.empty() && std::stoul(length) != res.body.size() && method != "HEAD") {
    res.error = "body length " + std::to_string(res.body.size()) + " != Content-Length " + length;
    res.status = 0;
  }
  return res;
}

}  // namespace strata::ops_test
