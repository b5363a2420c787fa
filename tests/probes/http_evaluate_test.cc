#include "probes/http_evaluate.h"

#include <gtest/gtest.h>

namespace gs::probes {
namespace {

using std::chrono::system_clock;

HttpMeasurements Ok200() {
  HttpMeasurements m;
  m.status = 200;
  m.reason = "OK";
  m.time_total = 0.004012;
  m.time_dns = 0.000010;
  m.time_connect = 0.000100;
  m.time_ttfb = 0.003;
  m.size = 612;
  return m;
}

Range R(const char* text) { return *Range::Parse(text); }

const Perfdata* Find(const CheckResult& r, const std::string& label) {
  for (const Perfdata& p : r.perfdata) {
    if (p.label == label) return &p;
  }
  return nullptr;
}

TEST(EvaluateHttpTest, A200WithinThresholdsIsOkWithCheckHttpLikeText) {
  HttpCheckSpec spec;
  spec.warn_time = R("0.5");
  spec.crit_time = R("2");
  const CheckResult r = EvaluateHttp(spec, Ok200());
  EXPECT_EQ(r.state, State::kOk);
  EXPECT_EQ(r.text, "200 OK in 0.004 s");
  EXPECT_EQ(FormatPerfdata(r.perfdata),
            "time_total=0.004012s;0.5;2;0 time_dns=0.00001s;;;0 time_connect=0.0001s;;;0 "
            "time_tls=0s;;;0 time_ttfb=0.003s;;;0 size=612B;;;0");
}

struct StatusCase {
  long status;
  const char* expect;  // "" = default rules
  State state;
  const char* text;
};

class EvaluateStatusTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(EvaluateStatusTest, MapsTheStatusCodeToAState) {
  const StatusCase& c = GetParam();
  HttpCheckSpec spec;
  if (*c.expect != '\0') spec.expect_status = *ParseStatusRanges(c.expect);
  HttpMeasurements m = Ok200();
  m.status = c.status;
  m.reason = "";
  const CheckResult r = EvaluateHttp(spec, m);
  EXPECT_EQ(r.state, c.state) << c.status << " expect " << c.expect;
  EXPECT_EQ(r.text, c.text);
}

INSTANTIATE_TEST_SUITE_P(
    Table, EvaluateStatusTest,
    ::testing::Values(
        StatusCase{200, "", State::kOk, "200 OK in 0.004 s"},
        StatusCase{101, "", State::kOk, "101 in 0.004 s"},
        StatusCase{301, "", State::kOk, "301 Moved Permanently in 0.004 s"},
        StatusCase{404, "", State::kWarning, "404 Not Found in 0.004 s"},
        StatusCase{500, "", State::kCritical, "500 Internal Server Error in 0.004 s"},
        StatusCase{404, "200", State::kCritical, "404 Not Found in 0.004 s - expected 200"},
        StatusCase{302, "200,301-302", State::kOk, "302 Found in 0.004 s"},
        StatusCase{500, "500", State::kOk, "500 Internal Server Error in 0.004 s"},
        StatusCase{200, "301-302", State::kCritical, "200 OK in 0.004 s - expected 301-302"}));

TEST(EvaluateHttpTest, ResponseTimeThresholdsRaiseWarningAndCritical) {
  HttpCheckSpec spec;
  spec.warn_time = R("0.001");
  spec.crit_time = R("0.003");
  HttpMeasurements m = Ok200();
  m.time_total = 0.002;
  EXPECT_EQ(EvaluateHttp(spec, m).state, State::kWarning);
  m.time_total = 0.0031;
  EXPECT_EQ(EvaluateHttp(spec, m).state, State::kCritical);
}

TEST(EvaluateHttpTest, AFailedTransferIsCriticalWithCurlsMessageAndNoPerfdata) {
  HttpMeasurements m;
  m.transfer_ok = false;
  m.error = "Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server";
  const CheckResult r = EvaluateHttp(HttpCheckSpec{}, m);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, m.error);
  EXPECT_TRUE(r.perfdata.empty());
}

TEST(EvaluateHttpTest, ARegexMissIsCriticalAndSaysPatternNotFound) {
  HttpMeasurements m = Ok200();
  m.body_matched = false;
  const CheckResult r = EvaluateHttp(HttpCheckSpec{}, m);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "200 OK in 0.004 s - pattern not found");
  m.body_matched = true;
  EXPECT_EQ(EvaluateHttp(HttpCheckSpec{}, m).state, State::kOk);
}

TEST(EvaluateHttpTest, ARegexErrorIsUnknown) {
  HttpMeasurements m = Ok200();
  m.regex_error = "regex error: match limit exceeded";
  EXPECT_EQ(EvaluateHttp(HttpCheckSpec{}, m).state, State::kUnknown);
}

struct CertCase {
  std::optional<std::int64_t> days;
  State state;
  const char* text_suffix;
};

class EvaluateCertTest : public ::testing::TestWithParam<CertCase> {};

TEST_P(EvaluateCertTest, AppliesCertificateDaysThresholds) {
  HttpCheckSpec spec;
  spec.cert_warn_days = 30;
  spec.cert_crit_days = 14;
  HttpMeasurements m = Ok200();
  m.tls = true;
  m.cert_days_left = GetParam().days;
  const CheckResult r = EvaluateHttp(spec, m);
  EXPECT_EQ(r.state, GetParam().state);
  EXPECT_EQ(r.text, std::string("200 OK in 0.004 s") + GetParam().text_suffix);
}

INSTANTIATE_TEST_SUITE_P(
    Table, EvaluateCertTest,
    ::testing::Values(CertCase{365, State::kOk, ""}, CertCase{30, State::kOk, ""},
                      CertCase{29, State::kWarning, " - certificate expires in 29 days"},
                      CertCase{4, State::kCritical, " - certificate expires in 4 days"},
                      CertCase{1, State::kCritical, " - certificate expires in 1 day"},
                      CertCase{-3, State::kCritical, " - certificate expired 3 days ago"},
                      CertCase{std::nullopt, State::kUnknown, " - certificate expiry unknown"}));

TEST(EvaluateHttpTest, CertDaysPerfdataOnlyOverTls) {
  HttpCheckSpec spec;
  spec.cert_warn_days = 30;
  HttpMeasurements m = Ok200();
  m.cert_days_left = 100;
  EXPECT_EQ(Find(EvaluateHttp(spec, m), "cert_days_left"), nullptr);
  m.tls = true;
  const CheckResult r = EvaluateHttp(spec, m);
  const Perfdata* p = Find(r, "cert_days_left");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(FormatPerfdata(*p), "cert_days_left=100;30:");
}

TEST(EvaluateHttpTest, TheWorstStateWins) {
  HttpCheckSpec spec;
  spec.warn_time = R("0.001");
  HttpMeasurements m = Ok200();
  m.status = 404;
  m.body_matched = false;
  EXPECT_EQ(EvaluateHttp(spec, m).state, State::kCritical);
}

TEST(ParseStatusRangesTest, ParsesListsAndRanges) {
  EXPECT_EQ(*ParseStatusRanges("200"), (std::vector<StatusRange>{{200, 200}}));
  EXPECT_EQ(*ParseStatusRanges("200,301"), (std::vector<StatusRange>{{200, 200}, {301, 301}}));
  EXPECT_EQ(*ParseStatusRanges("200-299,404"), (std::vector<StatusRange>{{200, 299}, {404, 404}}));
  EXPECT_EQ(FormatStatusRanges(*ParseStatusRanges("200-299,404")), "200-299,404");
}

class ParseStatusRangesRejectsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseStatusRangesRejectsTest, RejectsAnythingElseQuotingIt) {
  auto r = ParseStatusRanges(GetParam());
  ASSERT_FALSE(r) << GetParam();
  EXPECT_NE(r.error().message.find("'"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Table, ParseStatusRangesRejectsTest,
                         ::testing::Values("", ",", "200,", "abc", "99", "600", "299-200", "200-",
                                           "-200", "200 ", "2 00", "200;301"));

TEST(ParseCertDateTest, ParsesOpenSslDates) {
  auto t = ParseCertDate("Jan 29 12:00:00 2027 GMT");
  ASSERT_TRUE(t);
  EXPECT_EQ(system_clock::to_time_t(*t), 1801224000);
  auto padded = ParseCertDate("Feb  1 00:00:00 2020 GMT");
  ASSERT_TRUE(padded);
  EXPECT_EQ(system_clock::to_time_t(*padded), 1580515200);
  EXPECT_FALSE(ParseCertDate("Foo 1 00:00:00 2020 GMT"));
  EXPECT_FALSE(ParseCertDate("Feb 30 00:00:00 2020 GMT"));
  EXPECT_FALSE(ParseCertDate("2020-02-01"));
  EXPECT_FALSE(ParseCertDate(""));
}

TEST(DaysLeftTest, RoundsDownLikeCheckHttp) {
  const auto now = system_clock::from_time_t(1'700'000'000);
  EXPECT_EQ(DaysLeft(now + std::chrono::hours(24 * 4 + 23), now), 4);
  EXPECT_EQ(DaysLeft(now + std::chrono::hours(1), now), 0);
  EXPECT_EQ(DaysLeft(now - std::chrono::hours(1), now), -1);
}

}  // namespace
}  // namespace gs::probes
