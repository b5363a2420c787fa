#include "collector/web/alert_handlers.h"

#include <charconv>

#include "collector/config/duration.h"
#include "collector/storage/alert_codec.h"
#include "collector/syslog/log_search.h"
#include "collector/web/passive_handlers.h"

namespace gs::collector::web {
namespace {

using nlohmann::json;
using Clock = std::chrono::system_clock;

constexpr std::string_view kDowntimePrefix = "/api/v1/downtimes/";
constexpr std::size_t kMaxBody = 64 * 1024;
constexpr std::size_t kDefaultHistory = 100;
constexpr std::size_t kMaxHistory = 10'000;
constexpr std::size_t kMaxText = 1024;  // author and comment

std::string Param(const Request& request, const char* name) {
  auto it = request.query_params.find(name);
  return it == request.query_params.end() ? std::string() : it->second;
}

Result<json> ParseBody(const std::string& body) {
  if (body.size() > kMaxBody) return Fail("body larger than 64 KiB");
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Fail("body must be a JSON object");
  return j;
}

// A string field (empty when absent); fails when present with another type or too long.
Result<std::string> StringField(const json& j, const char* name, std::size_t max = kMaxText) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Fail(std::string(name) + " must be a string");
  std::string value = it->get<std::string>();
  if (value.size() > max) return Fail(std::string(name) + " is longer than " + std::to_string(max));
  return value;
}

// RFC 3339, a date or Unix seconds; a duration means that long from `base` (in the future).
Result<Clock::time_point> FutureTime(const char* name, const std::string& text,
                                     Clock::time_point base) {
  if (auto d = ParseDuration(text); d && !text.empty() && text.back() >= 'a') return base + *d;
  return syslog::ParseTimeParam(name, text, base);
}

std::string NewId() { return alerts::NewNotificationId().substr(0, 16); }

}  // namespace

Response JsonResponse(int status, const json& body) {
  return Response{status,
                  "application/json",
                  body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
                  {}};
}

Result<std::pair<alerts::AlertKey, alerts::Ack>> ParseAckRequest(const std::string& body,
                                                                 Clock::time_point now) {
  auto j = ParseBody(body);
  if (!j) return tl::unexpected(j.error());
  auto node = StringField(*j, "node");
  auto check = StringField(*j, "check");
  auto author = StringField(*j, "author");
  auto comment = StringField(*j, "comment");
  auto expires = StringField(*j, "expires");
  for (const auto* r : {&node, &check, &author, &comment, &expires}) {
    if (!*r) return tl::unexpected(r->error());
  }
  if (node->empty() || check->empty()) return Fail("node and check are required");
  if (author->empty()) return Fail("author is required");
  alerts::Ack ack;
  ack.author = *author;
  ack.comment = *comment;
  ack.created = now;
  if (auto sticky = j->find("sticky"); sticky != j->end()) {
    if (!sticky->is_boolean()) return Fail("sticky must be true or false");
    ack.sticky = sticky->get<bool>();
  }
  if (!expires->empty()) {
    auto t = FutureTime("expires", *expires, now);
    if (!t) return tl::unexpected(t.error());
    if (*t <= now) return Fail("expires is in the past");
    ack.expires = *t;
  }
  return std::make_pair(alerts::AlertKey{*node, *check}, std::move(ack));
}

Result<alerts::Downtime> ParseDowntimeRequest(const std::string& body, Clock::time_point now) {
  auto j = ParseBody(body);
  if (!j) return tl::unexpected(j.error());
  alerts::Downtime d;
  d.id = NewId();
  d.created = now;
  auto author = StringField(*j, "author");
  auto comment = StringField(*j, "comment");
  auto node = StringField(*j, "node");
  auto check = StringField(*j, "check");
  auto start = StringField(*j, "start");
  auto end = StringField(*j, "end");
  auto duration = StringField(*j, "duration");
  auto every = StringField(*j, "every");
  for (const auto* r : {&author, &comment, &node, &check, &start, &end, &duration, &every}) {
    if (!*r) return tl::unexpected(r->error());
  }
  if (author->empty()) return Fail("author is required");
  d.author = *author;
  d.comment = *comment;
  json match = j->value("match", json::object());
  if (!match.is_object()) return Fail("match must be an object of tag conditions");
  if (!node->empty()) match["node"] = *node;
  if (!check->empty()) match["check"] = *check;
  if (match.empty()) return Fail("say what the downtime covers: match, node or check");
  auto selector = SelectorFromJson(match);
  if (!selector) return Fail("match: " + selector.error().message);
  d.match = std::move(*selector);
  d.start = now;
  if (!start->empty()) {
    auto t = FutureTime("start", *start, now);
    if (!t) return tl::unexpected(t.error());
    d.start = *t;
  }
  if (!end->empty() && !duration->empty()) return Fail("give end or duration, not both");
  if (!every->empty()) {
    auto r = alerts::ParseRecurrence(*every);
    if (!r) return Fail("every: " + r.error().message);
    d.every = *r;
  }
  if (!end->empty()) {
    auto t = FutureTime("end", *end, now);
    if (!t) return tl::unexpected(t.error());
    d.end = *t;
  } else if (!duration->empty()) {
    auto len = ParseDuration(*duration);
    if (!len) return Fail("duration: " + len.error().message);
    if (d.start > Clock::time_point::max() - *len) return Fail("the downtime would end after 2262");
    d.end = d.start + *len;
  } else if (d.every) {
    d.end = Clock::time_point::max();  // a recurring downtime without an end recurs forever
  } else {
    return Fail("a one-off downtime needs end or duration");
  }
  if (d.end <= d.start) return Fail("the downtime ends before it starts");
  return d;
}

Response ProblemsGet(const AlertApi& api, const Request&) {
  json body{{"problems", api.problems()}};
  if (api.ground) body["ground"] = api.ground();
  return JsonResponse(200, body);
}

Response AcknowledgementPost(const AlertApi& api, const Request& request) {
  if (auto denied = RequireToken(api.token(), request)) return *denied;
  auto parsed = ParseAckRequest(request.body, Clock::now());
  if (!parsed) return JsonError(400, parsed.error().message);
  return api.acknowledge(parsed->first, std::move(parsed->second));
}

Response AcknowledgementDelete(const AlertApi& api, const Request& request) {
  if (auto denied = RequireToken(api.token(), request)) return *denied;
  const std::string node = Param(request, "node");
  const std::string check = Param(request, "check");
  if (node.empty() || check.empty()) return JsonError(400, "node and check are required");
  return api.unacknowledge({node, check});
}

Response DowntimesGet(const AlertApi& api, const Request&) {
  return JsonResponse(200, json{{"downtimes", api.downtimes()}});
}

Response DowntimePost(const AlertApi& api, const Request& request) {
  if (auto denied = RequireToken(api.token(), request)) return *denied;
  auto parsed = ParseDowntimeRequest(request.body, Clock::now());
  if (!parsed) return JsonError(400, parsed.error().message);
  return api.add_downtime(std::move(*parsed));
}

Response DowntimeDelete(const AlertApi& api, const Request& request) {
  if (auto denied = RequireToken(api.token(), request)) return *denied;
  std::string_view id = request.path;
  id.remove_prefix(std::min(id.size(), kDowntimePrefix.size()));
  if (id.empty() || id.find('/') != std::string_view::npos) {
    return JsonError(404, "no such endpoint: use /api/v1/downtimes/<id>");
  }
  return api.remove_downtime(std::string(id));
}

Response HistoryGet(const AlertApi& api, const Request& request) {
  std::size_t limit = kDefaultHistory;
  if (const std::string text = Param(request, "limit"); !text.empty()) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc() || end != text.data() + text.size() || limit == 0 ||
        limit > kMaxHistory) {
      return JsonError(400, "limit must be 1.." + std::to_string(kMaxHistory));
    }
  }
  const std::string check = Param(request, "check");
  const std::string node = Param(request, "node");
  if (!check.empty() && node.empty()) return JsonError(400, "check needs node");
  return api.history(node, check, limit);
}

}  // namespace gs::collector::web
