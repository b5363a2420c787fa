#include "collector/storage/alert_codec.h"

#include <cstdint>

#include "alerts/json_fields.h"

namespace gs::collector {
namespace {

using alerts::AlertRecord;
using alerts::Downtime;
using nlohmann::json;
using Clock = std::chrono::system_clock;
using Condition = probes::Selector::Condition;
using alerts::json_fields::Dump;
using alerts::json_fields::FromMs;
using alerts::json_fields::TagsFromJson;
using alerts::json_fields::TagsToJson;
using alerts::json_fields::ToMs;

// An integer field as T; a float fails like a string would (nlohmann's get<T>() casts a
// double that does not fit with undefined behaviour).
template <typename T>
T Int(const json& j) {
  if (!j.is_number_integer()) throw json::type_error::create(302, "an integer is required", &j);
  return j.get<T>();
}

// An optional time field (absent in records written before it existed).
Clock::time_point OptionalTime(const json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() ? Clock::time_point{} : FromMs(Int<std::int64_t>(*it));
}

json StatesJson(const std::vector<probes::State>& states) {
  json j = json::array();
  for (probes::State s : states) j.push_back(probes::ExitCode(s));
  return j;
}

std::vector<probes::State> StatesFrom(const json& j) {
  std::vector<probes::State> out;
  for (const json& s : j) out.push_back(probes::StateFromExit(Int<int>(s)));
  return out;
}

// An end of time_point::max() (open-ended) is stored as null.
json TimeOrNull(Clock::time_point t) {
  return t == Clock::time_point::max() ? json(nullptr) : json(ToMs(t));
}

Clock::time_point TimeFrom(const json& j) {
  return j.is_null() ? Clock::time_point::max() : FromMs(Int<std::int64_t>(j));
}

}  // namespace

json SelectorToJson(const probes::Selector& s) {
  json j = json::object();
  for (const Condition& c : s.conditions()) {
    switch (c.kind) {
      case Condition::Kind::kEquals:
        j[c.key] = c.values.empty() ? "" : c.values.front();
        break;
      case Condition::Kind::kOneOf:
        j[c.key] = c.values;
        break;
      case Condition::Kind::kNoneOf: {
        json list = json::array();
        for (const std::string& v : c.values) list.push_back("!" + v);
        // "!*" alone means "absent", so a single negated "*" stays a list.
        j[c.key] = list.size() == 1 && c.values.front() != "*" ? list.front() : list;
        break;
      }
      case Condition::Kind::kExists:
        j[c.key] = "*";
        break;
      case Condition::Kind::kAbsent:
        j[c.key] = "!*";
        break;
    }
  }
  return j;
}

Result<probes::Selector> SelectorFromJson(const json& j) {
  if (j.is_null()) return probes::Selector{};
  if (!j.is_object())
    return Fail("a selector is an object of tag conditions, e.g. {\"role\": \"web\"}");
  std::vector<Condition> conditions;
  for (const auto& [key, value] : j.items()) {
    if (value.is_string()) {
      const std::string v = value.get<std::string>();
      if (v == "*") {
        conditions.push_back({key, Condition::Kind::kExists, {}});
      } else if (v == "!*") {
        conditions.push_back({key, Condition::Kind::kAbsent, {}});
      } else if (v.starts_with("!")) {
        conditions.push_back({key, Condition::Kind::kNoneOf, {v.substr(1)}});
      } else {
        conditions.push_back({key, Condition::Kind::kEquals, {v}});
      }
      continue;
    }
    if (!value.is_array() || value.empty()) {
      return Fail("condition \"" + key + "\" must be a string or a non-empty list of strings");
    }
    std::vector<std::string> values;
    std::size_t negated = 0;
    for (const json& item : value) {
      if (!item.is_string()) return Fail("condition \"" + key + "\" lists a non-string");
      std::string v = item.get<std::string>();
      if (v.starts_with("!")) {
        ++negated;
        v.erase(0, 1);
      }
      values.push_back(std::move(v));
    }
    if (negated != 0 && negated != values.size()) {
      return Fail("condition \"" + key + "\" mixes negated and plain values");
    }
    conditions.push_back(
        {key, negated != 0 ? Condition::Kind::kNoneOf : Condition::Kind::kOneOf, values});
  }
  return probes::Selector(std::move(conditions));
}

std::string EncodeAlertRecord(const AlertRecord& a) {
  json routes = json::object();
  for (const auto& [key, r] : a.routes) {
    routes[key] = {{"firing", r.firing},
                   {"state", probes::ExitCode(r.state)},
                   {"first_sent", ToMs(r.first_sent)},
                   {"last_sent", ToMs(r.last_sent)},
                   {"escalation", r.escalation}};
  }
  json j = {{"node", a.facts.node},
            {"check", a.facts.check},
            {"kind", a.facts.kind},
            {"tags", TagsToJson(*a.facts.tags)},
            {"host_check", a.facts.host_check},
            {"state", probes::ExitCode(a.state)},
            {"hard_problem", a.hard_problem},
            {"output", a.output},
            {"since", ToMs(a.since)},
            {"previous_hard_state", probes::ExitCode(a.previous_hard_state)},
            {"flap_history", StatesJson(a.flap.history())},
            {"flapping", a.flap.flapping()},
            {"retired", a.retired},
            {"routes", std::move(routes)},
            {"failing_since", ToMs(a.failing_since)},
            {"last_result", ToMs(a.last_result)}};
  if (a.ack) {
    j["ack"] = {{"author", a.ack->author},
                {"comment", a.ack->comment},
                {"sticky", a.ack->sticky},
                {"created", ToMs(a.ack->created)},
                {"expires", a.ack->expires ? json(ToMs(*a.ack->expires)) : json(nullptr)}};
  }
  return Dump(j);
}

Result<AlertRecord> DecodeAlertRecord(const std::string& text) try {
  const json j = json::parse(text);
  AlertRecord a;
  a.facts.node = j.at("node").get<std::string>();
  a.facts.check = j.at("check").get<std::string>();
  a.facts.kind = j.at("kind").get<std::string>();
  a.facts.tags = std::make_shared<const probes::Tags>(TagsFromJson(j.at("tags")));
  a.facts.host_check = j.at("host_check").get<bool>();
  a.state = probes::StateFromExit(Int<int>(j.at("state")));
  a.hard_problem = j.at("hard_problem").get<bool>();
  a.output = j.at("output").get<std::string>();
  a.since = FromMs(Int<std::int64_t>(j.at("since")));
  a.previous_hard_state = probes::StateFromExit(Int<int>(j.at("previous_hard_state")));
  a.flap.Restore(StatesFrom(j.at("flap_history")), j.at("flapping").get<bool>());
  a.retired = j.at("retired").get<std::string>();
  a.failing_since = OptionalTime(j, "failing_since");
  a.last_result = OptionalTime(j, "last_result");
  for (const auto& [key, r] : j.at("routes").items()) {
    alerts::RouteRecord rec;
    rec.firing = r.at("firing").get<bool>();
    rec.state = probes::StateFromExit(Int<int>(r.at("state")));
    rec.first_sent = FromMs(Int<std::int64_t>(r.at("first_sent")));
    rec.last_sent = FromMs(Int<std::int64_t>(r.at("last_sent")));
    rec.escalation = Int<int>(r.at("escalation"));
    a.routes.emplace(key, rec);
  }
  if (auto ack = j.find("ack"); ack != j.end()) {
    alerts::Ack k;
    k.author = ack->at("author").get<std::string>();
    k.comment = ack->at("comment").get<std::string>();
    k.sticky = ack->at("sticky").get<bool>();
    k.created = FromMs(Int<std::int64_t>(ack->at("created")));
    if (!ack->at("expires").is_null()) k.expires = FromMs(Int<std::int64_t>(ack->at("expires")));
    a.ack = std::move(k);
  }
  return a;
} catch (const json::exception& e) {
  return Fail(std::string("alert record: ") + e.what());
}

json DowntimeToJson(const Downtime& d) {
  json j = {{"id", d.id},
            {"match", SelectorToJson(d.match)},
            {"start", alerts::FormatRfc3339(d.start)},
            {"end", d.end == Clock::time_point::max() ? json(nullptr)
                                                      : json(alerts::FormatRfc3339(d.end))},
            {"every", d.every ? json(alerts::FormatRecurrence(*d.every)) : json(nullptr)},
            {"author", d.author},
            {"comment", d.comment},
            {"created", alerts::FormatRfc3339(d.created)}};
  return j;
}

std::string EncodeDowntime(const Downtime& d) {
  return Dump({{"id", d.id},
               {"match", SelectorToJson(d.match)},
               {"start", ToMs(d.start)},
               {"end", TimeOrNull(d.end)},
               {"every", d.every ? json(alerts::FormatRecurrence(*d.every)) : json(nullptr)},
               {"author", d.author},
               {"comment", d.comment},
               {"created", ToMs(d.created)}});
}

Result<Downtime> DecodeDowntime(const std::string& text) try {
  const json j = json::parse(text);
  Downtime d;
  d.id = j.at("id").get<std::string>();
  auto match = SelectorFromJson(j.at("match"));
  if (!match) return Fail("downtime " + d.id + ": " + match.error().message);
  d.match = std::move(*match);
  d.start = FromMs(Int<std::int64_t>(j.at("start")));
  d.end = TimeFrom(j.at("end"));
  if (!j.at("every").is_null()) {
    auto every = alerts::ParseRecurrence(j.at("every").get<std::string>());
    if (!every) return Fail("downtime " + d.id + ": " + every.error().message);
    d.every = *every;
  }
  d.author = j.at("author").get<std::string>();
  d.comment = j.at("comment").get<std::string>();
  d.created = FromMs(Int<std::int64_t>(j.at("created")));
  return d;
} catch (const json::exception& e) {
  return Fail(std::string("downtime: ") + e.what());
}

std::string EncodeGroundState(const alerts::GroundState& g) {
  json region_alerts = json::array();
  for (const auto& [node, check] : g.region_alerts) region_alerts.push_back({node, check});
  return Dump({{"uplink_lost", g.uplink_lost},
               {"uplink_since", ToMs(g.uplink_since)},
               {"region_unreachable", g.region_unreachable},
               {"region_from", ToMs(g.region_from)},
               {"region_since", ToMs(g.region_since)},
               {"region_alerts", std::move(region_alerts)},
               {"recheck_from", ToMs(g.recheck_from)},
               {"uplink_restore_pending", g.uplink_restore_pending},
               {"region_restore_pending", g.region_restore_pending},
               {"uplink_restored_at", ToMs(g.uplink_restored_at)},
               {"region_restored_at", ToMs(g.region_restored_at)}});
}

Result<alerts::GroundState> DecodeGroundState(const std::string& text) try {
  const json j = json::parse(text);
  alerts::GroundState g;
  g.uplink_lost = j.at("uplink_lost").get<bool>();
  g.uplink_since = FromMs(Int<std::int64_t>(j.at("uplink_since")));
  g.region_unreachable = j.at("region_unreachable").get<bool>();
  g.region_from = FromMs(Int<std::int64_t>(j.at("region_from")));
  g.region_since = FromMs(Int<std::int64_t>(j.at("region_since")));
  for (const json& k : j.at("region_alerts")) {
    g.region_alerts.emplace_back(k.at(0).get<std::string>(), k.at(1).get<std::string>());
  }
  g.recheck_from = FromMs(Int<std::int64_t>(j.at("recheck_from")));
  g.uplink_restore_pending = j.at("uplink_restore_pending").get<bool>();
  g.region_restore_pending = j.at("region_restore_pending").get<bool>();
  g.uplink_restored_at = FromMs(Int<std::int64_t>(j.at("uplink_restored_at")));
  g.region_restored_at = FromMs(Int<std::int64_t>(j.at("region_restored_at")));
  return g;
} catch (const json::exception& e) {
  return Fail(std::string("ground state: ") + e.what());
}

}  // namespace gs::collector
