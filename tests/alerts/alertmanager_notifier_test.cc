// AlertmanagerNotifier: the body it builds, and delivery to a real prometheus-alertmanager.
#include "alerts/alertmanager_notifier.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "tests/support/alertmanager_peer.h"
#include "tests/support/http_receiver.h"

namespace gs::alerts {
namespace {

using nlohmann::json;
using probes::State;
using Clock = std::chrono::system_clock;

// A recent whole second, so Alertmanager's startsAt can be compared as text.
const Clock::time_point kSince =
    std::chrono::floor<std::chrono::seconds>(Clock::now()) - std::chrono::hours(1);

AlertItem Firing(std::string node, State state = State::kCritical) {
  AlertItem a;
  a.node = std::move(node);
  a.check = "http";
  a.firing = true;
  a.state = state;
  a.previous_state = State::kOk;
  a.output = "connection refused\nafter 3 attempts";
  a.since = kSince;
  a.tags = {{"role", "web"}, {"dc", "fra1"}};
  return a;
}

// `a` recovered to OK.
AlertItem Recovered(AlertItem a) {
  a.firing = false;
  a.previous_state = a.state;
  a.state = State::kOk;
  a.output = "HTTP OK";
  a.since = kSince + std::chrono::minutes(30);
  return a;
}

Notification Message(std::vector<AlertItem> alerts) {
  Notification n;
  n.id = NewNotificationId();
  n.notifier = "am";
  n.alerts = std::move(alerts);
  n.created = Clock::now();
  return n;
}

json Parse(const std::string& body) { return json::parse(body); }

// ---- The body, without a peer ----

TEST(AlertmanagerBodyTest, FiringAlertHasLabelsAnnotationsAndStartsAtButNoEndsAt) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1",
                                 .timeout = std::chrono::seconds(1),
                                 .headers = {},
                                 .basic_auth = std::nullopt,
                                 .generator_url = "http://gs.example/checks/http",
                                 .resolve_timeout = std::chrono::milliseconds(0)});
  const json body = Parse(notifier.Body(Message({Firing("web01")})));
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["labels"], json({{"alertname", "http"},
                                     {"node", "web01"},
                                     {"check", "http"},
                                     {"severity", "critical"},
                                     {"role", "web"},
                                     {"dc", "fra1"}}));
  EXPECT_EQ(body[0]["annotations"],
            json({{"summary", "connection refused"},
                  {"description", "connection refused\nafter 3 attempts"}}));
  EXPECT_EQ(body[0]["startsAt"], FormatRfc3339(kSince));
  EXPECT_FALSE(body[0].contains("endsAt"));
  EXPECT_EQ(body[0]["generatorURL"], "http://gs.example/checks/http");
}

TEST(AlertmanagerBodyTest, ResolvedAlertEndsAtTheNotificationTimeWithItsFiringSeverity) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1"});
  Notification n = Message({Recovered(Firing("web01", State::kWarning))});
  n.created = kSince + std::chrono::minutes(31);
  const json body = Parse(notifier.Body(n));
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["labels"]["severity"], "warning");  // same labels as when it fired
  EXPECT_EQ(body[0]["endsAt"], FormatRfc3339(n.created));
  EXPECT_FALSE(body[0].contains("generatorURL"));
}

TEST(AlertmanagerBodyTest, EndsAtIsNeverBeforeStartsAt) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1"});
  Notification n = Message({Recovered(Firing("web01"))});
  n.created = kSince;  // before the recovered item's since
  const json body = Parse(notifier.Body(n));
  EXPECT_EQ(body[0]["endsAt"], body[0]["startsAt"]);
}

TEST(AlertmanagerBodyTest, ResolvedAlertWithoutCreatedTimeEndsNow) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1"});
  Notification n = Message({Recovered(Firing("web01"))});
  n.created = {};
  const Clock::time_point before = std::chrono::floor<std::chrono::seconds>(Clock::now());
  const json body = Parse(notifier.Body(n));
  EXPECT_GE(body[0]["endsAt"].get<std::string>(), FormatRfc3339(before));
}

TEST(AlertmanagerBodyTest, TagsWithInvalidLabelNamesOrEmptyValuesAreSkippedAndNeverOverride) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1"});
  AlertItem a = Firing("web01");
  a.tags = {{"role", "web"},     {"bad-key", "x"},      {"9lives", "x"},
            {"dotted.key", "x"}, {"empty", ""},         {"_ok_9", "y"},
            {"node", "evil"},    {"alertname", "evil"}, {"check", "evil"}};
  const json labels = Parse(notifier.Body(Message({a})))[0]["labels"];
  EXPECT_EQ(labels, json({{"alertname", "http"},
                          {"node", "web01"},
                          {"check", "http"},
                          {"severity", "critical"},
                          {"role", "web"},
                          {"_ok_9", "y"}}));
}

TEST(AlertmanagerBodyTest, OtherEventsGetAnEventLabelAndTheNote) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1"});
  Notification n = Message({Firing("web01")});
  n.event = Event::kFlappingStarted;
  n.note = "changed state 9 times in 1h";
  const json alert = Parse(notifier.Body(n))[0];
  EXPECT_EQ(alert["labels"]["event"], "flapping_started");
  EXPECT_EQ(alert["annotations"]["note"], "changed state 9 times in 1h");
}

TEST(AlertmanagerBodyTest, AFiringAlertLastsResolveTimeoutUnlessSentAgain) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1"});  // default: 24h
  Notification n = Message({Firing("web01")});
  n.created = kSince + std::chrono::minutes(3);
  const json alert = Parse(notifier.Body(n))[0];
  EXPECT_EQ(alert["endsAt"], FormatRfc3339(n.created + std::chrono::hours(24)));
}

TEST(AlertmanagerBodyTest, ARestoredMessageResolvesTheAlertsOfItsLostMessage) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1"});
  Notification lost = Message({Firing("gw-a")});
  lost.event = Event::kUplinkLost;
  Notification back = lost;
  back.event = Event::kUplinkRestored;
  back.alerts[0].firing = false;
  const json raised = Parse(notifier.Body(lost))[0];
  const json resolved = Parse(notifier.Body(back))[0];
  EXPECT_EQ(resolved["labels"], raised["labels"]);  // the same alert in Alertmanager
  EXPECT_EQ(raised["labels"]["event"], "uplink_lost");
  EXPECT_TRUE(resolved.contains("endsAt"));
}

TEST(AlertmanagerBodyTest, InvalidUtf8IsReplacedSoAlertmanagerAcceptsIt) {
  AlertmanagerNotifier notifier({.url = "http://127.0.0.1:1"});
  AlertItem a = Firing("web01");
  a.output = "bad \xFF byte";
  a.tags = {{"role", "w\xC3"}};
  const json alert = Parse(notifier.Body(Message({a})))[0];
  EXPECT_EQ(alert["annotations"]["summary"], "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(alert["labels"]["role"], "w\xEF\xBF\xBD");
}

TEST(AlertmanagerBodyTest, LabelNames) {
  for (const char* good : {"a", "_", "Z9_x", "node_role"}) EXPECT_TRUE(IsValidLabelName(good));
  for (const char* bad : {"", "9a", "a-b", "a.b", "a b", "é"}) EXPECT_FALSE(IsValidLabelName(bad));
}

TEST(AlertmanagerNotifierHttpTest, PostsToTheApiPathWithHeadersAndBasicAuth) {
  test::TempDir dir;
  test::HttpReceiver receiver(dir);
  AlertmanagerNotifier notifier({.url = receiver.url("/am/"),
                                 .timeout = std::chrono::seconds(10),
                                 .headers = {{"X-Scope-OrgID", "tenant1"}},
                                 .basic_auth = "gs:pw",
                                 .generator_url = ""});
  const Notification n = Message({Firing("web01")});
  const SendResult r = notifier.Send(n);
  ASSERT_TRUE(r) << r.error().message;
  const std::vector<test::ReceivedRequest> requests = receiver.WaitForRequests(1);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/am/api/v2/alerts");
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].headers.at("x-scope-orgid"), "tenant1");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Basic Z3M6cHc=");  // base64("gs:pw")
  EXPECT_EQ(requests[0].body, notifier.Body(n));
}

// ---- Against a real Alertmanager ----

class AlertmanagerNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::Alertmanager::Available()) {
      GTEST_SKIP() << "prometheus-alertmanager is not installed (scripts/install-deps.sh)";
    }
    am_ = std::make_unique<test::Alertmanager>(dir_);
    notifier_ = std::make_unique<AlertmanagerNotifier>(
        AlertmanagerNotifier::Options{.url = am_->url(),
                                      .timeout = std::chrono::seconds(10),
                                      .headers = {},
                                      .basic_auth = std::nullopt,
                                      .generator_url = "http://gs.example/checks/http"});
  }

  void Send(const Notification& n) {
    const SendResult r = notifier_->Send(n);
    ASSERT_TRUE(r) << r.error().message;
  }

  // The active alerts whose labels contain every pair of `match`.
  std::vector<json> Active(const json& match) const {
    std::vector<json> found;
    const json alerts = am_->ActiveAlerts();
    if (!alerts.is_array()) return found;
    for (const json& alert : alerts) {
      bool all = true;
      for (const auto& [key, value] : match.items()) {
        all = all && alert["labels"].value(key, json()) == value;
      }
      if (all) found.push_back(alert);
    }
    return found;
  }

  // Waits until exactly `count` active alerts match.
  bool WaitForActive(const json& match, std::size_t count) const {
    return test::WaitUntil([&] { return Active(match).size() == count; }, std::chrono::seconds(30));
  }

  test::TempDir dir_;
  std::unique_ptr<test::Alertmanager> am_;
  std::unique_ptr<AlertmanagerNotifier> notifier_;
};

TEST_F(AlertmanagerNotifierTest, FiringNotificationBecomesAnActiveAlertWithLabelsAndAnnotations) {
  Send(Message({Firing("web01")}));
  ASSERT_TRUE(WaitForActive({{"node", "web01"}}, 1)) << am_->ActiveAlerts().dump();
  const json alert = Active({{"node", "web01"}})[0];
  EXPECT_EQ(alert["labels"], json({{"alertname", "http"},
                                   {"node", "web01"},
                                   {"check", "http"},
                                   {"severity", "critical"},
                                   {"role", "web"},
                                   {"dc", "fra1"}}));
  EXPECT_EQ(alert["annotations"], json({{"summary", "connection refused"},
                                        {"description", "connection refused\nafter 3 attempts"}}));
  // Alertmanager writes milliseconds: "2024-05-01T12:00:00.000Z".
  EXPECT_EQ(alert["startsAt"].get<std::string>().substr(0, 19),
            FormatRfc3339(kSince).substr(0, 19));
  EXPECT_EQ(alert["generatorURL"], "http://gs.example/checks/http");
}

TEST_F(AlertmanagerNotifierTest, ResolvedNotificationStopsBeingActive) {
  const AlertItem firing = Firing("web01");
  Send(Message({firing}));
  ASSERT_TRUE(WaitForActive({{"node", "web01"}}, 1));
  Send(Message({Recovered(firing)}));
  EXPECT_TRUE(WaitForActive({{"node", "web01"}}, 0)) << am_->ActiveAlerts().dump();
}

TEST_F(AlertmanagerNotifierTest, ThreeAlertsInOneNotificationBecomeThreeAlerts) {
  Send(Message({Firing("web01"), Firing("web02"), Firing("web03", State::kWarning)}));
  ASSERT_TRUE(WaitForActive({{"alertname", "http"}}, 3)) << am_->ActiveAlerts().dump();
  EXPECT_EQ(Active({{"node", "web03"}, {"severity", "warning"}}).size(), 1u);
}

TEST_F(AlertmanagerNotifierTest, TagWithAnInvalidLabelNameIsSkipped) {
  AlertItem a = Firing("web01");
  a.tags = {{"role", "web"}, {"bad-key", "x"}, {"node", "evil"}};
  Send(Message({a}));  // Alertmanager would reject the whole alert with "bad-key" in it
  ASSERT_TRUE(WaitForActive({{"node", "web01"}}, 1)) << am_->ActiveAlerts().dump();
  const json labels = Active({{"node", "web01"}})[0]["labels"];
  EXPECT_FALSE(labels.contains("bad-key"));
  EXPECT_EQ(labels["role"], "web");
}

TEST_F(AlertmanagerNotifierTest, SeverityChangeResolvesTheAlertOfTheOldSeverity) {
  Send(Message({Firing("web01", State::kWarning)}));
  ASSERT_TRUE(WaitForActive({{"node", "web01"}, {"severity", "warning"}}, 1));
  AlertItem worse = Firing("web01", State::kCritical);
  worse.previous_state = State::kWarning;
  Send(Message({worse}));
  ASSERT_TRUE(WaitForActive({{"node", "web01"}, {"severity", "critical"}}, 1));
  EXPECT_TRUE(WaitForActive({{"node", "web01"}}, 1)) << am_->ActiveAlerts().dump();
}

TEST_F(AlertmanagerNotifierTest, OtherEventsArriveWithAnEventLabel) {
  Notification n = Message({Firing("web01")});
  n.event = Event::kFlappingStarted;
  Send(n);
  EXPECT_TRUE(WaitForActive({{"node", "web01"}, {"event", "flapping_started"}}, 1))
      << am_->ActiveAlerts().dump();
}

TEST(AlertmanagerNotifierDownTest, AlertmanagerDownIsAFailureWithCurlsReason) {
  AlertmanagerNotifier notifier(
      {.url = "http://127.0.0.1:" + std::to_string(test::FreePort())});  // nothing listens
  const SendResult r = notifier.Send(Message({Firing("web01")}));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("onnect"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("HTTP"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace gs::alerts
