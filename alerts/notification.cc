#include "alerts/notification.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "alerts/json_fields.h"

namespace gs::alerts {
namespace {

using Clock = std::chrono::system_clock;
using json_fields::Dump;
using json_fields::FromMs;
using json_fields::TagsFromJson;
using json_fields::TagsToJson;
using json_fields::ToMs;
using nlohmann::json;

constexpr std::array<std::pair<Event, std::string_view>, 8> kEventNames{{
    {Event::kAlert, "alert"},
    {Event::kFlappingStarted, "flapping_started"},
    {Event::kFlappingStopped, "flapping_stopped"},
    {Event::kAcknowledged, "acknowledged"},
    {Event::kUplinkLost, "uplink_lost"},
    {Event::kUplinkRestored, "uplink_restored"},
    {Event::kRegionUnreachable, "region_unreachable"},
    {Event::kRegionRestored, "region_restored"},
}};

// How many nodes a headline names before it says "and N more".
constexpr std::size_t kHeadlineNodes = 3;

json ItemJson(const AlertItem& a) {
  json j = {
      {"status", a.firing ? "firing" : "resolved"},
      {"node", a.node},
      {"check", a.check},
      {"state", std::string(probes::ToString(a.state))},
      {"previous_state", std::string(probes::ToString(a.previous_state))},
      {"output", a.output},
      {"since", FormatRfc3339(a.since)},
      {"tags", TagsToJson(a.tags)},
  };
  if (!a.reason.empty()) j["reason"] = a.reason;
  return j;
}

// The label a headline uses for the group's checks: the one check, or "N checks".
std::string ChecksLabel(const std::vector<const AlertItem*>& items) {
  std::vector<std::string> checks;
  for (const AlertItem* a : items) {
    if (std::find(checks.begin(), checks.end(), a->check) == checks.end()) {
      checks.push_back(a->check);
    }
  }
  if (checks.size() == 1) return checks.front();
  return std::to_string(checks.size()) + " checks";
}

std::string NodesLabel(const std::vector<const AlertItem*>& items) {
  std::vector<std::string> nodes;
  for (const AlertItem* a : items) {
    if (std::find(nodes.begin(), nodes.end(), a->node) == nodes.end()) nodes.push_back(a->node);
  }
  std::string out;
  for (std::size_t i = 0; i < nodes.size() && i < kHeadlineNodes; ++i) {
    if (i > 0) out += ", ";
    out += nodes[i];
  }
  if (nodes.size() > kHeadlineNodes) {
    out += " and " + std::to_string(nodes.size() - kHeadlineNodes) + " more";
  }
  return out;
}

// The worst state among firing items (CRITICAL > WARNING > UNKNOWN > OK, as Nagios ranks
// severity for display).
probes::State Worst(const std::vector<const AlertItem*>& items) {
  auto rank = [](probes::State s) {
    switch (s) {
      case probes::State::kCritical:
        return 3;
      case probes::State::kWarning:
        return 2;
      case probes::State::kUnknown:
        return 1;
      case probes::State::kOk:
        return 0;
    }
    return 0;
  };
  probes::State worst = probes::State::kOk;
  for (const AlertItem* a : items) {
    if (rank(a->state) > rank(worst)) worst = a->state;
  }
  return worst;
}

// The integer `key` of `j`, or `fallback` when it is absent or not an integer: nlohmann's
// value<int>() casts a float that does not fit with undefined behaviour.
std::int64_t IntOr(const nlohmann::json& j, const char* key, std::int64_t fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

}  // namespace

std::string_view ToString(Event e) {
  for (const auto& [event, name] : kEventNames) {
    if (event == e) return name;
  }
  return "alert";
}

std::optional<Event> ParseEvent(std::string_view s) {
  for (const auto& [event, name] : kEventNames) {
    if (name == s) return event;
  }
  return std::nullopt;
}

bool Notification::Firing() const {
  return std::any_of(alerts.begin(), alerts.end(), [](const AlertItem& a) { return a.firing; });
}

std::string FormatRfc3339(Clock::time_point t) {
  // Floored as a duration: converting the floored time_point back to the clock's nanoseconds
  // overflows within a second of the clock's range (FromMs clamps damaged values there).
  const auto secs = static_cast<std::time_t>(
      std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::array<char, 32> buf{};
  const std::size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf.data(), n);
}

std::string ToWebhookJson(const Notification& n) {
  static const AlertItem kNone;
  const AlertItem& primary = n.alerts.empty() ? kNone : n.Primary();
  json alerts = json::array();
  for (const AlertItem& a : n.alerts) alerts.push_back(ItemJson(a));
  json body = ItemJson(primary);
  body.erase("reason");
  body["id"] = n.id;
  body["status"] = n.Firing() ? "firing" : "resolved";
  body["event"] = std::string(ToString(n.event));
  body["group"] = TagsToJson(n.group_labels);
  body["alerts"] = std::move(alerts);
  body["note"] = n.note;
  body["escalation"] = n.escalation;
  // Replace invalid UTF-8 from plugin output instead of throwing.
  return Dump(body);
}

std::string Headline(const Notification& n) {
  std::vector<const AlertItem*> firing;
  std::vector<const AlertItem*> resolved;
  for (const AlertItem& a : n.alerts) (a.firing ? firing : resolved).push_back(&a);
  switch (n.event) {
    case Event::kAlert:
      break;
    case Event::kFlappingStarted:
    case Event::kFlappingStopped:
    case Event::kAcknowledged: {
      std::vector<const AlertItem*> all = firing;
      all.insert(all.end(), resolved.begin(), resolved.end());
      const char* what = n.event == Event::kFlappingStarted   ? "[FLAPPING] "
                         : n.event == Event::kFlappingStopped ? "[FLAPPING STOPPED] "
                                                              : "[ACK] ";
      return what + ChecksLabel(all) + " on " + NodesLabel(all);
    }
    case Event::kUplinkLost:
      return "[UPLINK LOST] " + n.note;
    case Event::kUplinkRestored:
      return "[UPLINK RESTORED] " + n.note;
    case Event::kRegionUnreachable:
      return "[REGION UNREACHABLE] " + n.note;
    case Event::kRegionRestored:
      return "[REGION RESTORED] " + n.note;
  }
  std::string out;
  if (n.escalation > 0) out += "[ESCALATED] ";
  if (!firing.empty()) {
    out += "[FIRING:" + std::to_string(firing.size()) + "] " + ChecksLabel(firing) + " " +
           std::string(probes::ToString(Worst(firing))) + " on " + NodesLabel(firing);
    if (!resolved.empty()) out += " (" + std::to_string(resolved.size()) + " resolved)";
    return out;
  }
  out += "[RESOLVED";
  if (resolved.size() > 1) out += ":" + std::to_string(resolved.size());
  out += "] " + ChecksLabel(resolved) + " on " + NodesLabel(resolved);
  return out;
}

std::string PlainText(const Notification& n) {
  std::string out = Headline(n) + "\n";
  for (const AlertItem& a : n.alerts) {
    out += "\n" + a.node + " " + a.check + ": " + std::string(probes::ToString(a.state));
    if (!a.firing) out += a.reason.empty() ? " (recovered)" : " (" + a.reason + ")";
    out += " since " + FormatRfc3339(a.since);
    if (!a.output.empty()) out += "\n  " + a.output;
  }
  if (!n.note.empty()) out += "\n\n" + n.note;
  out += "\n";
  return out;
}

std::string ToStoredJson(const Notification& n) {
  json alerts = json::array();
  for (const AlertItem& a : n.alerts) {
    alerts.push_back({{"node", a.node},
                      {"check", a.check},
                      {"firing", a.firing},
                      {"state", probes::ExitCode(a.state)},
                      {"previous_state", probes::ExitCode(a.previous_state)},
                      {"output", a.output},
                      {"since_ms", ToMs(a.since)},
                      {"tags", TagsToJson(a.tags)},
                      {"reason", a.reason}});
  }
  return Dump({{"id", n.id},
               {"notifier", n.notifier},
               {"event", std::string(ToString(n.event))},
               {"group", n.group},
               {"group_labels", TagsToJson(n.group_labels)},
               {"alerts", std::move(alerts)},
               {"note", n.note},
               {"escalation", n.escalation},
               {"created_ms", ToMs(n.created)},
               {"attempts", n.attempts},
               {"next_attempt_ms", ToMs(n.next_attempt)},
               {"last_error", n.last_error}});
}

Result<Notification> FromStoredJson(std::string_view text) try {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Fail("stored notification is not a JSON object");
  auto str = [&j](const char* key) { return j.value(key, std::string()); };
  auto num = [&j](const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
  };
  Notification n;
  n.id = str("id");
  n.notifier = str("notifier");
  const std::optional<Event> event = ParseEvent(str("event"));
  if (n.id.empty() || !event) return Fail("stored notification has no id or an unknown event");
  n.event = *event;
  n.group = str("group");
  n.group_labels = TagsFromJson(j.value("group_labels", json::object()));
  n.note = str("note");
  n.escalation = static_cast<int>(num("escalation"));
  n.created = FromMs(num("created_ms"));
  n.attempts = static_cast<int>(num("attempts"));
  n.next_attempt = FromMs(num("next_attempt_ms"));
  n.last_error = str("last_error");
  const auto alerts = j.find("alerts");
  if (alerts == j.end() || !alerts->is_array() || alerts->empty()) {
    return Fail("stored notification " + n.id + " has no alerts");
  }
  for (const json& item : *alerts) {
    if (!item.is_object()) return Fail("stored notification " + n.id + " has a bad alert");
    AlertItem a;
    a.node = item.value("node", std::string());
    a.check = item.value("check", std::string());
    a.firing = item.value("firing", true);
    a.state = probes::StateFromExit(static_cast<int>(IntOr(item, "state", 3)));
    a.previous_state = probes::StateFromExit(static_cast<int>(IntOr(item, "previous_state", 0)));
    a.output = item.value("output", std::string());
    a.since = FromMs(IntOr(item, "since_ms", 0));
    a.tags = TagsFromJson(item.value("tags", json::object()));
    a.reason = item.value("reason", std::string());
    n.alerts.push_back(std::move(a));
  }
  return n;
} catch (const json::exception& e) {  // a field of the wrong type
  return Fail(std::string("stored notification: ") + e.what());
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
