#include "alerts/sms_notifier.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "alerts/message_template.h"
#include "tests/support/http_receiver.h"
#include "tests/support/peers.h"

namespace gs::alerts {
namespace {

using test::HttpReceiver;
using test::ReceivedRequest;
using test::TempDir;
using namespace std::chrono_literals;

// A firing group of `count` http alerts on web01, web02, ...
Notification Group(std::size_t count, const std::string& id = "n-1") {
  Notification n;
  n.id = id;
  n.notifier = "sms";
  for (std::size_t i = 1; i <= count; ++i) {
    AlertItem a;
    a.node = (i < 10 ? "web0" : "web") + std::to_string(i);
    a.check = "http";
    a.state = probes::State::kCritical;
    a.output = "connection refused";
    n.alerts.push_back(a);
  }
  return n;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

// An application/x-www-form-urlencoded body as name -> value.
std::map<std::string, std::string> FormFields(const std::string& body) {
  std::map<std::string, std::string> fields;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t end = body.find('&', pos);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(pos, end - pos);
    const std::size_t eq = pair.find('=');
    if (eq != std::string::npos)
      fields[PercentDecode(pair.substr(0, eq))] = PercentDecode(pair.substr(eq + 1));
    pos = end + 1;
  }
  return fields;
}

std::string Base64Decode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const std::size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) continue;  // '=' padding
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

// UTF-8 code points of `text`.
std::size_t CodePoints(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// GSM-7 septets of a text IsGsm7() accepted: extension characters count two.
std::size_t Septets(std::string_view text) {
  std::size_t n = CodePoints(text);
  for (const char c : text) n += std::string_view("[]{}\\^~|").find(c) != std::string_view::npos;
  return n;
}

TwilioSmsNotifier::Options TwilioTo(const HttpReceiver& rx, std::vector<std::string> to) {
  TwilioSmsNotifier::Options options;
  options.account_sid = "AC0123456789";
  options.auth_token = "s3cret/token";
  options.from = "+15550000000";
  options.to = std::move(to);
  options.api_base = rx.url("");
  return options;
}

constexpr const char* kTwilioCreated = R"({"sid": "SM123", "status": "queued"})";

TEST(SmsTextTest, GsmCharactersAreRecognisedIncludingTheExtensionTable) {
  EXPECT_TRUE(IsGsm7("[FIRING:3] http CRITICAL on web01 {x} ~ | \\ ^ €"));
  EXPECT_TRUE(IsGsm7("Zürich Ørsted café Δ ¿ §\r\n"));
  EXPECT_FALSE(IsGsm7("façade"));                 // ç is not there (only Ç is)
  EXPECT_FALSE(IsGsm7("a`b"));                    // backquote
  EXPECT_FALSE(IsGsm7("a\tb"));                   // tab
  EXPECT_FALSE(IsGsm7("disk \xF0\x9F\x94\xA5"));  // emoji
  EXPECT_FALSE(IsGsm7("Сервер"));                 // Cyrillic
  EXPECT_FALSE(IsGsm7("bad \xFF byte"));
}

TEST(SmsTextTest, ShortTextIsTheHeadlineUncut) {
  const Notification n = Group(1);
  EXPECT_EQ(SmsText(n, "", kSmsGsmChars), Headline(n));
}

TEST(SmsTextTest, LongGsmTextIsCutTo160SeptetsEndingInDots) {
  const std::string text = SmsText(Group(50), "{{headline}} {{alerts}}", kSmsGsmChars);
  EXPECT_TRUE(IsGsm7(text)) << text;
  EXPECT_LE(Septets(text), 160u) << text;
  EXPECT_GE(Septets(text), 157u) << text;  // uses the room it has
  EXPECT_TRUE(text.ends_with("...")) << text;
  EXPECT_TRUE(text.starts_with("[FIRING:50] http CRITICAL on web01")) << text;
}

TEST(SmsTextTest, UnicodeTextIsCutTo70Characters) {
  Notification n = Group(3);
  n.alerts[0].output = std::string("Сервер недоступен ") + std::string(200, 'x');
  const std::string text = SmsText(n, "{{output}}", kSmsGsmChars);
  EXPECT_EQ(CodePoints(text), 70u) << text;
  EXPECT_TRUE(text.ends_with("\xE2\x80\xA6")) << text;
}

TEST(SmsTextTest, AnExplicitLongerLimitIsKeptForUnicodeText) {
  Notification n = Group(1);
  n.alerts[0].output = "émoji \xF0\x9F\x94\xA5 " + std::string(400, 'x');
  const std::string text = SmsText(n, "{{output}}", 300);
  // The emoji is two UTF-16 units: 299 code points are 300 units.
  EXPECT_EQ(CodePoints(text), 299u);
}

TEST(SmsTextTest, DeliveredRecipientsForgetTheOldestPastCapacity) {
  DeliveredRecipients delivered;
  for (std::size_t i = 0; i <= DeliveredRecipients::kCapacity; ++i) {
    delivered.Add("id-" + std::to_string(i), "+1555");
  }
  EXPECT_EQ(delivered.size(), DeliveredRecipients::kCapacity);
  EXPECT_FALSE(delivered.Contains("id-0", "+1555"));
  EXPECT_TRUE(delivered.Contains("id-1", "+1555"));
  EXPECT_TRUE(delivered.Contains("id-1024", "+1555"));
  delivered.Add("", "+1555");
  EXPECT_FALSE(delivered.Contains("", "+1555"));
}

TEST(SmsTextTest, PercentEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("a b&c=d/é~+_.-"), "a%20b%26c%3Dd%2F%C3%A9~%2B_.-");
}

TEST(TwilioSmsNotifierTest, PostsTheFormBodyWithBasicAuth) {
  TempDir dir;
  HttpReceiver rx(dir, {.status = 201, .response_body = kTwilioCreated});
  TwilioSmsNotifier notifier(TwilioTo(rx, {"+15551230001"}));
  const Notification n = Group(1);
  ASSERT_TRUE(notifier.Send(n));
  const std::vector<ReceivedRequest> requests = rx.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const ReceivedRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/2010-04-01/Accounts/AC0123456789/Messages.json");
  EXPECT_EQ(r.headers.at("content-type"), "application/x-www-form-urlencoded");
  const std::string& auth = r.headers.at("authorization");
  ASSERT_TRUE(auth.starts_with("Basic ")) << auth;
  EXPECT_EQ(Base64Decode(auth.substr(6)), "AC0123456789:s3cret/token");
  const auto fields = FormFields(r.body);
  EXPECT_EQ(fields.size(), 3u) << r.body;
  EXPECT_EQ(fields.at("To"), "+15551230001");
  EXPECT_EQ(fields.at("From"), "+15550000000");
  EXPECT_EQ(fields.at("Body"), Headline(n));
}

TEST(TwilioSmsNotifierTest, AGroupOfFiftyAlertsIsOneSmsPerRecipient) {
  TempDir dir;
  HttpReceiver rx(dir, {.status = 201, .response_body = kTwilioCreated});
  TwilioSmsNotifier notifier(TwilioTo(rx, {"+15551230001", "+15551230002"}));
  const Notification n = Group(50);
  ASSERT_TRUE(notifier.Send(n));
  const std::vector<ReceivedRequest> requests = rx.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(FormFields(requests[0].body).at("To"), "+15551230001");
  EXPECT_EQ(FormFields(requests[1].body).at("To"), "+15551230002");
  for (const ReceivedRequest& r : requests) {
    EXPECT_EQ(FormFields(r.body).at("Body"),
              "[FIRING:50] http CRITICAL on web01, web02, web03 and 47 more");
  }
}

TEST(TwilioSmsNotifierTest, LongTextIsCutTo160AndUnicodeTo70) {
  TempDir dir;
  HttpReceiver rx(dir, {.status = 201, .response_body = kTwilioCreated});
  TwilioSmsNotifier::Options options = TwilioTo(rx, {"+15551230001"});
  options.text_template = "{{alerts}}";
  TwilioSmsNotifier notifier(options);
  Notification n = Group(20, "gsm");
  ASSERT_TRUE(notifier.Send(n));
  n = Group(20, "unicode");
  n.alerts[0].output = "Сервер недоступен";
  ASSERT_TRUE(notifier.Send(n));
  const std::vector<ReceivedRequest> requests = rx.Requests();
  ASSERT_EQ(requests.size(), 2u);
  const std::string gsm = FormFields(requests[0].body).at("Body");
  EXPECT_LE(Septets(gsm), 160u) << gsm;
  EXPECT_TRUE(gsm.ends_with("...")) << gsm;
  const std::string unicode = FormFields(requests[1].body).at("Body");
  EXPECT_EQ(CodePoints(unicode), 70u) << unicode;
  EXPECT_NE(unicode.find("Сервер"), std::string::npos) << unicode;
}

TEST(TwilioSmsNotifierTest, TwilioErrorJsonIsInTheFailureMessage) {
  TempDir dir;
  HttpReceiver rx(dir, {.status = 400,
                        .response_body = R"({"code": 21211, "message": "The 'To' number )"
                                         R"(+15551230001 is not a valid phone number.", )"
                                         R"("more_info": "https://www.twilio.com/docs/errors/)"
                                         R"(21211", "status": 400})"});
  TwilioSmsNotifier notifier(TwilioTo(rx, {"+15551230001"}));
  const SendResult r = notifier.Send(Group(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "SMS to +15551230001: Twilio 21211: The 'To' number +15551230001 is not a valid "
            "phone number. (HTTP 400)");
  EXPECT_FALSE(r.error().retry_after);
}

TEST(TwilioSmsNotifierTest, TooManyRequestsWithRetryAfterHoldsTheRemainingRecipients) {
  TempDir dir;
  HttpReceiver rx(dir, {.status = 201,
                        .fail_first = 1,
                        .fail_status = 429,
                        .retry_after = 7,
                        .response_body = kTwilioCreated});
  TwilioSmsNotifier notifier(TwilioTo(rx, {"+15551230001", "+15551230002"}));
  const Notification n = Group(2);
  const SendResult first = notifier.Send(n);
  ASSERT_FALSE(first);
  ASSERT_TRUE(first.error().retry_after);
  EXPECT_EQ(*first.error().retry_after, 7s);
  EXPECT_NE(first.error().message.find("SMS to +15551230001: HTTP 429"), std::string::npos)
      << first.error().message;
  EXPECT_EQ(rx.Requests().size(), 1u);  // the endpoint asked for a pause: nobody else tried
  ASSERT_TRUE(notifier.Send(n));
  EXPECT_EQ(rx.Requests().size(), 3u);
}

TEST(TwilioSmsNotifierTest, RetryAfterAPartialFailureDoesNotTextTheRecipientWhoGotIt) {
  TempDir dir;
  HttpReceiver rx(dir, {.status = 201, .fail_first = 1, .response_body = kTwilioCreated});
  TwilioSmsNotifier notifier(TwilioTo(rx, {"+15551230001", "+15551230002"}));
  const Notification n = Group(3);
  const SendResult first = notifier.Send(n);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().message.rfind("SMS to +15551230001: HTTP 500", 0), 0u)
      << first.error().message;
  EXPECT_EQ(first.error().message.find("+15551230002"), std::string::npos);
  ASSERT_TRUE(notifier.Send(n));  // the Dispatcher's retry of the same notification
  const std::vector<ReceivedRequest> requests = rx.Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(FormFields(requests[0].body).at("To"), "+15551230001");  // failed
  EXPECT_EQ(FormFields(requests[1].body).at("To"), "+15551230002");  // delivered
  EXPECT_EQ(FormFields(requests[2].body).at("To"), "+15551230001");  // the retry
  // A new notification goes to both again.
  ASSERT_TRUE(notifier.Send(Group(3, "n-2")));
  EXPECT_EQ(rx.Requests().size(), 5u);
}

GatewaySmsNotifier::Options GatewayTo(const HttpReceiver& rx, std::string content_type,
                                      std::string body) {
  GatewaySmsNotifier::Options options;
  options.url = rx.url("/send?to={{to}}&msg={{text}}&node={{node}}");
  options.body = std::move(body);
  options.content_type = std::move(content_type);
  options.to = {"+15551230001"};
  options.text_template = "{{headline}}: \"{{output}}\" & more";
  return options;
}

// A notification whose output needs escaping in every encoding.
Notification Awkward() {
  Notification n = Group(1);
  n.alerts[0].node = "web 01/a&b";
  n.alerts[0].output = "say \"hi\"\\ {x} 100% = ok";
  return n;
}

TEST(GatewaySmsNotifierTest, JsonBodyAndUrlAreTemplatedWithEscaping) {
  TempDir dir;
  HttpReceiver rx(dir);
  GatewaySmsNotifier::Options options =
      GatewayTo(rx, "application/json",
                R"({"to": "{{to}}", "text": "{{text}}", "node": "{{ node }}", "n": {{count}}})");
  options.headers = {{"X-Api-Key", "k123"}};
  options.basic_auth = "user:pa ss";
  GatewaySmsNotifier notifier(options);
  const Notification n = Awkward();
  ASSERT_TRUE(notifier.Send(n));
  const std::vector<ReceivedRequest> requests = rx.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const ReceivedRequest& r = requests[0];
  const std::string text = SmsText(n, options.text_template, kSmsGsmChars);
  EXPECT_EQ(r.path,
            "/send?to=%2B15551230001&msg=" + PercentEncode(text) + "&node=web%2001%2Fa%26b");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(r.headers.at("x-api-key"), "k123");
  EXPECT_EQ(Base64Decode(r.headers.at("authorization").substr(6)), "user:pa ss");
  const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r.body;
  EXPECT_EQ(body["to"], "+15551230001");
  EXPECT_EQ(body["text"], text);
  EXPECT_EQ(body["node"], "web 01/a&b");
  EXPECT_EQ(body["n"], 1);
}

TEST(GatewaySmsNotifierTest, FormBodyIsFormEncoded) {
  TempDir dir;
  HttpReceiver rx(dir);
  GatewaySmsNotifier::Options options =
      GatewayTo(rx, "application/x-www-form-urlencoded", "to={{to}}&text={{text}}&id={{id}}");
  GatewaySmsNotifier notifier(options);
  const Notification n = Awkward();
  ASSERT_TRUE(notifier.Send(n));
  const std::vector<ReceivedRequest> requests = rx.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto fields = FormFields(requests[0].body);
  EXPECT_EQ(fields.size(), 3u) << requests[0].body;
  EXPECT_EQ(fields.at("to"), "+15551230001");
  EXPECT_EQ(fields.at("text"), SmsText(n, options.text_template, kSmsGsmChars));
  EXPECT_EQ(fields.at("id"), "n-1");
}

TEST(GatewaySmsNotifierTest, OtherContentTypesGetTheValuesAsTheyAre) {
  TempDir dir;
  HttpReceiver rx(dir);
  GatewaySmsNotifier::Options options = GatewayTo(rx, "text/plain", "{{to}} <{{text}}>");
  GatewaySmsNotifier notifier(options);
  const Notification n = Awkward();
  ASSERT_TRUE(notifier.Send(n));
  const std::vector<ReceivedRequest> requests = rx.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.at("content-type"), "text/plain");
  EXPECT_EQ(requests[0].body,
            "+15551230001 <" + SmsText(n, options.text_template, kSmsGsmChars) + ">");
}

TEST(GatewaySmsNotifierTest, FailureNamesTheRecipientAndTheOthersStillGetIt) {
  TempDir dir;
  HttpReceiver rx(dir, {.fail_first = 1, .fail_status = 502});
  GatewaySmsNotifier::Options options = GatewayTo(rx, "text/plain", "{{to}}");
  options.to = {"+15551230001", "+15551230002"};
  GatewaySmsNotifier notifier(options);
  const SendResult r = notifier.Send(Group(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "SMS to +15551230001: HTTP 502: injected failure");
  EXPECT_EQ(rx.Requests().size(), 2u);
}

TEST(GatewaySmsNotifierTest, HangingGatewayIsATimeoutFailure) {
  TempDir dir;
  HttpReceiver rx(dir, {.hang_first = 1, .hang_seconds = 10});
  GatewaySmsNotifier::Options options = GatewayTo(rx, "text/plain", "{{text}}");
  options.timeout = 1s;
  GatewaySmsNotifier notifier(options);
  const SendResult r = notifier.Send(Group(1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("SMS to +15551230001: "), std::string::npos);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
}

TEST(GatewaySmsNotifierTest, NoRecipientsIsAFailure) {
  GatewaySmsNotifier notifier(GatewaySmsNotifier::Options{});
  const SendResult r = notifier.Send(Group(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "no SMS recipients configured");
}

}  // namespace
}  // namespace gs::alerts
