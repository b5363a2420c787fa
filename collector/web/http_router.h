// Router: maps (method, path) to a Handler. Exact routes win over prefix routes; among prefix
// routes the longest prefix wins. Sans-I/O: it only turns a Request into a Response.
// Thread-safety: Add/AddPrefix must finish before the first Dispatch; Dispatch is const and may
// run concurrently (handlers themselves must then be thread-safe).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "collector/web/http_request.h"

namespace gs::collector::web {

// Handlers run on the io_context thread: they must not block. An exception becomes a 500.
using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  struct Outcome {
    Response response;
    bool handler_threw = false;  // the handler threw (the response is a 500)
  };

  // Registers `handler` for `method` on exactly `path` (a normalised path, e.g. "/metrics").
  // A later registration of the same method and path replaces the earlier one.
  void Add(std::string method, std::string path, Handler handler);

  // Registers `handler` for `method` on every path starting with `prefix` (e.g. "/nodes/").
  void AddPrefix(std::string method, std::string prefix, Handler handler);

  // 404 when no route matches the path; 405 with an Allow header when the path matches but
  // not the method; HEAD runs the GET handler when no HEAD handler exists (the caller drops
  // the body); a handler that throws or returns a status outside 200..599 gives a 500.
  [[nodiscard]] Outcome Dispatch(const Request& request) const;

 private:
  using Methods = std::map<std::string, Handler, std::less<>>;

  [[nodiscard]] const Methods* Find(const std::string& path) const;

  std::map<std::string, Methods, std::less<>> exact_;
  std::vector<std::pair<std::string, Methods>> prefixes_;  // sorted, longest prefix first
};

// A plain-text response with `status` and `text` as body.
Response TextResponse(int status, std::string text);

}  // namespace gs::collector::web
