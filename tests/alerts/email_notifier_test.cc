#include "alerts/email_notifier.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "alerts/notification.h"
#include "tests/support/peers.h"
#include "tests/support/smtp_peer.h"

namespace gs::alerts {
namespace {

using test::SmtpServer;
using namespace std::chrono_literals;

Notification Group(std::size_t count, const std::string& id = "4f2a9c") {
  Notification n;
  n.id = id;
  n.notifier = "mail";
  for (std::size_t i = 1; i <= count; ++i) {
    AlertItem a;
    a.node = "web0" + std::to_string(i);
    a.check = "http";
    a.state = probes::State::kCritical;
    a.output = "connection refused";
    n.alerts.push_back(a);
  }
  return n;
}

// The value of header `name` in a raw message (folding undone), "" when absent.
std::string Header(const std::string& raw, const std::string& name) {
  const std::string head = raw.substr(0, raw.find("\r\n\r\n") + 2);
  std::size_t pos = 0;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    while (end != std::string::npos && end + 2 < head.size() &&
           (head[end + 2] == ' ' || head[end + 2] == '\t')) {
      end = head.find("\r\n", end + 2);
    }
    if (end == std::string::npos) break;
    const std::string field = head.substr(pos, end - pos);
    if (field.size() > name.size() && field.compare(0, name.size(), name) == 0 &&
        field[name.size()] == ':') {
      std::string value = field.substr(name.size() + 1);
      for (std::size_t fold; (fold = value.find("\r\n")) != std::string::npos;) {
        value.erase(fold, 2);
      }
      return value.substr(value.find_first_not_of(' '));
    }
    pos = end + 2;
  }
  return "";
}

std::string RawBody(const std::string& raw) {
  const std::size_t start = raw.find("\r\n\r\n");
  return start == std::string::npos ? "" : raw.substr(start + 4);
}

// RFC 2045 quoted-printable back to bytes, CRLF line breaks back to LF.
std::string DecodeQuotedPrintable(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "=\r\n") == 0) {
      i += 2;
    } else if (text[i] == '=' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (text.compare(i, 2, "\r\n") == 0) {
      out.push_back('\n');
      i += 1;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string Base64Decode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const std::size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) continue;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

// Decodes a header value made of RFC 2047 "B" words separated by spaces.
std::string DecodeEncodedWords(const std::string& value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const std::size_t end = value.find("?=", pos + 10);
    out += Base64Decode(value.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

// Every line of `text` ends in CRLF and is at most `max` characters long.
::testing::AssertionResult CrlfLinesAtMost(const std::string& text, std::size_t max) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t lf = text.find('\n', pos);
    if (lf == std::string::npos || lf == pos || text[lf - 1] != '\r') {
      return ::testing::AssertionFailure() << "bare LF or unterminated line at " << pos;
    }
    if (lf - 1 - pos > max) return ::testing::AssertionFailure() << "long line at " << pos;
    pos = lf + 1;
  }
  return ::testing::AssertionSuccess();
}

EmailNotifier::Options MailTo(const SmtpServer& server, std::vector<std::string> to) {
  EmailNotifier::Options options;
  options.smarthost = server.url();
  options.from = "Groundstation <alerts@gs.test>";
  options.to = std::move(to);
  options.timeout = 20s;
  return options;
}

TEST(EmailMessageTest, DatesAreRfc5322InEnglishAndUtc) {
  using namespace std::chrono;
  const sys_seconds t = sys_days{2024y / May / 1} + 12h + 3min + 4s;
  EXPECT_EQ(FormatRfc5322Date(t), "Wed, 01 May 2024 12:03:04 +0000");
}

TEST(EmailMessageTest, QuotedPrintableEncodesWhatItMustAndKeepsLinesShort) {
  EXPECT_EQ(QuotedPrintable("a=b\n"), "a=3Db\r\n");
  EXPECT_EQ(QuotedPrintable("Zürich"), "Z=C3=BCrich");
  EXPECT_EQ(QuotedPrintable("space \ntab\t\r\nend "), "space=20\r\ntab=09\r\nend=20");
  const std::string text = std::string(200, 'x') + " " + std::string(100, '=') + "\n.dot\n";
  const std::string encoded = QuotedPrintable(text);
  EXPECT_TRUE(CrlfLinesAtMost(encoded, 76));
  EXPECT_EQ(DecodeQuotedPrintable(encoded), text);
}

TEST(EmailMessageTest, NonAsciiHeaderTextBecomesEncodedWords) {
  EXPECT_EQ(EncodeHeaderWord("[FIRING:1] http CRITICAL"), "[FIRING:1] http CRITICAL");
  EXPECT_EQ(EncodeHeaderWord("Zürich"), "=?UTF-8?B?WsO8cmljaA==?=");
  EXPECT_EQ(EncodeHeaderWord("a =?x?= b"), "=?UTF-8?B?YSA9P3g/PSBi?=");
  std::string long_text;
  for (int i = 0; i < 30; ++i) long_text += "Störung ✓ ";
  const std::string encoded = EncodeHeaderWord(long_text);
  EXPECT_TRUE(CrlfLinesAtMost(encoded + "\r\n", 75 - 9));  // fits after "Subject: "
  EXPECT_EQ(DecodeEncodedWords(encoded), long_text);
  // No word holds a partial UTF-8 character.
  std::size_t pos = 0;
  while ((pos = encoded.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const std::size_t end = encoded.find("?=", pos + 10);
    const std::string word = Base64Decode(encoded.substr(pos + 10, end - pos - 10));
    EXPECT_NE(static_cast<unsigned char>(word.front()) & 0xC0, 0x80) << word;
    pos = end + 2;
  }
}

TEST(EmailMessageTest, SubjectCannotInjectHeaders) {
  EmailNotifier::Options options;
  options.from = "alerts@gs.test";
  options.to = {"ops@example.test"};
  options.subject_template = "{{output}} {{note}}";
  EmailNotifier notifier(options);
  Notification n = Group(1, "id-1\r\nBcc: x");
  n.alerts[0].output = "boom\rBcc: evil@example.test";
  n.note = "note\r\nX-Evil: 1";
  const std::string message = notifier.Message(n, std::chrono::system_clock::now());
  EXPECT_TRUE(CrlfLinesAtMost(message, 998));
  // (The body may hold those lines: there they are text.)
  const std::string head = message.substr(0, message.find("\r\n\r\n") + 2);
  EXPECT_EQ(head.find("\r\nBcc:"), std::string::npos) << head;
  EXPECT_EQ(head.find("\r\nX-Evil:"), std::string::npos) << head;
  EXPECT_EQ(Header(message, "Subject"), "boom Bcc: evil@example.test note  X-Evil: 1 ");
  EXPECT_EQ(Header(message, "Message-ID"), "<id-1Bccx@groundstation>");
  EXPECT_EQ(Header(message, "X-Groundstation-Id"), "id-1Bccx");
}

class EmailNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SmtpServer::Available()) {
      GTEST_SKIP() << "python3-aiosmtpd is not installed (scripts/install-deps.sh)";
    }
  }
};

TEST_F(EmailNotifierTest, PlainDeliveryStoresTheMessageWithItsHeadersAndBody) {
  SmtpServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier notifier(MailTo(server, {"ops@example.test"}));
  const Notification n = Group(2);
  const SendResult sent = notifier.Send(n);
  ASSERT_TRUE(sent) << sent.error().message;
  const std::vector<std::string> messages = server.WaitForMessages(1);
  ASSERT_EQ(messages.size(), 1u);
  const std::string& raw = messages[0];
  EXPECT_EQ(Header(raw, "X-MailFrom"), "alerts@gs.test");
  EXPECT_EQ(Header(raw, "X-RcptTo"), "ops@example.test");
  EXPECT_EQ(Header(raw, "From"), "Groundstation <alerts@gs.test>");
  EXPECT_EQ(Header(raw, "To"), "ops@example.test");
  EXPECT_EQ(Header(raw, "Subject"), Headline(n));
  EXPECT_EQ(Header(raw, "Message-ID"), "<4f2a9c@groundstation>");
  EXPECT_EQ(Header(raw, "X-Groundstation-Id"), "4f2a9c");
  EXPECT_EQ(Header(raw, "MIME-Version"), "1.0");
  EXPECT_EQ(Header(raw, "Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(Header(raw, "Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(Header(raw, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(Header(raw, "Date").size(), std::string("Wed, 01 May 2024 12:03:04 +0000").size());
  EXPECT_TRUE(CrlfLinesAtMost(raw, 998));
  EXPECT_EQ(DecodeQuotedPrintable(RawBody(raw)), PlainText(n));
}

TEST_F(EmailNotifierTest, LinesStartingWithADotArriveIntact) {
  SmtpServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  options.body_template = "{{headline}}\n.\n..two\n.{{node}}\nend\n";
  EmailNotifier notifier(options);
  const Notification n = Group(1);
  const SendResult sent = notifier.Send(n);
  ASSERT_TRUE(sent) << sent.error().message;
  const std::vector<std::string> messages = server.WaitForMessages(1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(DecodeQuotedPrintable(RawBody(messages[0])), Headline(n) + "\n.\n..two\n.web01\nend\n");
}

TEST_F(EmailNotifierTest, SeveralRecipientsShareOneMessage) {
  SmtpServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier notifier(
      MailTo(server, {"ops@example.test", "Night Shift <night@example.test>", "dba@example.test"}));
  const SendResult sent = notifier.Send(Group(50));
  ASSERT_TRUE(sent) << sent.error().message;
  const std::vector<std::string> messages = server.WaitForMessages(1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(Header(messages[0], "X-RcptTo"),
            "ops@example.test, night@example.test, dba@example.test");
  EXPECT_EQ(Header(messages[0], "To"),
            "ops@example.test, Night Shift <night@example.test>, dba@example.test");
  EXPECT_EQ(Header(messages[0], "Subject"),
            "[FIRING:50] http CRITICAL on web01, web02, web03 and 47 more");
}

TEST_F(EmailNotifierTest, UnicodeSubjectIsEncodedForTheHeader) {
  SmtpServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  options.subject_template = "Störung ✓ {{headline}}";
  EmailNotifier notifier(options);
  const Notification n = Group(1);
  const SendResult sent = notifier.Send(n);
  ASSERT_TRUE(sent) << sent.error().message;
  const std::vector<std::string> messages = server.WaitForMessages(1);
  ASSERT_EQ(messages.size(), 1u);
  const std::string subject = Header(messages[0], "Subject");
  EXPECT_TRUE(subject.starts_with("=?UTF-8?B?")) << subject;
  EXPECT_EQ(DecodeEncodedWords(subject), "Störung ✓ " + Headline(n));
}

TEST_F(EmailNotifierTest, RequiredStartTlsDeliversWithTheCaVerified) {
  SmtpServer server({.tls = true});
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  options.starttls = true;
  options.ca_file = server.ca_file().string();
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(server.WaitForMessages(1).size(), 1u);
}

TEST_F(EmailNotifierTest, SmtpsUsesTlsFromTheFirstByte) {
  SmtpServer server({.implicit_tls = true});
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  ASSERT_TRUE(options.smarthost.starts_with("smtps://"));
  options.ca_file = server.ca_file().string();
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(server.WaitForMessages(1).size(), 1u);
}

TEST_F(EmailNotifierTest, StartTlsWithAnUntrustedCertificateFails) {
  SmtpServer server({.tls = true});
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  options.starttls = true;  // no ca_file: the system store does not know the test CA
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("certificate"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(server.Messages().empty());
}

TEST_F(EmailNotifierTest, ServerRequiringStartTlsRefusesAClearTextSession) {
  SmtpServer server({.tls = true});
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier notifier(MailTo(server, {"ops@example.test"}));
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("(SMTP 530)"), std::string::npos) << sent.error().message;
}

TEST_F(EmailNotifierTest, AuthPlainWithTheRightPasswordDelivers) {
  SmtpServer server({.tls = true, .require_auth = true});
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  options.starttls = true;
  options.ca_file = server.ca_file().string();
  options.username = "alice";
  options.password = "secret";
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(server.WaitForMessages(1).size(), 1u);
  EXPECT_EQ(server.AuthLog(), "PLAIN alice ok\n");
}

TEST_F(EmailNotifierTest, AuthLoginWithTheRightPasswordDelivers) {
  SmtpServer server({.tls = true, .require_auth = true, .mechanisms = "LOGIN"});
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  options.starttls = true;
  options.ca_file = server.ca_file().string();
  options.username = "alice";
  options.password = "secret";
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(server.WaitForMessages(1).size(), 1u);
  EXPECT_EQ(server.AuthLog(), "LOGIN alice ok\n");
}

TEST_F(EmailNotifierTest, WrongPasswordIsAFailureWithTheSmtpCode) {
  SmtpServer server({.tls = true, .require_auth = true});
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  options.starttls = true;
  options.ca_file = server.ca_file().string();
  options.username = "alice";
  options.password = "wrong";
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("(SMTP 535)"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(server.Messages().empty());
}

TEST_F(EmailNotifierTest, MissingCredentialsAreRefusedByAServerRequiringAuth) {
  SmtpServer server({.tls = true, .require_auth = true});
  ASSERT_TRUE(server.Start()) << server.error();
  EmailNotifier::Options options = MailTo(server, {"ops@example.test"});
  options.starttls = true;
  options.ca_file = server.ca_file().string();
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("(SMTP 530)"), std::string::npos) << sent.error().message;
}

TEST(EmailNotifierDownTest, ServerDownIsAFailure) {
  EmailNotifier::Options options;
  options.smarthost = "smtp://127.0.0.1:" + std::to_string(test::FreePort());
  options.from = "alerts@gs.test";
  options.to = {"ops@example.test"};
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("127.0.0.1"), std::string::npos) << sent.error().message;
}

TEST(EmailNotifierDownTest, ServerThatNeverGreetsIsATimeoutFailure) {
  test::HangServer hang;
  EmailNotifier::Options options;
  options.smarthost = "smtp://127.0.0.1:" + std::to_string(hang.port());
  options.from = "alerts@gs.test";
  options.to = {"ops@example.test"};
  options.timeout = 1s;
  EmailNotifier notifier(options);
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("timed out"), std::string::npos) << sent.error().message;
}

TEST(EmailNotifierDownTest, NoRecipientsIsAFailure) {
  EmailNotifier notifier(EmailNotifier::Options{});
  const SendResult sent = notifier.Send(Group(1));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message, "no mail recipients configured");
}

}  // namespace
}  // namespace gs::alerts
