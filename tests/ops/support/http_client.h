// A minimal HTTP/1.1 client over a plain socket for the server tests: one
// request per connection (Connection: close), the response read to the end.
// Written by hand so that the tests see exactly the bytes on the wire.
#pragma once

#include <map>
#include <string>

namespace strata::ops_test {

struct HttpResponse {
  int status = 0;  // 0: no response (connection failed, timeout, garbage)
  std::string reason;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string error;  // why status is 0
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// METHOD path on 127.0.0.1:port (or the host:port in `address`) with extra
// header lines ("Authorization: Bearer x"), within timeout_ms.
HttpResponse HttpRequest(const std::string& address, const std::string& method, const std::string& path,
                         const std::map<std::string, std::string>& headers = {}, int timeout_ms = 10000);
inline HttpResponse HttpGet(const std::string& address, const std::string& path,
                            const std::map<std::string, std::string>& headers = {}) {
  return HttpRequest(address, "GET", path, headers);
}

}  // namespace strata::ops_test
