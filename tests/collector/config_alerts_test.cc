// The alerting sections of the config: notifiers of every kind, routes, the alert keys of a
// check, uplink: and watchdog:. Each key is read into its value; each mistake is one clear
// error naming the key.
#include <gtest/gtest.h>

#include <fstream>

#include "collector/config/loader.h"
#include "tests/collector/config_test_support.h"
#include "tests/support/peers.h"

namespace gs::collector {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

template <typename T>
const T& OptionsOf(const Config& c, std::size_t i) {
  static const T kNone{};
  if (i >= c.notifiers.size() || !std::holds_alternative<T>(c.notifiers[i].options)) {
    ADD_FAILURE() << "notifier " << i << " has other options";
    return kNone;
  }
  return std::get<T>(c.notifiers[i].options);
}

TEST(NotifierConfigTest, EveryKindReadsItsKeys) {
  test::TempDir dir;
  std::ofstream(dir / "token") << "s3cret\n";
  const Config c = Load(R"(
notifiers:
  - name: hook
    kind: webhook
    url: "https://hooks.example/x"
    timeout: 5s
    headers: {X-Team: ops}
    bearer_token: abc
    hmac_secret: k
  - {name: chat, kind: slack, url: "https://hooks.slack.com/services/T/B/X", text: "{{headline}}"}
  - name: am
    kind: alertmanager
    url: "http://127.0.0.1:9093"
    username: gs
    password: pw
    generator_url: "http://ground/"
    resolve_timeout: 12h
  - name: sms
    kind: twilio
    account_sid: AC123
    auth_token_file: )" +
                        (dir / "token").string() + R"(
    from: "+15550001111"
    to: ["+15550002222", "+15550003333"]
    max_chars: 320
  - name: gw
    kind: sms_gateway
    url: "https://sms.example/send?to={{to}}"
    body: '{"text": "{{text}}"}'
    to: ["+15550004444"]
  - name: mail
    kind: email
    smarthost: "smtp://127.0.0.1:2525"
    starttls: true
    username: u
    password: p
    from: "Ground <gs@example.com>"
    to: [ops@example.com]
    subject: "{{headline}}"
routes:
  - {notify: [hook, chat, am, sms, gw, mail]}
)");
  ASSERT_EQ(c.notifiers.size(), 6u);
  const auto& hook = OptionsOf<alerts::WebhookNotifier::Options>(c, 0);
  EXPECT_EQ(hook.url, "https://hooks.example/x");
  EXPECT_EQ(hook.timeout, seconds(5));
  EXPECT_EQ(hook.headers.at("X-Team"), "ops");
  EXPECT_EQ(hook.bearer_token, "abc");
  EXPECT_EQ(hook.hmac_secret, "k");
  EXPECT_EQ(OptionsOf<alerts::WebhookNotifier::Options>(c, 1).format,
            alerts::WebhookNotifier::Format::kSlack);
  const auto& am = OptionsOf<alerts::AlertmanagerNotifier::Options>(c, 2);
  EXPECT_EQ(am.basic_auth, "gs:pw");
  EXPECT_EQ(am.generator_url, "http://ground/");
  EXPECT_EQ(am.resolve_timeout, std::chrono::hours(12));
  const auto& sms = OptionsOf<alerts::TwilioSmsNotifier::Options>(c, 3);
  EXPECT_EQ(sms.auth_token, "s3cret");  // first line of the file, newline dropped
  EXPECT_EQ(sms.to.size(), 2u);
  EXPECT_EQ(sms.max_chars, 320u);
  EXPECT_EQ(OptionsOf<alerts::GatewaySmsNotifier::Options>(c, 4).body, R"({"text": "{{text}}"})");
  const auto& mail = OptionsOf<alerts::EmailNotifier::Options>(c, 5);
  EXPECT_TRUE(mail.starttls);
  EXPECT_EQ(mail.username, "u");
  EXPECT_EQ(mail.to, std::vector<std::string>{"ops@example.com"});
  EXPECT_EQ(mail.subject_template, "{{headline}}");
}

TEST(NotifierConfigTest, MistakesAreNamed) {
  const std::string head = "notifiers:\n  - ";
  EXPECT_TRUE(Refused(head + "{name: a, kind: pager}", "unknown notifier kind"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: webhook}", "notifiers[0].url: is required"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: webhook, url: 'ftp://x'}", "http:// or https://"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: webhook, url: 'http://x', bogus: 1}",
                      "notifiers[0].bogus: unknown key"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: webhook, url: 'http://x', hmac_secret: k, "
                             "hmac_secret_file: /f}",
                      "give hmac_secret or hmac_secret_file, not both"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: webhook, url: 'http://x', "
                             "bearer_token_file: /nonexistent/token}",
                      "cannot read \"/nonexistent/token\""));
  EXPECT_TRUE(Refused(head + "{name: a, kind: twilio, account_sid: x, from: y, to: [z]}",
                      "auth_token: is required"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: sms_gateway, url: 'http://x', to: []}",
                      "names no recipient"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: sms_gateway, url: 'http://x', to: [b], "
                             "max_chars: 5}",
                      "max_chars"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: email, smarthost: 'mail:25', from: x, to: [y]}",
                      "smtp:// or smtps://"));
  EXPECT_TRUE(Refused(head + "{name: a, kind: webhook, url: 'http://x'}\n  - {name: a, kind: "
                             "webhook, url: 'http://y'}",
                      "duplicate name \"a\""));
}

TEST(RouteConfigTest, EveryKeyIsRead) {
  const Config c = Load(R"(
notifiers:
  - {name: ops, kind: webhook, url: "http://127.0.0.1:9/"}
  - {name: boss, kind: webhook, url: "http://127.0.0.1:9/boss"}
routes:
  - name: web
    match: {role: web, check: [http, tls]}
    states: [critical, UNKNOWN]
    notify: [ops]
    continue: false
    group_by: [check, role]
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 0s
    send_resolved: false
    escalate:
      - {after: 15m, notify: [boss]}
      - {after: 1h, notify: [boss, ops]}
  - {notify: [ops]}
)");
  ASSERT_EQ(c.routes.size(), 2u);
  const alerts::Route& r = c.routes[0];
  EXPECT_EQ(r.name, "web");
  EXPECT_TRUE(r.match.Matches({{"role", "web"}, {"check", "tls"}}));
  EXPECT_FALSE(r.match.Matches({{"role", "web"}, {"check", "mysql"}}));
  EXPECT_EQ(r.states,
            (std::vector<probes::State>{probes::State::kCritical, probes::State::kUnknown}));
  EXPECT_FALSE(r.continue_matching);
  EXPECT_EQ(r.group_by, (std::vector<std::string>{"check", "role"}));
  EXPECT_EQ(r.group_wait, seconds(30));
  EXPECT_EQ(r.group_interval, minutes(5));
  EXPECT_EQ(r.repeat_interval, milliseconds(0));
  EXPECT_FALSE(r.send_resolved);
  ASSERT_EQ(r.escalate.size(), 2u);
  EXPECT_EQ(r.escalate[1].after, minutes(60));
  EXPECT_EQ(r.escalate[1].notify, (std::vector<std::string>{"boss", "ops"}));
  const alerts::Route& d = c.routes[1];  // the defaults
  EXPECT_TRUE(d.continue_matching);
  EXPECT_EQ(d.group_by, (std::vector<std::string>{"node", "check"}));
  EXPECT_EQ(d.repeat_interval, minutes(240));
  EXPECT_TRUE(d.send_resolved);
}

TEST(RouteConfigTest, MistakesAreNamed) {
  const std::string head =
      "notifiers:\n  - {name: ops, kind: webhook, url: 'http://x/'}\nroutes:\n  - ";
  EXPECT_TRUE(Refused(head + "{notify: [ops], states: [OK]}", "is not a problem state"));
  EXPECT_TRUE(Refused(head + "{notify: []}", "routes[0].notify: names no notifier"));
  EXPECT_TRUE(Refused(head + "{notify: [pager]}", "unknown notifier \"pager\""));
  EXPECT_TRUE(Refused(head + "{notify: [ops], escalate: [{after: 1h, notify: [ops]}, "
                             "{after: 30m, notify: [ops]}]}",
                      "must be later than the step before"));
  EXPECT_TRUE(Refused(head + "{notify: [ops], escalate: [{notify: [ops]}]}", "after: is required"));
  EXPECT_TRUE(Refused(head + "{notify: [ops], group_wait: soon}", "group_wait"));
}

TEST(CheckAlertConfigTest, HostCheckDependsOnAndFlappingAreRead) {
  const Config c = Load(R"(
checks:
  - {name: ping, kind: tcp, port: 22, host_check: true, flapping: false}
  - {name: http, kind: http, url: "http://{address}/", depends_on: {check: lb_http},
     flapping: {low: 10, high: 40}}
)");
  ASSERT_EQ(c.checks.size(), 2u);
  EXPECT_TRUE(c.checks[0].host_check);
  EXPECT_FALSE(c.checks[0].flap.enabled);
  ASSERT_TRUE(c.checks[1].depends_on.has_value());
  EXPECT_TRUE(c.checks[1].depends_on->Matches({{"check", "lb_http"}}));
  EXPECT_EQ(c.checks[1].flap.low_threshold, 10);
  EXPECT_EQ(c.checks[1].flap.high_threshold, 40);
  EXPECT_TRUE(Refused("checks:\n  - {name: a, kind: disk, depends_on: {}}", "empty selector"));
  EXPECT_TRUE(Refused("checks:\n  - {name: a, kind: disk, flapping: {low: 50, high: 40}}",
                      "0 <= low <= high <= 100"));
}

TEST(UplinkConfigTest, TheUplinkSetRegionAndNotifiersAreRead) {
  const Config c = Load(R"(
notifiers:
  - {name: pager, kind: webhook, url: "http://127.0.0.1:9/"}
uplink:
  checks: {role: uplink}
  region: {share_percent: 60, window: 3m, min_nodes: 5}
  recheck_within: 10m
  notify: [pager]
)");
  ASSERT_TRUE(c.uplink.uplink.has_value());
  EXPECT_TRUE(c.uplink.uplink->Matches({{"role", "uplink"}}));
  EXPECT_DOUBLE_EQ(c.uplink.region_share, 0.6);
  EXPECT_EQ(c.uplink.region_window, minutes(3));
  EXPECT_EQ(c.uplink.region_min_nodes, 5);
  EXPECT_EQ(c.uplink.recheck_within, minutes(10));
  EXPECT_EQ(c.uplink.notify, std::vector<std::string>{"pager"});
  const Config none = Load("nodes: []\n");
  EXPECT_EQ(none.uplink, alerts::GroundOptions{});  // off unless configured
}

TEST(UplinkConfigTest, MistakesAreNamed) {
  EXPECT_TRUE(
      Refused("uplink: {region: {window: 2m}}", "uplink.region.share_percent: is required"));
  EXPECT_TRUE(Refused("uplink: {region: {share_percent: 100}}", "above 0 and below 100"));
  EXPECT_TRUE(Refused("uplink: {region: {share_percent: 50, window: 0s}}", "between 1s and 24h"));
  EXPECT_TRUE(Refused("uplink: {region: {share_percent: 50, min_nodes: 0}}", "min_nodes"));
  EXPECT_TRUE(Refused("uplink: {notify: [pager]}", "uplink.notify[0]: unknown notifier"));
  EXPECT_TRUE(Refused("uplink: {checks: {role: uplink}, share: 1}", "uplink.share: unknown key"));
}

TEST(WatchdogConfigTest, TheHeartbeatIsRead) {
  const Config c = Load(R"(
watchdog:
  url: "https://hc-ping.com/0b5d1c9e"
  method: POST
  interval: 30s
  timeout: 5s
  headers: {X-Api-Key: k}
)");
  EXPECT_EQ(c.watchdog.url, "https://hc-ping.com/0b5d1c9e");
  EXPECT_EQ(c.watchdog.method, "POST");
  EXPECT_EQ(c.watchdog.interval, seconds(30));
  EXPECT_EQ(c.watchdog.timeout, seconds(5));
  EXPECT_EQ(c.watchdog.headers.at("X-Api-Key"), "k");
  EXPECT_EQ(Load("nodes: []\n").watchdog.url, "");  // off by default
}

TEST(WatchdogConfigTest, MistakesAreNamed) {
  EXPECT_TRUE(Refused("watchdog: {interval: 30s}", "watchdog.url: needs an http://"));
  EXPECT_TRUE(Refused("watchdog: {url: 'http://x/', method: PUT}", "GET, POST or HEAD"));
  EXPECT_TRUE(Refused("watchdog: {url: 'http://x/', interval: 0s}", "between 1s and 24h"));
  EXPECT_TRUE(Refused("watchdog: {url: 'http://x/', interval: 10s, timeout: 1m}",
                      "between 100ms and the interval"));
}

}  // namespace
}  // namespace gs::collector
