// WebhookNotifier against a real HTTP endpoint (tests/support/http_receiver.h).
#include "alerts/webhook_notifier.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "tests/support/http_receiver.h"

namespace gs::alerts {
namespace {

using nlohmann::json;
using probes::State;
using test::HttpReceiver;
using test::ReceivedRequest;
using test::TempDir;

// 2024-05-01T12:00:00Z
constexpr std::chrono::sys_seconds kSince{std::chrono::seconds(1714564800)};

AlertItem Item(std::string node, bool firing, State state, std::string output) {
  AlertItem a;
  a.node = std::move(node);
  a.check = "http";
  a.firing = firing;
  a.state = state;
  a.previous_state = firing ? State::kOk : State::kCritical;
  a.output = std::move(output);
  a.since = kSince;
  a.tags = {{"role", "web"}};
  return a;
}

// Two web nodes down, one recovered, in one group message.
Notification Group() {
  Notification n;
  n.id = "0123456789abcdef0123456789abcdef";
  n.notifier = "ops-hook";
  n.group = "route0/http/web";
  n.group_labels = {{"check", "http"}, {"role", "web"}};
  n.alerts = {Item("web01", true, State::kCritical, "connection refused"),
              Item("web02", true, State::kCritical, "timeout after 10 s"),
              Item("web03", false, State::kOk, "HTTP OK")};
  return n;
}

WebhookNotifier::Options To(const HttpReceiver& receiver) {
  WebhookNotifier::Options options;
  options.url = receiver.url("/hook");
  return options;
}

// Sends `n` through a notifier with `options` and returns the one request that arrived.
ReceivedRequest SendAndReceive(const HttpReceiver& receiver,
                               const WebhookNotifier::Options& options, const Notification& n) {
  WebhookNotifier notifier(options);
  const SendResult r = notifier.Send(n);
  EXPECT_TRUE(r) << r.error().message;
  const std::vector<ReceivedRequest> requests = receiver.WaitForRequests(1);
  if (requests.size() != 1) {
    ADD_FAILURE() << requests.size() << " requests";
    return {};
  }
  return requests[0];
}

std::string HmacSha256Hex(const std::string& key, const std::string& data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    std::array<char, 3> byte{};
    std::snprintf(byte.data(), byte.size(), "%02x", mac[i]);
    hex += byte.data();
  }
  return hex;
}

TEST(WebhookNotifierTest, JsonBodyDescribesThePrimaryAlertAndCarriesAllAlertsGroupAndEvent) {
  TempDir dir;
  HttpReceiver receiver(dir);
  const ReceivedRequest request = SendAndReceive(receiver, To(receiver), Group());
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/hook");
  EXPECT_EQ(request.headers.at("content-type"), "application/json");
  const json body = json::parse(request.body);
  EXPECT_EQ(body["id"], "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(body["status"], "firing");
  EXPECT_EQ(body["node"], "web01");
  EXPECT_EQ(body["check"], "http");
  EXPECT_EQ(body["state"], "CRITICAL");
  EXPECT_EQ(body["previous_state"], "OK");
  EXPECT_EQ(body["output"], "connection refused");
  EXPECT_EQ(body["since"], "2024-05-01T12:00:00Z");
  EXPECT_EQ(body["tags"], json({{"role", "web"}}));
  EXPECT_EQ(body["event"], "alert");
  EXPECT_EQ(body["group"], json({{"check", "http"}, {"role", "web"}}));
  EXPECT_EQ(body["escalation"], 0);
  ASSERT_EQ(body["alerts"].size(), 3u);
  EXPECT_EQ(body["alerts"][1]["node"], "web02");
  EXPECT_EQ(body["alerts"][1]["output"], "timeout after 10 s");
  EXPECT_EQ(body["alerts"][2]["status"], "resolved");
  EXPECT_EQ(body["alerts"][2]["state"], "OK");
}

TEST(WebhookNotifierTest, OtherEventsAreNamedInTheBody) {
  TempDir dir;
  HttpReceiver receiver(dir);
  Notification n = Group();
  n.event = Event::kAcknowledged;
  n.note = "alice: on it";
  const json body = json::parse(SendAndReceive(receiver, To(receiver), n).body);
  EXPECT_EQ(body["event"], "acknowledged");
  EXPECT_EQ(body["note"], "alice: on it");
}

TEST(WebhookNotifierTest, IdempotencyKeyEqualsTheNotificationId) {
  TempDir dir;
  HttpReceiver receiver(dir);
  const ReceivedRequest request = SendAndReceive(receiver, To(receiver), Group());
  EXPECT_EQ(request.headers.at("idempotency-key"), "0123456789abcdef0123456789abcdef");
}

TEST(WebhookNotifierTest, CustomHeadersAndBearerTokenAreSent) {
  TempDir dir;
  HttpReceiver receiver(dir);
  WebhookNotifier::Options options = To(receiver);
  options.headers = {{"X-Team", "ops"}, {"X-Env", "prod"}};
  options.bearer_token = "s3cr3t-token";
  const ReceivedRequest request = SendAndReceive(receiver, options, Group());
  EXPECT_EQ(request.headers.at("x-team"), "ops");
  EXPECT_EQ(request.headers.at("x-env"), "prod");
  EXPECT_EQ(request.headers.at("authorization"), "Bearer s3cr3t-token");
  EXPECT_EQ(request.headers.count("x-groundstation-signature"), 0u);  // no secret, no signature
}

TEST(WebhookNotifierTest, SignatureIsTheHmacSha256OfTheExactBody) {
  TempDir dir;
  HttpReceiver receiver(dir);
  WebhookNotifier::Options options = To(receiver);
  options.hmac_secret = "hook-secret";
  const ReceivedRequest request = SendAndReceive(receiver, options, Group());
  ASSERT_FALSE(request.body.empty());
  EXPECT_EQ(request.headers.at("x-groundstation-signature"),
            "sha256=" + HmacSha256Hex("hook-secret", request.body));
}

TEST(WebhookNotifierTest, SignatureMatchesGitHubsDocumentedExample) {
  // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
  EXPECT_EQ(WebhookSignature("It's a Secret to Everybody", "Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  EXPECT_EQ(HmacSha256Hex("It's a Secret to Everybody", "Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(WebhookNotifierTest, SlackFormatPostsTheHeadlineAsText) {
  TempDir dir;
  HttpReceiver receiver(dir);
  WebhookNotifier::Options options = To(receiver);
  options.format = WebhookNotifier::Format::kSlack;
  const Notification n = Group();
  const json body = json::parse(SendAndReceive(receiver, options, n).body);
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body.size(), 1u) << body.dump();
  const std::string text = body.at("text").get<std::string>();
  EXPECT_EQ(text.rfind("*" + Headline(n) + "*\n", 0), 0u) << text;
  EXPECT_NE(text.find("web02 http CRITICAL: timeout after 10 s\n"), std::string::npos) << text;
}

TEST(WebhookNotifierTest, SlackTextTemplateIsRendered) {
  TempDir dir;
  HttpReceiver receiver(dir);
  WebhookNotifier::Options options = To(receiver);
  options.format = WebhookNotifier::Format::kSlack;
  options.text_template = "{{count}} alerts in {{group.role}}";
  const json body = json::parse(SendAndReceive(receiver, options, Group()).body);
  EXPECT_EQ(body, json({{"text", "3 alerts in web"}}));
}

TEST(WebhookNotifierTest, TooManyRequestsWithRetryAfterGivesTheDelay) {
  TempDir dir;
  HttpReceiver receiver(dir, {.status = 429, .retry_after = 7});
  WebhookNotifier notifier(To(receiver));
  const SendResult r = notifier.Send(Group());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("HTTP 429", 0), 0u) << r.error().message;
  ASSERT_TRUE(r.error().retry_after.has_value());
  EXPECT_EQ(*r.error().retry_after, std::chrono::seconds(7));
}

TEST(WebhookNotifierTest, ServiceUnavailableWithoutRetryAfterGivesNoDelay) {
  TempDir dir;
  HttpReceiver receiver(dir, {.status = 503});
  WebhookNotifier notifier(To(receiver));
  const SendResult r = notifier.Send(Group());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("HTTP 503", 0), 0u) << r.error().message;
  EXPECT_FALSE(r.error().retry_after.has_value());
}

TEST(WebhookNotifierTest, ServerErrorIsAFailureWithTheStatusAndABodyExcerpt) {
  TempDir dir;
  HttpReceiver receiver(dir, {.status = 500, .response_body = "database\nis down"});
  WebhookNotifier notifier(To(receiver));
  const SendResult r = notifier.Send(Group());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "HTTP 500: database is down");
  EXPECT_FALSE(r.error().retry_after.has_value());
}

TEST(WebhookNotifierTest, FailedAttemptThenRetrySucceedsWithTheSameKey) {
  TempDir dir;
  HttpReceiver receiver(dir, {.fail_first = 1});
  WebhookNotifier notifier(To(receiver));
  EXPECT_FALSE(notifier.Send(Group()));
  EXPECT_TRUE(notifier.Send(Group()));
  const std::vector<ReceivedRequest> requests = receiver.WaitForRequests(2);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].headers.at("idempotency-key"), requests[1].headers.at("idempotency-key"));
  EXPECT_EQ(requests[0].body, requests[1].body);
}

TEST(WebhookNotifierTest, UnreachableEndpointIsAFailureWithCurlsMessage) {
  WebhookNotifier::Options options;
  options.url = "http://127.0.0.1:" + std::to_string(test::FreePort()) + "/hook";  // refused
  WebhookNotifier notifier(options);
  const SendResult r = notifier.Send(Group());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("onnect"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("HTTP"), std::string::npos) << r.error().message;
}

TEST(WebhookNotifierTest, HangingEndpointIsATimeoutFailure) {
  TempDir dir;
  HttpReceiver receiver(dir, {.hang_first = 1, .hang_seconds = 60});
  WebhookNotifier::Options options = To(receiver);
  options.timeout = std::chrono::seconds(1);
  WebhookNotifier notifier(options);
  const SendResult r = notifier.Send(Group());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("imed out"), std::string::npos) << r.error().message;
}

TEST(WebhookNotifierTest, MalformedUrlIsAFailureNotACrash) {
  for (const char* url : {"not a url", "", "ftp://127.0.0.1/x", "http://[::1"}) {
    WebhookNotifier::Options options;
    options.url = url;
    WebhookNotifier notifier(options);
    const SendResult r = notifier.Send(Group());
    ASSERT_FALSE(r) << url;
    EXPECT_FALSE(r.error().message.empty()) << url;
  }
}

TEST(WebhookNotifierTest, InvalidUtf8InOutputStillGivesValidJson) {
  TempDir dir;
  HttpReceiver receiver(dir);
  Notification n = Group();
  n.alerts[0].output = "bad \xFF byte";
  const json body = json::parse(SendAndReceive(receiver, To(receiver), n).body);
  EXPECT_EQ(body["output"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace gs::alerts
