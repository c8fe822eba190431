// strata_serve_load: a bounded HTTP load loop for bench/serve.
//
//   strata_serve_load HOST:PORT PATH [--clients N] [--seconds S] [--header "K: V"] [--json]
//
// N client threads each keep one HTTP/1.1 connection (reopened when the server
// closes it, as a scraper's would be) and send GET PATH back to back for S
// seconds. Prints requests per second and latency percentiles (send of the
// request to the last byte of the body); with --json, the figures as one JSON
// object on stdout and the text on stderr. Exits 1 if any request failed or
// answered other than 200. Plain sockets: the client must cost less than the
// server it measures.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Target {
  sockaddr_in addr{};
  std::string request;
};

int Connect(const Target& t) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&t.addr), sizeof t.addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads one response; returns its status (0 on error) and whether the server
// will close the connection.
int ReadResponse(int fd, std::string& buf, bool* closing) {
  size_t head_end;
  char chunk[65536];
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<size_t>(n));
  }
  std::string head = buf.substr(0, head_end);
  if (head.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
  int status = std::atoi(head.c_str() + 9);
  size_t length = 0;
  for (std::string key : {"\r\nContent-Length: ", "\r\ncontent-length: "}) {
    size_t at = head.find(key);
    if (at != std::string::npos) length = std::strtoul(head.c_str() + at + key.size(), nullptr, 10);
  }
  *closing = head.find("\r\nConnection: close") != std::string::npos;
  size_t total = head_end + 4 + length;
  while (buf.size() < total) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<size_t>(n));
  }
  buf.erase(0, total);
  return status;
}

struct ClientResult {
  std::vector<uint32_t> micros;  // latency of each good request
  uint64_t errors = 0;
  uint64_t reconnects = 0;
};

void Client(const Target& t, Clock::time_point end, ClientResult* out) {
  out->micros.reserve(200000);
  int fd = -1;
  std::string buf;
  while (Clock::now() < end) {
    if (fd < 0) {
      fd = Connect(t);
      buf.clear();
      if (fd < 0) {
        ++out->errors;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      ++out->reconnects;
    }
    auto start = Clock::now();
    bool closing = false;
    int status = 0;
    if (::send(fd, t.request.data(), t.request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(t.request.size())) {
      status = ReadResponse(fd, buf, &closing);
    }
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    if (status == 200) {
      out->micros.push_back(static_cast<uint32_t>(us));
    } else {
      ++out->errors;
      closing = true;
    }
    if (closing) {
      ::close(fd);
      fd = -1;
    }
  }
  if (fd >= 0) ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: strata_serve_load HOST:PORT PATH [--clients N] [--seconds S] [--header 'K: V'] [--json]\n");
    return 2;
  }
  std::string address = argv[1], path = argv[2];
  int clients = 50;
  double seconds = 10;
  bool json = false;
  std::string headers;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--clients" && i + 1 < argc) clients = std::atoi(argv[++i]);
    else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (a == "--header" && i + 1 < argc) headers += std::string(argv[++i]) + "\r\n";
    else if (a == "--json") json = true;
    else {
      std::fprintf(stderr, "strata_serve_load: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (clients < 1 || seconds <= 0) return 2;
  Target t;
  size_t colon = address.rfind(':');
  t.addr.sin_family = AF_INET;
  t.addr.sin_port = htons(static_cast<uint16_t>(std::atoi(address.c_str() + colon + 1)));
  if (::inet_pton(AF_INET, address.substr(0, colon).c_str(), &t.addr.sin_addr) != 1) {
    std::fprintf(stderr, "strata_serve_load: bad address %s\n", address.c_str());
    return 2;
  }
  t.request = "GET " + path + " HTTP/1.1\r\nHost: " + address + "\r\n" + headers + "\r\n";

  std::vector<ClientResult> results(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int i = 0; i < clients; ++i) threads.emplace_back(Client, std::cref(t), end, &results[static_cast<size_t>(i)]);
  for (auto& th : threads) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<uint32_t> all;
  uint64_t errors = 0, connections = 0;
  for (auto& r : results) {
    all.insert(all.end(), r.micros.begin(), r.micros.end());
    errors += r.errors;
    connections += r.reconnects;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) -> double {
    if (all.empty()) return 0;
    size_t i = std::min(all.size() - 1, static_cast<size_t>(p * static_cast<double>(all.size())));
    return all[i] / 1000.0;
  };
  double rps = static_cast<double>(all.size()) / elapsed;
  std::fprintf(json ? stderr : stdout,
               "%-9s %d clients, %.1f s: %zu requests, %.0f req/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
               "max %.2f ms, %llu errors, %llu connections\n",
               path.c_str(), clients, elapsed, all.size(), rps, pct(0.5), pct(0.9), pct(0.99),
               all.empty() ? 0.0 : all.back() / 1000.0, static_cast<unsigned long long>(errors),
               static_cast<unsigned long long>(connections));
  if (json) {
    std::printf("{\"path\": \"%s\", \"clients\": %d, \"seconds\": %.2f, \"requests\": %zu, \"errors\": %llu, "
                "\"connections\": %llu, \"rps\": %.0f, \"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, "
                "\"max_ms\": %.3f}\n",
                path.c_str(), clients, elapsed, all.size(), static_cast<unsigned long long>(errors),
                static_cast<unsigned long long>(connections), rps, pct(0.5), pct(0.9), pct(0.99),
                all.empty() ? 0.0 : all.back() / 1000.0);
  }
  return errors == 0 && !all.empty() ? 0 : 1;
}
