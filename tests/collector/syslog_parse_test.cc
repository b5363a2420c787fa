// ParseSyslog: RFC 5424 (header, structured data, BOM), RFC 3164 as real senders write it,
// and the unparsed fallback; plus the facility and severity names.
#include "collector/syslog/syslog_parse.h"

#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "collector/syslog/log_record.h"

namespace gs::collector::syslog {
namespace {

using std::chrono::system_clock;
using namespace std::string_literals;

system_clock::time_point At(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

const system_clock::time_point kReceived = At(2026, 11, 22, 3, 40, 0);
const ParseContext kContext{kReceived, "192.0.2.7"};
const std::string kBom = "\xEF\xBB\xBF";

// Sets TZ for the lifetime of the object and restores the previous value.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ"); old != nullptr) {
      saved_ = old;
      had_value_ = true;
    }
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (had_value_) {
      setenv("TZ", saved_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::string saved_;
  bool had_value_ = false;
};

class SyslogParseTest : public ::testing::Test {
 protected:
  ScopedTimeZone utc_{"UTC"};
};

// ---- RFC 5424 ----------------------------------------------------------------------------

TEST_F(SyslogParseTest, Rfc5424Example1WithBom) {
  const LogRecord r =
      ParseSyslog("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - " + kBom +
                      "'su root' failed for lonvick on /dev/pts/8",
                  kContext);
  EXPECT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.facility, 4);
  EXPECT_EQ(r.severity, 2);
  EXPECT_EQ(r.timestamp, "2003-10-11T22:14:15.003Z");
  EXPECT_EQ(r.hostname, "mymachine.example.com");
  EXPECT_EQ(r.app_name, "su");
  EXPECT_EQ(r.procid, "");
  EXPECT_EQ(r.msgid, "ID47");
  EXPECT_EQ(r.structured_data, "");
  EXPECT_EQ(r.msg, "'su root' failed for lonvick on /dev/pts/8");
  EXPECT_EQ(r.source, "192.0.2.7");
  EXPECT_EQ(r.received, kReceived);
}

TEST_F(SyslogParseTest, Rfc5424Example2WithoutBomAndNegativeOffset) {
  const LogRecord r = ParseSyslog(
      "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make "
      "the do-nuts.",
      kContext);
  EXPECT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.facility, 20);
  EXPECT_EQ(r.severity, 5);
  EXPECT_EQ(r.timestamp, "2003-08-24T05:14:15.000003-07:00");
  EXPECT_EQ(r.hostname, "192.0.2.1");
  EXPECT_EQ(r.app_name, "myproc");
  EXPECT_EQ(r.procid, "8710");
  EXPECT_EQ(r.msgid, "");
  EXPECT_EQ(r.msg, "%% It's time to make the do-nuts.");
}

TEST_F(SyslogParseTest, Rfc5424Example3WithStructuredDataAndBom) {
  const std::string sd = R"([exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"])";
  const LogRecord r =
      ParseSyslog("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 " + sd +
                      " " + kBom + "An application event log entry...",
                  kContext);
  EXPECT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.app_name, "evntslog");
  EXPECT_EQ(r.msgid, "ID47");
  EXPECT_EQ(r.structured_data, sd);
  EXPECT_EQ(r.msg, "An application event log entry...");
  std::vector<SdElement> elements;
  ASSERT_TRUE(ParseStructuredData(r.structured_data, elements));
  const std::vector<SdElement> expected = {
      {"exampleSDID@32473", {{"iut", "3"}, {"eventSource", "Application"}, {"eventID", "1011"}}}};
  EXPECT_EQ(elements, expected);
}

TEST_F(SyslogParseTest, Rfc5424Example4StructuredDataOnly) {
  const std::string sd = R"([exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"])"
                         R"([examplePriority@32473 class="high"])";
  const LogRecord r = ParseSyslog(
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 " + sd, kContext);
  EXPECT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.structured_data, sd);
  EXPECT_EQ(r.msg, "");
  std::vector<SdElement> elements;
  ASSERT_TRUE(ParseStructuredData(r.structured_data, elements));
  ASSERT_EQ(elements.size(), 2U);
  EXPECT_EQ(elements[1], (SdElement{"examplePriority@32473", {{"class", "high"}}}));
}

TEST_F(SyslogParseTest, Rfc5424FromRealSenders) {
  // rsyslog forwarding with RSYSLOG_SyslogProtocol23Format: the second SP belongs to MSG.
  LogRecord r = ParseSyslog(
      "<13>1 2026-11-22T03:41:18+00:00 vm viaimtcp - - -  hello through imtcp", kContext);
  EXPECT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.hostname, "vm");
  EXPECT_EQ(r.app_name, "viaimtcp");
  EXPECT_EQ(r.msg, " hello through imtcp");

  r = ParseSyslog(
      R"(<132>1 2026-11-22T03:38:33.756198+00:00 vm app - ID47 [timeQuality tzKnown="1" isSynced="0"][ex@32473 iut="3"] udp 5424)",
      kContext);
  EXPECT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.facility, 16);
  EXPECT_EQ(r.severity, 4);
  EXPECT_EQ(r.timestamp, "2026-11-22T03:38:33.756198+00:00");
  EXPECT_EQ(r.structured_data, R"([timeQuality tzKnown="1" isSynced="0"][ex@32473 iut="3"])");
  EXPECT_EQ(r.msg, "udp 5424");

  r = ParseSyslog("<13>1 - - app - - - tcp 5424 minimal", kContext);
  EXPECT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.timestamp, "");
  EXPECT_EQ(r.hostname, "");
  EXPECT_EQ(r.app_name, "app");
  EXPECT_EQ(r.msg, "tcp 5424 minimal");
}

TEST_F(SyslogParseTest, Rfc5424AllNilValuesAndEmptyMsg) {
  for (const std::string input : {"<0>1 - - - - - -", "<0>1 - - - - - - "}) {
    const LogRecord r = ParseSyslog(input, kContext);
    EXPECT_EQ(r.format, Format::kRfc5424) << input;
    EXPECT_EQ(r.facility, 0);
    EXPECT_EQ(r.severity, 0);
    EXPECT_EQ(
        r.timestamp + r.hostname + r.app_name + r.procid + r.msgid + r.structured_data + r.msg, "");
  }
}

TEST_F(SyslogParseTest, Rfc5424FieldsAtTheirMaximumLength) {
  const std::string host(255, 'h');
  const std::string app(48, 'a');
  const std::string procid(128, 'p');
  const std::string msgid(32, 'm');
  const LogRecord r =
      ParseSyslog("<13>1 - " + host + " " + app + " " + procid + " " + msgid + " - x", kContext);
  EXPECT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.hostname, host);
  EXPECT_EQ(r.app_name, app);
  EXPECT_EQ(r.procid, procid);
  EXPECT_EQ(r.msgid, msgid);
}

struct MalformedCase {
  std::string name;
  std::string after_pri;  // follows "<14>"
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

class MalformedRfc5424Test : public SyslogParseTest,
                             public ::testing::WithParamInterface<MalformedCase> {};

TEST_P(MalformedRfc5424Test, IsUnparsedButKeepsThePriAndEveryByte) {
  const LogRecord r = ParseSyslog("<14>" + GetParam().after_pri, kContext);
  EXPECT_EQ(r.format, Format::kUnparsed);
  EXPECT_EQ(r.facility, 1);
  EXPECT_EQ(r.severity, 6);
  EXPECT_EQ(r.hostname, "192.0.2.7");
  EXPECT_EQ(r.msg, GetParam().after_pri);
  EXPECT_EQ(r.timestamp + r.app_name + r.procid + r.msgid + r.structured_data, "");
}

INSTANTIATE_TEST_SUITE_P(
    Table, MalformedRfc5424Test,
    ::testing::Values(
        MalformedCase{"Month13", "1 2026-13-22T03:38:33Z h a p m - x"},
        MalformedCase{"Hour24", "1 2026-11-22T24:00:00Z h a p m - x"},
        MalformedCase{"Day32", "1 2026-11-32T03:38:33Z h a p m - x"},
        MalformedCase{"February30", "1 2026-02-30T03:38:33Z h a p m - x"},
        MalformedCase{"February29InCommonYear", "1 2026-02-29T03:38:33Z h a p m - x"},
        MalformedCase{"Minute60", "1 2026-11-22T03:60:33Z h a p m - x"},
        MalformedCase{"LeapSecond", "1 2026-11-22T03:38:60Z h a p m - x"},
        MalformedCase{"SevenFractionDigits", "1 2026-11-22T03:38:33.1234567Z h a p m - x"},
        MalformedCase{"EmptyFraction", "1 2026-11-22T03:38:33.Z h a p m - x"},
        MalformedCase{"NoOffset", "1 2026-11-22T03:38:33 h a p m - x"},
        MalformedCase{"LowercaseT", "1 2026-11-22t03:38:33Z h a p m - x"},
        MalformedCase{"OffsetHour24", "1 2026-11-22T03:38:33+24:00 h a p m - x"},
        MalformedCase{"OffsetWithoutColon", "1 2026-11-22T03:38:33+0100 h a p m - x"},
        MalformedCase{"BsdTimestamp", "1 Nov 22 03:38:33 h a p m - x"},
        MalformedCase{"HostnameTooLong", "1 - " + std::string(256, 'h') + " a p m - x"},
        MalformedCase{"AppNameTooLong", "1 - h " + std::string(49, 'a') + " p m - x"},
        MalformedCase{"ProcidTooLong", "1 - h a " + std::string(129, 'p') + " m - x"},
        MalformedCase{"MsgidTooLong", "1 - h a p " + std::string(33, 'm') + " - x"},
        MalformedCase{"EmptyField", "1 - h  p m - x"},
        MalformedCase{"NonAsciiHostname", "1 - h\xC3\xA9 a p m - x"},
        MalformedCase{"MissingStructuredData", "1 - h a p m"},
        MalformedCase{"MissingSpaceAfterMsgid", "1 - h a p m-"},
        MalformedCase{"NilSdFollowedByText", "1 - h a p m -x"},
        MalformedCase{"SdFollowedByText", R"(1 - h a p m [id k="v"]x)"},
        MalformedCase{"SdUnterminated", R"(1 - h a p m [id k="v")"},
        MalformedCase{"SdValueUnterminated", R"(1 - h a p m [id k="v])"},
        MalformedCase{"SdUnquotedValue", "1 - h a p m [id k=v] x"},
        MalformedCase{"SdEmptyElement", "1 - h a p m [] x"},
        MalformedCase{"SdDoubleSpace", R"(1 - h a p m [id  k="v"] x)"},
        MalformedCase{"SdUnescapedBracket", R"(1 - h a p m [id k="a]b"] x)"},
        MalformedCase{"SdIdWithEquals", "1 - h a p m [i=d] x"},
        MalformedCase{"SdIdTooLong", "1 - h a p m [" + std::string(33, 'i') + "] x"},
        MalformedCase{"SdParamNameTooLong",
                      "1 - h a p m [id " + std::string(33, 'n') + "=\"v\"] x"},
        MalformedCase{"SdSpaceBeforeBracket", R"(1 - h a p m [id k="v" ] x)"},
        MalformedCase{"OnlyVersion", "1 "}),
    [](const ::testing::TestParamInfo<MalformedCase>& test) { return test.param.name; });

TEST_F(SyslogParseTest, StructuredDataEscapesAreRemovedOnlyForQuoteBackslashBracket) {
  const std::string sd = R"([id@1 a="q\"b\\s\]e" b="keep\x\n" c="" d="\\\""])";
  const LogRecord r = ParseSyslog("<13>1 - - - - - " + sd + " msg", kContext);
  ASSERT_EQ(r.format, Format::kRfc5424);
  EXPECT_EQ(r.structured_data, sd);
  std::vector<SdElement> elements;
  ASSERT_TRUE(ParseStructuredData(r.structured_data, elements));
  const std::vector<SdElement> expected = {
      {"id@1", {{"a", R"(q"b\s]e)"}, {"b", R"(keep\x\n)"}, {"c", ""}, {"d", R"(\")"}}}};
  EXPECT_EQ(elements, expected);
}

TEST_F(SyslogParseTest, StructuredDataMayHoldUtf8AndSpacesInValues) {
  const std::string sd = "[a x=\"gr\xC3\xBC\xC3\x9F [ = e\"][b][c y=\"1\" z=\"2\"]";
  std::vector<SdElement> elements;
  ASSERT_TRUE(ParseStructuredData(sd, elements));
  ASSERT_EQ(elements.size(), 3U);
  EXPECT_EQ(elements[0].params[0].value, "gr\xC3\xBC\xC3\x9F [ = e");
  EXPECT_EQ(elements[1], (SdElement{"b", {}}));
  EXPECT_EQ(elements[2].params.size(), 2U);
}

TEST_F(SyslogParseTest, ParseStructuredDataRejectsInvalidTextAndClearsOutput) {
  std::vector<SdElement> elements;
  EXPECT_TRUE(ParseStructuredData("", elements));
  EXPECT_TRUE(elements.empty());
  EXPECT_TRUE(ParseStructuredData("-", elements));
  for (const std::string bad :
       {"[a", "[a]x", "[a] [b]", R"([a k="v)", R"([a k="v\"])", "x", "[a k]", R"([a k=""")"}) {
    elements = {SdElement{"stale", {}}};
    EXPECT_FALSE(ParseStructuredData(bad, elements)) << bad;
    EXPECT_TRUE(elements.empty()) << bad;
  }
}

// ---- PRI and unparsed ----------------------------------------------------------------------

TEST_F(SyslogParseTest, PriGivesFacilityAndSeverity) {
  EXPECT_EQ(ParseSyslog("<0>x", kContext).facility, 0);
  EXPECT_EQ(ParseSyslog("<191>x", kContext).facility, 23);
  EXPECT_EQ(ParseSyslog("<191>x", kContext).severity, 7);
  EXPECT_EQ(ParseSyslog("<9>x", kContext).severity, 1);
  EXPECT_EQ(ParseSyslog("<99>x", kContext).facility, 12);
}

struct UnparsedCase {
  std::string name;
  std::string input;
  std::string msg;
};

void PrintTo(const UnparsedCase& c, std::ostream* os) { *os << c.name; }

class UnparsedTest : public SyslogParseTest, public ::testing::WithParamInterface<UnparsedCase> {};

TEST_P(UnparsedTest, KeepsTheWholeMessageWithTheSourceAsHost) {
  LogRecord r;
  r.node = "web01";
  r.app_name = "stale";
  r.facility = 3;
  ParseSyslog(GetParam().input, kContext, r);
  EXPECT_EQ(r.format, Format::kUnparsed);
  EXPECT_EQ(r.facility, -1);
  EXPECT_EQ(r.severity, -1);
  EXPECT_EQ(r.hostname, "192.0.2.7");
  EXPECT_EQ(r.msg, GetParam().msg);
  EXPECT_EQ(r.timestamp + r.app_name + r.procid + r.msgid + r.structured_data, "");
  EXPECT_EQ(r.node, "web01");
}

INSTANTIATE_TEST_SUITE_P(
    Table, UnparsedTest,
    ::testing::Values(
        UnparsedCase{"NoPri", "hello world", "hello world"},
        UnparsedCase{"Pri192", "<192>x", "<192>x"}, UnparsedCase{"LeadingZero", "<01>x", "<01>x"},
        UnparsedCase{"DoubleZero", "<00>x", "<00>x"}, UnparsedCase{"EmptyPri", "<>x", "<>x"},
        UnparsedCase{"FourDigits", "<1234>x", "<1234>x"}, UnparsedCase{"Unclosed", "<13", "<13"},
        UnparsedCase{"NegativePri", "<-1>x", "<-1>x"},
        UnparsedCase{"SpaceBeforePri", " <13>x", " <13>x"}, UnparsedCase{"Empty", "", ""},
        UnparsedCase{"OnlyNewlines", "\r\n\n\0"s, ""},
        UnparsedCase{"TrailingBytesStripped", "hello\r\n\0\n"s, "hello"},
        UnparsedCase{"BinaryGarbage", "\x16\x03\x01\x02\x00\xFF\xFE<"s,
                     "\x16\x03\x01\x02\x00\xFF\xFE<"s},
        UnparsedCase{"InvalidUtf8Kept", "\xC3\x28 caf\xE9", "\xC3\x28 caf\xE9"}),
    [](const ::testing::TestParamInfo<UnparsedCase>& test) { return test.param.name; });

TEST_F(SyslogParseTest, OnlyPriIsAnEmptyRfc3164Message) {
  const LogRecord r = ParseSyslog("<13>\r\n", kContext);
  EXPECT_EQ(r.format, Format::kRfc3164);
  EXPECT_EQ(r.facility, 1);
  EXPECT_EQ(r.severity, 5);
  EXPECT_EQ(r.msg, "");
  EXPECT_EQ(r.hostname, "");
}

TEST_F(SyslogParseTest, ReusedRecordIsFullyOverwrittenExceptNode) {
  LogRecord r =
      ParseSyslog(R"(<165>1 2003-10-11T22:14:15.003Z h app 12 ID [a b="c"] first)", kContext);
  r.node = "node-a";
  r.truncated = true;
  ParseSyslog("<13>second", ParseContext{At(2026, 1, 1, 0, 0, 0), "10.0.0.1"}, r);
  LogRecord expected = ParseSyslog("<13>second", ParseContext{At(2026, 1, 1, 0, 0, 0), "10.0.0.1"});
  expected.node = "node-a";
  EXPECT_EQ(r, expected);
  EXPECT_EQ(r.source, "10.0.0.1");
  EXPECT_FALSE(r.truncated);
}

// ---- RFC 3164 ------------------------------------------------------------------------------

// Default member initialisers let rows name only the fields they expect to be set.
struct Rfc3164Case {
  std::string name;
  std::string input;
  std::string timestamp = {};
  std::string hostname = {};
  std::string app_name = {};
  std::string procid = {};
  std::string msg = {};
  std::string structured_data = {};
  system_clock::time_point received = kReceived;  // 2026-11-22T03:40:00Z
};

void PrintTo(const Rfc3164Case& c, std::ostream* os) { *os << c.name; }

class Rfc3164Test : public SyslogParseTest, public ::testing::WithParamInterface<Rfc3164Case> {};

TEST_P(Rfc3164Test, ParsesWhatTheSenderMeant) {
  const Rfc3164Case& c = GetParam();
  const LogRecord r = ParseSyslog(c.input, ParseContext{c.received, "192.0.2.7"});
  EXPECT_EQ(r.format, Format::kRfc3164);
  EXPECT_EQ(r.timestamp, c.timestamp);
  EXPECT_EQ(r.hostname, c.hostname);
  EXPECT_EQ(r.app_name, c.app_name);
  EXPECT_EQ(r.procid, c.procid);
  EXPECT_EQ(r.msgid, "");
  EXPECT_EQ(r.msg, c.msg);
  EXPECT_EQ(r.structured_data, c.structured_data);
}

const std::string kTag49(49, 't');
const std::string kTag48(48, 't');

INSTANTIATE_TEST_SUITE_P(
    Table, Rfc3164Test,
    ::testing::Values(
        Rfc3164Case{.name = "LoggerRfc3164",
                    .input = "<11>Nov 22 03:38:33 vm app: udp 3164",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .app_name = "app",
                    .msg = "udp 3164"},
        Rfc3164Case{.name = "SpacePaddedDayWithPid",
                    .input = "<13>Nov  2 03:38:33 host app[123]: msg",
                    .timestamp = "2026-11-02T03:38:33+00:00",
                    .hostname = "host",
                    .app_name = "app",
                    .procid = "123",
                    .msg = "msg"},
        Rfc3164Case{.name = "SingleDigitDaySingleSpace",
                    .input = "<13>Nov 2 03:38:33 host app: msg",
                    .timestamp = "2026-11-02T03:38:33+00:00",
                    .hostname = "host",
                    .app_name = "app",
                    .msg = "msg"},
        Rfc3164Case{.name = "ZeroPaddedDay",
                    .input = "<13>Nov 02 03:38:33 host app: msg",
                    .timestamp = "2026-11-02T03:38:33+00:00",
                    .hostname = "host",
                    .app_name = "app",
                    .msg = "msg"},
        Rfc3164Case{.name = "NoHostnameTagWithPid",
                    .input = "<13>Nov 22 03:38:33 app[12]: msg",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .app_name = "app",
                    .procid = "12",
                    .msg = "msg"},
        Rfc3164Case{.name = "NoHostnameTag",
                    .input = "<13>Nov 22 03:38:33 app: msg",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .app_name = "app",
                    .msg = "msg"},
        Rfc3164Case{
            .name = "NoTimestampTag", .input = "<13>app: msg", .app_name = "app", .msg = "msg"},
        Rfc3164Case{.name = "NoTimestampJustText", .input = "<13>just text", .msg = "just text"},
        Rfc3164Case{.name = "NoTimestampNoHostEvenIfItLooksLikeOne",
                    .input = "<13>vm app: msg",
                    .msg = "vm app: msg"},
        Rfc3164Case{
            .name = "Loggen",
            .input = "<38>2026-11-22T03:38:53 localhost prg00000[1234]: seq: 0000000000, "
                     "thread: 0000, runid: 1, stamp: 2026-11-22T03:38:53 PADD",
            .timestamp = "2026-11-22T03:38:53+00:00",
            .hostname = "localhost",
            .app_name = "prg00000",
            .procid = "1234",
            .msg = "seq: 0000000000, thread: 0000, runid: 1, stamp: 2026-11-22T03:38:53 PADD"},
        Rfc3164Case{.name = "Rfc3339WithOffsetKeptAsSent",
                    .input = "<13>2026-11-22T03:38:53.123456+01:00 host tag: msg",
                    .timestamp = "2026-11-22T03:38:53.123456+01:00",
                    .hostname = "host",
                    .app_name = "tag",
                    .msg = "msg"},
        Rfc3164Case{.name = "Rfc3339Zulu",
                    .input = "<13>2026-11-22T03:38:53Z host tag: msg",
                    .timestamp = "2026-11-22T03:38:53Z",
                    .hostname = "host",
                    .app_name = "tag",
                    .msg = "msg"},
        Rfc3164Case{.name = "YearInTimestampIsNotInferred",
                    .input = "<13>Nov 22 2024 03:38:33 host app: msg",
                    .timestamp = "2024-11-22T03:38:33+00:00",
                    .hostname = "host",
                    .app_name = "app",
                    .msg = "msg"},
        Rfc3164Case{.name = "FractionKept",
                    .input = "<13>Nov 22 03:38:33.123 host app: msg",
                    .timestamp = "2026-11-22T03:38:33.123+00:00",
                    .hostname = "host",
                    .app_name = "app",
                    .msg = "msg"},
        Rfc3164Case{.name = "CiscoUnsyncedClockWithColon",
                    .input = "<189>*Mar  1 00:01:23.456: %SYS-5-CONFIG_I: Configured from console",
                    .timestamp = "2026-03-01T00:01:23.456+00:00",
                    .app_name = "%SYS-5-CONFIG_I",
                    .msg = "Configured from console",
                    .received = At(2026, 3, 1, 0, 5, 0)},
        Rfc3164Case{.name = "CiscoUtcZoneName",
                    .input = "<189>Mar  1 00:01:23 UTC: %SYS-5-CONFIG_I: Configured",
                    .timestamp = "2026-03-01T00:01:23+00:00",
                    .app_name = "%SYS-5-CONFIG_I",
                    .msg = "Configured",
                    .received = At(2026, 3, 1, 0, 5, 0)},
        Rfc3164Case{.name = "CiscoOtherZoneNameUsesLocalZone",
                    .input = "<189>Mar  1 00:01:23.456 CET: %SYS-5-CONFIG_I: Configured",
                    .timestamp = "2026-03-01T00:01:23.456+00:00",
                    .app_name = "%SYS-5-CONFIG_I",
                    .msg = "Configured",
                    .received = At(2026, 3, 1, 0, 5, 0)},
        Rfc3164Case{.name = "CiscoSequenceNumber",
                    .input = "<189>123: Mar  1 00:01:23: %LINK-3-UPDOWN: Interface Gi0/1, up",
                    .timestamp = "2026-03-01T00:01:23+00:00",
                    .app_name = "%LINK-3-UPDOWN",
                    .msg = "Interface Gi0/1, up",
                    .structured_data = R"([meta sequenceId="123"])",
                    .received = At(2026, 3, 1, 0, 5, 0)},
        Rfc3164Case{.name = "CiscoSequenceNumberWithoutTimestamp",
                    .input = "<189>000045: %SYS-5-CONFIG_I: Configured",
                    .app_name = "%SYS-5-CONFIG_I",
                    .msg = "Configured",
                    .structured_data = R"([meta sequenceId="000045"])"},
        Rfc3164Case{.name = "UpperCaseTagIsNotAZone",
                    .input = "<13>Nov 22 03:38:33 CRON: job",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .app_name = "CRON",
                    .msg = "job"},
        Rfc3164Case{.name = "BareWordIsNotATag",
                    .input = "<13>Nov 22 03:38:33 vm app msg",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .msg = "app msg"},
        Rfc3164Case{.name = "TagWithPidWithoutColon",
                    .input = "<13>app[7] msg",
                    .app_name = "app",
                    .procid = "7",
                    .msg = "msg"},
        Rfc3164Case{.name = "TagWithPidAndColonWithoutSpace",
                    .input = "<13>Nov 22 03:38:33 vm app[9]:msg",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .app_name = "app",
                    .procid = "9",
                    .msg = "msg"},
        Rfc3164Case{.name = "MarkHasNoHost",
                    .input = "<13>Nov 22 03:38:33 -- MARK --",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .msg = "-- MARK --"},
        Rfc3164Case{.name = "SecondSpaceKept",
                    .input = "<13>Nov 22 03:38:33 vm app:  two",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .app_name = "app",
                    .msg = " two"},
        Rfc3164Case{.name = "TagAtEnd",
                    .input = "<13>Nov 22 03:38:33 vm app:",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .app_name = "app"},
        Rfc3164Case{
            .name = "Tag48", .input = "<13>" + kTag48 + ": m", .app_name = kTag48, .msg = "m"},
        Rfc3164Case{.name = "Tag49IsText", .input = "<13>" + kTag49 + ": m", .msg = kTag49 + ": m"},
        Rfc3164Case{.name = "EmptyPidIsText", .input = "<13>app[]: m", .msg = "app[]: m"},
        Rfc3164Case{.name = "ColonWithoutSpaceIsText",
                    .input = "<13>http://example.com/ is down",
                    .msg = "http://example.com/ is down"},
        Rfc3164Case{
            .name = "PathTag",
            .input = "<22>Nov 22 03:38:33 mx postfix/smtpd[4711]: connect from a[192.0.2.1]",
            .timestamp = "2026-11-22T03:38:33+00:00",
            .hostname = "mx",
            .app_name = "postfix/smtpd",
            .procid = "4711",
            .msg = "connect from a[192.0.2.1]"},
        Rfc3164Case{.name = "Ipv4Host",
                    .input = "<13>Nov 22 03:38:33 192.0.2.1 app: msg",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "192.0.2.1",
                    .app_name = "app",
                    .msg = "msg"},
        Rfc3164Case{.name = "Ipv6Host",
                    .input = "<13>Nov 22 03:38:33 2001:db8::1 app: msg",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "2001:db8::1",
                    .app_name = "app",
                    .msg = "msg"},
        Rfc3164Case{.name = "HostOnlyWhenSomethingFollows",
                    .input = "<13>Nov 22 03:38:33 vm",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .msg = "vm"},
        Rfc3164Case{.name = "HostThenMessageWithoutTag",
                    .input = "<13>Nov 22 03:38:33 vm [kernel] oops",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .msg = "[kernel] oops"},
        Rfc3164Case{.name = "TimestampOnly",
                    .input = "<13>Nov 22 03:38:33",
                    .timestamp = "2026-11-22T03:38:33+00:00"},
        Rfc3164Case{.name = "LowerCaseMonth",
                    .input = "<13>nov 22 03:38:33 vm app: m",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .app_name = "app",
                    .msg = "m"},
        Rfc3164Case{.name = "DecemberReceivedInJanuaryIsLastYear",
                    .input = "<13>Dec 31 23:59:58 vm app: x",
                    .timestamp = "2026-12-31T23:59:58+00:00",
                    .hostname = "vm",
                    .app_name = "app",
                    .msg = "x",
                    .received = At(2027, 1, 1, 0, 0, 10)},
        Rfc3164Case{.name = "JanuaryReceivedOnDecember31IsNextYear",
                    .input = "<13>Jan  1 00:00:05 vm app: x",
                    .timestamp = "2027-01-01T00:00:05+00:00",
                    .hostname = "vm",
                    .app_name = "app",
                    .msg = "x",
                    .received = At(2026, 12, 31, 23, 59, 50)},
        Rfc3164Case{.name = "February29InLeapYear",
                    .input = "<13>Feb 29 12:00:00 vm app: x",
                    .timestamp = "2028-02-29T12:00:00+00:00",
                    .hostname = "vm",
                    .app_name = "app",
                    .msg = "x",
                    .received = At(2028, 3, 1, 0, 0, 0)},
        Rfc3164Case{.name = "February29WithoutLeapYearNearbyIsText",
                    .input = "<13>Feb 29 12:00:00 vm app: x",
                    .msg = "Feb 29 12:00:00 vm app: x"},
        Rfc3164Case{.name = "November31IsText",
                    .input = "<13>Nov 31 03:38:33 vm app: x",
                    .msg = "Nov 31 03:38:33 vm app: x"},
        Rfc3164Case{.name = "Hour24IsText",
                    .input = "<13>Nov 22 24:38:33 vm app: x",
                    .msg = "Nov 22 24:38:33 vm app: x"},
        Rfc3164Case{.name = "TimestampGluedToTextIsText",
                    .input = "<13>Nov 22 03:38:33x vm",
                    .msg = "Nov 22 03:38:33x vm"},
        Rfc3164Case{.name = "VersionOtherThanOneIsText", .input = "<13>2 x y", .msg = "2 x y"},
        Rfc3164Case{.name = "BinaryBytesKept",
                    .input = "<13>Nov 22 03:38:33 vm app: \x01\xFF\0\xC3"s,
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .app_name = "app",
                    .msg = "\x01\xFF\0\xC3"s},
        Rfc3164Case{.name = "KernelTimestampInMessage",
                    .input = "<6>Nov 22 03:38:33 vm kernel: [    0.000000] Linux version 6.1\n",
                    .timestamp = "2026-11-22T03:38:33+00:00",
                    .hostname = "vm",
                    .app_name = "kernel",
                    .msg = "[    0.000000] Linux version 6.1"}),
    [](const ::testing::TestParamInfo<Rfc3164Case>& test) { return test.param.name; });

TEST_F(SyslogParseTest, Rfc3164YearIsTheOneClosestToReceived) {
  // Six months either side: behind wins up to half a year, ahead beyond.
  const auto year_of = [](const char* input, system_clock::time_point received) {
    return ParseSyslog(input, ParseContext{received, ""}).timestamp.substr(0, 4);
  };
  EXPECT_EQ(year_of("<13>Jun  1 00:00:00 x", At(2026, 11, 22, 0, 0, 0)), "2026");
  EXPECT_EQ(year_of("<13>Mar  1 00:00:00 x", At(2026, 11, 22, 0, 0, 0)), "2027");
  EXPECT_EQ(year_of("<13>Nov 22 00:00:00 x", At(2026, 5, 10, 0, 0, 0)), "2025");
  EXPECT_EQ(year_of("<13>Aug  1 00:00:00 x", At(2026, 5, 10, 0, 0, 0)), "2026");
}

// Consecutive messages mostly carry the same timestamp, so the parser keeps the last one it
// validated (RFC 5424) or inferred (RFC 3164). The result must not depend on that.
TEST_F(SyslogParseTest, TimestampsAreExactWhateverCameBefore) {
  const auto parse = [](const std::string& input, system_clock::time_point received) {
    return ParseSyslog(input, ParseContext{received, "192.0.2.7"});
  };
  // RFC 5424: a valid stamp, then one of the same length that is not valid, then valid again.
  EXPECT_EQ(parse("<34>1 2026-11-22T03:38:33Z h a - - - x", kReceived).format, Format::kRfc5424);
  EXPECT_EQ(parse("<34>1 2026-11-22T03:38:99Z h a - - - x", kReceived).format, Format::kUnparsed);
  EXPECT_EQ(parse("<34>1 2026-11-22T03:38:33Z h a - - - x", kReceived).format, Format::kRfc5424);
  EXPECT_EQ(parse("<34>1 2026-11-22T03:38:33X h a - - - x", kReceived).format, Format::kUnparsed);
  // RFC 3164: the same stamp received at other times gets another year; other fractions and
  // zone names are other timestamps.
  const std::string march = "<13>Mar  1 00:00:00 x";
  EXPECT_EQ(parse(march, At(2026, 11, 22, 0, 0, 0)).timestamp, "2027-03-01T00:00:00+00:00");
  EXPECT_EQ(parse(march, At(2026, 5, 10, 0, 0, 0)).timestamp, "2026-03-01T00:00:00+00:00");
  EXPECT_EQ(parse(march, At(2026, 11, 22, 0, 0, 0)).timestamp, "2027-03-01T00:00:00+00:00");
  EXPECT_EQ(parse("<13>Nov 22 03:38:33.123 h a: x", kReceived).timestamp,
            "2026-11-22T03:38:33.123+00:00");
  EXPECT_EQ(parse("<13>Nov 22 03:38:33.456 h a: x", kReceived).timestamp,
            "2026-11-22T03:38:33.456+00:00");
  EXPECT_EQ(parse("<13>Nov 22 03:38:33 h a: x", kReceived).timestamp, "2026-11-22T03:38:33+00:00");
  EXPECT_EQ(parse("<13>Nov 22 2025 03:38:33 h a: x", kReceived).timestamp,
            "2025-11-22T03:38:33+00:00");
}

TEST(SyslogTimeZoneTest, Rfc3164UsesTheReceiversZoneWithDaylightSaving) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Berlin")) {
    GTEST_SKIP() << "no /usr/share/zoneinfo/Europe/Berlin on this machine";
  }
  {
    const ScopedTimeZone berlin("Europe/Berlin");
    EXPECT_EQ(
        ParseSyslog("<13>Jul 15 12:00:00 vm app: x", {At(2026, 7, 15, 10, 0, 5), ""}).timestamp,
        "2026-07-15T12:00:00+02:00");
    EXPECT_EQ(
        ParseSyslog("<13>Jan 10 12:00:00 vm app: x", {At(2026, 1, 10, 11, 0, 5), ""}).timestamp,
        "2026-01-10T12:00:00+01:00");
    // Received 2026-01-01T00:30 Berlin (still 2025 in UTC): Dec 31 is last year, Jan 1 this.
    EXPECT_EQ(ParseSyslog("<13>Jan  1 00:29:00 a: x", {At(2025, 12, 31, 23, 30, 0), ""}).timestamp,
              "2026-01-01T00:29:00+01:00");
    // The summer message received in winter gets the summer offset of its own date.
    EXPECT_EQ(ParseSyslog("<13>Oct 25 01:00:00 a: x", {At(2026, 11, 1, 0, 0, 0), ""}).timestamp,
              "2026-10-25T01:00:00+02:00");
    // A zone-less RFC 3339 stamp (loggen) also gets the local offset.
    EXPECT_EQ(
        ParseSyslog("<13>2026-07-15T12:00:00 h a: x", {At(2026, 7, 15, 10, 0, 5), ""}).timestamp,
        "2026-07-15T12:00:00+02:00");
  }
  // Switching back is noticed by the offset cache.
  const ScopedTimeZone utc("UTC");
  EXPECT_EQ(ParseSyslog("<13>Jul 15 12:00:00 vm app: x", {At(2026, 7, 15, 10, 0, 5), ""}).timestamp,
            "2026-07-15T12:00:00+00:00");
}

// ---- names ---------------------------------------------------------------------------------

TEST(SyslogNamesTest, FacilityNamesRoundTrip) {
  for (int f = 0; f < 24; ++f) {
    EXPECT_FALSE(FacilityName(f).empty()) << f;
    EXPECT_EQ(ParseFacility(FacilityName(f)), f) << f;
  }
  EXPECT_EQ(FacilityName(-1), "");
  EXPECT_EQ(FacilityName(24), "");
  EXPECT_EQ(FacilityName(16), "local0");
  EXPECT_EQ(FacilityName(10), "authpriv");
}

TEST(SyslogNamesTest, SeverityNamesRoundTrip) {
  for (int s = 0; s < 8; ++s) EXPECT_EQ(ParseSeverity(SeverityName(s)), s) << s;
  EXPECT_EQ(SeverityName(3), "err");
  EXPECT_EQ(SeverityName(8), "");
  EXPECT_EQ(SeverityName(-1), "");
}

TEST(SyslogNamesTest, ParsingAcceptsAliasesCaseAndNumbers) {
  EXPECT_EQ(ParseSeverity("error"), 3);
  EXPECT_EQ(ParseSeverity("WARN"), 4);
  EXPECT_EQ(ParseSeverity("panic"), 0);
  EXPECT_EQ(ParseSeverity("7"), 7);
  EXPECT_EQ(ParseSeverity("8"), -1);
  EXPECT_EQ(ParseSeverity("07"), -1);
  EXPECT_EQ(ParseSeverity(""), -1);
  EXPECT_EQ(ParseFacility("security"), 4);
  EXPECT_EQ(ParseFacility("Local7"), 23);
  EXPECT_EQ(ParseFacility("23"), 23);
  EXPECT_EQ(ParseFacility("24"), -1);
  EXPECT_EQ(ParseFacility("kernel"), -1);
}

}  // namespace
}  // namespace gs::collector::syslog
