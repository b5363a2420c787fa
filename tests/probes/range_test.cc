#include "probes/range.h"

#include <gtest/gtest.h>

#include <limits>

namespace gs::probes {
namespace {

struct AlertCase {
  const char* range;
  double value;
  bool alerts;
};

class RangeAlertsTest : public ::testing::TestWithParam<AlertCase> {};

TEST_P(RangeAlertsTest, AlertsExactlyWhenTheGuidelinesSaySo) {
  const AlertCase& c = GetParam();
  auto range = Range::Parse(c.range);
  ASSERT_TRUE(range) << range.error().message;
  EXPECT_EQ(range->Alerts(c.value), c.alerts) << c.range << " with " << c.value;
  EXPECT_EQ(range->text(), c.range);
}

INSTANTIATE_TEST_SUITE_P(
    GuidelineTable, RangeAlertsTest,
    ::testing::Values(
        // "10": outside 0..10
        AlertCase{"10", -1, true}, AlertCase{"10", 0, false}, AlertCase{"10", 10, false},
        AlertCase{"10", 10.5, true},
        // "10:": outside 10..inf
        AlertCase{"10:", 9.99, true}, AlertCase{"10:", 10, false}, AlertCase{"10:", 1e12, false},
        // "~:10": outside -inf..10
        AlertCase{"~:10", -1e12, false}, AlertCase{"~:10", 10, false}, AlertCase{"~:10", 11, true},
        // "10:20": outside 10..20
        AlertCase{"10:20", 9, true}, AlertCase{"10:20", 10, false}, AlertCase{"10:20", 20, false},
        AlertCase{"10:20", 21, true},
        // "@10:20": inside 10..20, inclusive
        AlertCase{"@10:20", 9, false}, AlertCase{"@10:20", 10, true}, AlertCase{"@10:20", 15, true},
        AlertCase{"@10:20", 20, true}, AlertCase{"@10:20", 20.1, false},
        // Negative and decimal numbers
        AlertCase{"-5:-1", -3, false}, AlertCase{"-5:-1", 0, true}, AlertCase{"0.5", 0.51, true},
        AlertCase{"0.5", 0.5, false}, AlertCase{"@~:0", -7, true}, AlertCase{"1e3", 999, false},
        AlertCase{".5:", 0.4, true}));

class RangeRejectsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(RangeRejectsTest, RejectsWithAMessageQuotingTheInput) {
  const std::string text = GetParam();
  auto range = Range::Parse(text);
  ASSERT_FALSE(range) << "accepted '" << text << "'";
  EXPECT_NE(range.error().message.find("'" + text + "'"), std::string::npos)
      << range.error().message;
}

INSTANTIATE_TEST_SUITE_P(BadSyntax, RangeRejectsTest,
                         ::testing::Values("", "20:10", ":", ":10", "~:", "abc", "1:2:3", "10x",
                                           "10:20 ", " 10", "@", "@:", "1,5", "+5", "inf", "nan",
                                           "~", "10:~", "0x10", "-5", "1e999", "--1"));

TEST(RangeTest, EmptyRangeNeverAlerts) {
  const Range r;
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.Alerts(0));
  EXPECT_FALSE(r.Alerts(-1e300));
  EXPECT_FALSE(r.Alerts(std::numeric_limits<double>::infinity()));
}

TEST(RangeTest, ReversedRangeErrorSaysItStartsAboveItsEnd) {
  auto r = Range::Parse("20:10");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "range '20:10' starts above its end");
}

TEST(ParseDecimalTest, AcceptsPlainNumbersOnly) {
  EXPECT_EQ(ParseDecimal("0"), 0.0);
  EXPECT_EQ(ParseDecimal("-1.25"), -1.25);
  EXPECT_EQ(ParseDecimal("3."), 3.0);
  EXPECT_EQ(ParseDecimal("2E-3"), 0.002);
  EXPECT_FALSE(ParseDecimal("."));
  EXPECT_FALSE(ParseDecimal("-"));
  EXPECT_FALSE(ParseDecimal("1e"));
  EXPECT_FALSE(ParseDecimal("1 "));
}

TEST(ParseDecimalTest, PrefixLengthStopsBeforeTheUnit) {
  EXPECT_EQ(DecimalPrefixLength("0.004s"), 5u);
  EXPECT_EQ(DecimalPrefixLength("612B"), 3u);
  EXPECT_EQ(DecimalPrefixLength("5e"), 1u);
  EXPECT_EQ(DecimalPrefixLength("1e5KB"), 3u);
  EXPECT_EQ(DecimalPrefixLength("U"), 0u);
}

}  // namespace
}  // namespace gs::probes
