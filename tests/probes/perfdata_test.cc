#include "probes/perfdata.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gs::probes {
namespace {

Perfdata Item(std::string label, double value, std::string uom = "", std::string warn = "",
              std::string crit = "", std::optional<double> min = std::nullopt,
              std::optional<double> max = std::nullopt) {
  return Perfdata{
      std::move(label), value, std::move(uom), std::move(warn), std::move(crit), min, max};
}

struct FormatCase {
  Perfdata item;
  const char* text;
};

class PerfdataFormatTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(PerfdataFormatTest, FormatsAndParsesBackToTheSameItem) {
  const FormatCase& c = GetParam();
  EXPECT_EQ(FormatPerfdata(c.item), c.text);
  const PerfdataParse parsed = ParsePerfdata(c.text);
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors.front();
  ASSERT_EQ(parsed.items.size(), 1u);
  EXPECT_EQ(parsed.items[0], c.item);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PerfdataFormatTest,
    ::testing::Values(
        FormatCase{Item("time", 0.004012, "s", "0.5", "2", 0), "time=0.004012s;0.5;2;0"},
        FormatCase{Item("size", 612, "B", "", "", 0), "size=612B;;;0"},
        FormatCase{Item("load1", 0.53, "", "5", "10", 0), "load1=0.53;5;10;0"},
        FormatCase{Item("users", 3), "users=3"},
        FormatCase{Item("pct", 99.5, "%", "", "", 0, 100), "pct=99.5%;;;0;100"},
        FormatCase{Item("/var/log", 818, "MB", "970", "975", 0, 980),
                   "/var/log=818MB;970;975;0;980"},
        FormatCase{Item("with space", -1.5, "c"), "'with space'=-1.5c"},
        FormatCase{Item("it's", 1), "'it''s'=1"}, FormatCase{Item("a=b", 2), "'a=b'=2"},
        FormatCase{Item("big", 1e20, "B"), "big=1e+20B"},
        FormatCase{Item("thr", 5, "", "@10:20", "~:5"), "thr=5;@10:20;~:5"},
        FormatCase{Item("only_max", 1, "", "", "", std::nullopt, 9), "only_max=1;;;;9"}));

TEST(PerfdataTest, ParsesSeveralItemsSeparatedByAnyWhitespace) {
  const PerfdataParse p = ParsePerfdata("  a=1 b=2s;3\n\t'c d'=4%;;;0;100  ");
  EXPECT_TRUE(p.errors.empty());
  ASSERT_EQ(p.items.size(), 3u);
  EXPECT_EQ(p.items[0], Item("a", 1));
  EXPECT_EQ(p.items[1], Item("b", 2, "s", "3"));
  EXPECT_EQ(p.items[2], Item("c d", 4, "%", "", "", 0, 100));
}

TEST(PerfdataTest, ToleratesTrailingEmptyFieldsAsMonitoringPluginsPrintThem) {
  const PerfdataParse p = ParsePerfdata("Connections=5c;;;; time=0.000392s;;;0.000000;10.000000");
  EXPECT_TRUE(p.errors.empty());
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_EQ(p.items[0], Item("Connections", 5, "c"));
  EXPECT_EQ(p.items[1], Item("time", 0.000392, "s", "", "", 0, 10));
}

struct BadCase {
  const char* text;
  const char* message_part;
};

class PerfdataBadItemTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(PerfdataBadItemTest, SkipsTheBadItemWithAMessageAndKeepsTheOthers) {
  const BadCase& c = GetParam();
  const PerfdataParse p = ParsePerfdata(std::string("ok1=1 ") + c.text + " ok2=2");
  ASSERT_EQ(p.errors.size(), 1u) << c.text;
  EXPECT_NE(p.errors[0].find(c.message_part), std::string::npos) << p.errors[0];
  ASSERT_EQ(p.items.size(), 2u) << c.text;
  EXPECT_EQ(p.items[0].label, "ok1");
  EXPECT_EQ(p.items[1].label, "ok2");
}

INSTANTIATE_TEST_SUITE_P(
    Table, PerfdataBadItemTest,
    ::testing::Values(BadCase{"x=1,5", "decimal comma"}, BadCase{"x=abc", "bad value"},
                      BadCase{"x", "missing '='"}, BadCase{"=1", "empty label"},
                      BadCase{"x=1;2;3;4;5;6", "too many"}, BadCase{"x=1;;;zero", "bad min"},
                      BadCase{"x=1;;;;1x", "bad max"}, BadCase{"x=1s2", "bad unit"},
                      BadCase{"'q'x=1", "missing '='"}, BadCase{"x=", "bad value"}));

TEST(PerfdataTest, AnUnknownValueIsKeptAsNanAndFormatsAsU) {
  const PerfdataParse p = ParsePerfdata("rtt=U;1;2;0 loss=U");
  EXPECT_TRUE(p.errors.empty());
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_TRUE(std::isnan(p.items[0].value));
  EXPECT_EQ(p.items[0].warn, "1");
  EXPECT_EQ(p.items[0].min, 0);
  EXPECT_EQ(FormatPerfdata(p.items[0]), "rtt=U;1;2;0");
  EXPECT_EQ(FormatPerfdata(p.items[1]), "loss=U");
}

TEST(PerfdataTest, EveryUnitOfTheGuidelinesParses) {
  const PerfdataParse p =
      ParsePerfdata("a=1s b=2ms c=3us d=4% e=5B f=6KB g=7MB h=8GB i=9TB j=10c k=11");
  EXPECT_TRUE(p.errors.empty());
  const char* units[] = {"s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c", ""};
  ASSERT_EQ(p.items.size(), std::size(units));
  for (std::size_t i = 0; i < p.items.size(); ++i) EXPECT_EQ(p.items[i].uom, units[i]);
}

TEST(PerfdataTest, UnterminatedQuoteEndsParsingWithAnError) {
  const PerfdataParse p = ParsePerfdata("a=1 'open=2 b=3");
  ASSERT_EQ(p.items.size(), 1u);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find("unterminated"), std::string::npos);
}

TEST(PerfdataTest, LabelsLongerThanTheLimitAreRejected) {
  const std::string label(kMaxLabelLength + 1, 'l');
  const PerfdataParse p = ParsePerfdata(label + "=1 '" + label + "'=2");
  EXPECT_TRUE(p.items.empty());
  EXPECT_EQ(p.errors.size(), 2u);
}

TEST(PerfdataTest, StopsAfterTheItemLimitWithOneMessage) {
  std::string text;
  for (std::size_t i = 0; i < kMaxPerfdataItems + 10; ++i) text += "m" + std::to_string(i) + "=1 ";
  const PerfdataParse p = ParsePerfdata(text);
  EXPECT_EQ(p.items.size(), kMaxPerfdataItems);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find("rest is ignored"), std::string::npos);
}

TEST(PerfdataTest, FormatsAListWithSingleSpaces) {
  EXPECT_EQ(FormatPerfdata(std::vector<Perfdata>{Item("a", 1), Item("b", 2, "s")}), "a=1 b=2s");
  EXPECT_EQ(FormatPerfdata(std::vector<Perfdata>{}), "");
}

TEST(PerfdataTest, NonFiniteNumbersFormatAsUnknown) {
  EXPECT_EQ(FormatNumber(std::nan("")), "U");
  EXPECT_EQ(FormatNumber(HUGE_VAL), "U");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(0.0001), "0.0001");
  EXPECT_EQ(FormatNumber(1e-7), "1e-07");
  EXPECT_EQ(FormatNumber(-123456789012), "-123456789012");
}

}  // namespace
}  // namespace gs::probes
