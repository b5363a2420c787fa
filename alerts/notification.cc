#include "alerts/notification.h"

#include <array>
#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

namespace gs::alerts {
namespace {

// RFC 3339 in UTC with whole seconds, e.g. "2024-05-01T12:00:00Z".
std::string FormatRfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::array<char, 32> buf{};
  const std::size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf.data(), n);
}

}  // namespace

std::string ToWebhookJson(const Notification& n) {
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [key, value] : n.tags) tags[key] = value;
  const nlohmann::json body = {
      {"id", n.id},
      {"status", n.firing ? "firing" : "resolved"},
      {"node", n.node},
      {"check", n.check},
      {"state", std::string(probes::ToString(n.state))},
      {"previous_state", std::string(probes::ToString(n.previous_state))},
      {"output", n.output},
      {"since", FormatRfc3339(n.since)},
      {"tags", std::move(tags)},
  };
  // Replace invalid UTF-8 from plugin output instead of throwing.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string NewNotificationId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string id;
  id.reserve(32);
  for (int i = 0; i < 4; ++i) {
    std::uint32_t word = rd();
    for (int j = 0; j < 8; ++j) {
      id.push_back(kHex[word & 0xfU]);
      word >>= 4;
    }
  }
  return id;
}

}  // namespace gs::alerts
