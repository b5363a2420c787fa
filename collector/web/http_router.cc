#include "collector/web/http_router.h"

#include <algorithm>
#include <exception>
#include <utility>

namespace gs::collector::web {
namespace {

std::string AllowHeader(const std::map<std::string, Handler, std::less<>>& methods) {
  std::string allow;
  for (const auto& [method, handler] : methods) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  }
  if (methods.contains("GET") && !methods.contains("HEAD")) allow += ", HEAD";
  return allow;
}

Router::Outcome Invoke(const Handler& handler, const Request& request) {
  try {
    Response response = handler(request);
    if (response.status < 200 || response.status > 599) {
      return {TextResponse(500, "internal server error: bad status from handler\n"), true};
    }
    return {std::move(response), false};
  } catch (...) {
    // The message of the exception stays out of the body: it may carry internal details.
    return {TextResponse(500, "internal server error\n"), true};
  }
}

}  // namespace

Response TextResponse(int status, std::string text) {
  Response response;
  response.status = status;
  response.body = std::move(text);
  return response;
}

void Router::Add(std::string method, std::string path, Handler handler) {
  exact_[std::move(path)][std::move(method)] = std::move(handler);
}

void Router::AddPrefix(std::string method, std::string prefix, Handler handler) {
  auto it = std::find_if(prefixes_.begin(), prefixes_.end(),
                         [&](const auto& entry) { return entry.first == prefix; });
  if (it == prefixes_.end()) {
    prefixes_.emplace_back(std::move(prefix), Methods{});
    it = std::prev(prefixes_.end());
  }
  it->second[std::move(method)] = std::move(handler);
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

const Router::Methods* Router::Find(const std::string& path) const {
  if (auto it = exact_.find(path); it != exact_.end()) return &it->second;
  for (const auto& [prefix, methods] : prefixes_) {
    if (path.starts_with(prefix)) return &methods;
  }
  return nullptr;
}

Router::Outcome Router::Dispatch(const Request& request) const {
  const Methods* methods = Find(request.path);
  if (methods == nullptr) return {TextResponse(404, "not found\n"), false};
  auto it = methods->find(request.method);
  if (it == methods->end() && request.method == "HEAD") it = methods->find("GET");
  if (it == methods->end()) {
    Response response = TextResponse(405, "method not allowed\n");
    response.headers.emplace_back("Allow", AllowHeader(*methods));
    return {std::move(response), false};
  }
  return Invoke(it->second, request);
}

}  // namespace gs::collector::web
