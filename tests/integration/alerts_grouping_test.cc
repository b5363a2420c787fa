// Grouping end to end in the real `groundstation run`: five web nodes failing together reach
// a Twilio-style SMS endpoint as one SMS per recipient and a real SMTP server (aiosmtpd) as
// one mail, each listing the group; their recovery is one message again.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/collector_api.h"
#include "tests/support/http_receiver.h"
#include "tests/support/peers.h"
#include "tests/support/smtp_peer.h"

namespace gs::test {
namespace {

using nlohmann::json;
constexpr int kNodes = 5;

std::string Node(int i) { return "web0" + std::to_string(i + 1); }

TEST(AlertsGroupingTest, NodesFailingTogetherAreOneSmsPerRecipientAndOneMail) {
  if (!SmtpServer::Available()) GTEST_SKIP() << "python3-aiosmtpd is not installed";
  TempDir dir;
  HttpReceiver twilio(dir, {.status = 201, .response_body = R"({"sid": "SM1"})"});
  SmtpServer smtp;
  ASSERT_TRUE(smtp.Start()) << smtp.error();
  const int port = FreePort();
  CollectorApi api(port);
  std::string config = "data_dir: " + dir.path().string() + "/var\n" +
                       "http: {listen: \"127.0.0.1:" + std::to_string(port) +
                       "\", token_file: " + dir.path().string() + "/api-token}\nnodes:\n";
  for (int i = 0; i < kNodes; ++i) {
    config += "  - {name: " + Node(i) + ", address: 127.0.0.1, tags: {role: web}}\n";
  }
  config +=
      "checks:\n"
      "  - {name: app, kind: heartbeat, select: {role: web}, max_age: 1h}\n"
      "notifiers:\n"
      "  - {name: sms, kind: twilio, account_sid: AC1, auth_token: t, from: \"+15550000000\",\n"
      "     to: [\"+15550000001\", \"+15550000002\"], api_base: \"" +
      twilio.url("") +
      "\"}\n"
      "  - {name: mail, kind: email, smarthost: \"" +
      smtp.url() +
      "\", from: gs@example.com, to: [ops@example.com]}\n"
      "routes:\n"
      "  - {notify: [sms, mail], group_by: [check, role], group_wait: 2s}\n";
  auto daemon = StartCollector(dir, config, api);
  ASSERT_TRUE(daemon) << ReadFile(dir / "gs.err");
  std::string token = ReadFile(dir / "api-token");
  while (!token.empty() && token.back() == '\n') token.pop_back();
  auto submit = [&](const std::string& state) {
    for (int i = 0; i < kNodes; ++i) {
      const json body{{"node", Node(i)}, {"check", "app"}, {"state", state}, {"output", state}};
      ASSERT_EQ(HttpPost(api.Url("/api/v1/results"), body.dump(), token).status, 200);
    }
  };

  submit("CRITICAL");
  const auto sms = twilio.WaitForRequests(2);
  ASSERT_EQ(sms.size(), 2u) << ReadFile(dir / "gs.err");  // one per recipient, not per node
  for (const ReceivedRequest& r : sms) {
    EXPECT_NE(r.body.find("FIRING%3A5"), std::string::npos) << r.body;  // form-encoded text
  }
  const auto mails = smtp.WaitForMessages(1);
  ASSERT_EQ(mails.size(), 1u);
  for (int i = 0; i < kNodes; ++i) {
    EXPECT_NE(mails[0].find(Node(i) + " app: CRITICAL"), std::string::npos) << mails[0];
  }

  submit("OK");
  EXPECT_EQ(twilio.WaitForRequests(4).size(), 4u);
  const auto all_mail = smtp.WaitForMessages(2);
  ASSERT_EQ(all_mail.size(), 2u);
  // Nothing else arrives: the group was two messages, not ten.
  EXPECT_FALSE(WaitUntil([&] { return twilio.Requests().size() > 4; }, std::chrono::seconds(3)));
  EXPECT_EQ(smtp.Messages().size(), 2u);
}

}  // namespace
}  // namespace gs::test
