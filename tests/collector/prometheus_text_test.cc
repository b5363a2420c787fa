// PrometheusText: exact output for the format's corner cases, and the output accepted by the
// reference parser (promtool, from the Debian package "prometheus") when it is installed.
#include "collector/web/prometheus_text.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

namespace gs::collector::web {
namespace {

TEST(PrometheusTextTest, WritesHelpAndTypeOncePerFamilyInDeclarationOrder) {
  PrometheusText text;
  text.Family("gs_up", "Whether the collector runs.", "gauge");
  text.Family("gs_http_requests_total", "HTTP responses by class.", "counter");
  text.Sample("gs_http_requests_total", {{"code", "2xx"}}, 7);
  text.Sample("gs_up", {}, 1);
  text.Sample("gs_http_requests_total", {{"code", "5xx"}}, 0);
  EXPECT_EQ(text.Take(),
            "# HELP gs_up Whether the collector runs.\n"
            "# TYPE gs_up gauge\n"
            "gs_up 1\n"
            "# HELP gs_http_requests_total HTTP responses by class.\n"
            "# TYPE gs_http_requests_total counter\n"
            "gs_http_requests_total{code=\"2xx\"} 7\n"
            "gs_http_requests_total{code=\"5xx\"} 0\n");
  EXPECT_TRUE(text.errors().empty());
  EXPECT_EQ(text.Take(), "") << "Take() resets the writer";
}

TEST(PrometheusTextTest, EscapesLabelValuesAndHelp) {
  PrometheusText text;
  text.Family("gs_check_state", "State of a check\\node: \"0\"\nper check.", "gauge");
  text.Sample("gs_check_state", {{"node", "a\\b\"c\nd"}, {"check", "disk /"}}, 2);
  EXPECT_EQ(text.Take(),
            "# HELP gs_check_state State of a check\\\\node: \"0\"\\nper check.\n"
            "# TYPE gs_check_state gauge\n"
            "gs_check_state{node=\"a\\\\b\\\"c\\nd\",check=\"disk /\"} 2\n");
}

// Prometheus refuses a scrape with a label value that is not UTF-8; plugin output can be
// anything, so each bad byte becomes U+FFFD and good multi-byte characters stay.
TEST(PrometheusTextTest, LabelValuesAreAlwaysUtf8) {
  EXPECT_EQ(EscapeLabelValue("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(EscapeLabelValue("a\xFF"
                             "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(EscapeLabelValue("\xC3"), "\xEF\xBF\xBD");                  // cut short
  EXPECT_EQ(EscapeLabelValue("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(EscapeLabelValue("\xED\xA0\x80"),                           // a surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeLabelValue("\xF4\x90\x80\x80").substr(0, 3), "\xEF\xBF\xBD");  // > U+10FFFF
}

TEST(PrometheusTextTest, FormatsValues) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(-0.0), "0");
  EXPECT_EQ(FormatSampleValue(42), "42");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
  EXPECT_EQ(FormatSampleValue(1e15), "1000000000000000");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(0.1), "0.1");
  EXPECT_EQ(FormatSampleValue(1e300), "1e+300");
  EXPECT_EQ(FormatSampleValue(kInf), "+Inf");
  EXPECT_EQ(FormatSampleValue(-kInf), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

TEST(PrometheusTextTest, ValidatesNames) {
  EXPECT_TRUE(IsValidMetricName("gs:http_requests_total"));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("_node"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(PrometheusTextTest, DropsInvalidInputAndSaysWhy) {
  PrometheusText text;
  text.Family("bad-name", "x", "gauge");
  text.Family("gs_a", "x", "histogram");
  text.Family("gs_b", "x", "gauge");
  text.Family("gs_b", "x", "gauge");
  text.Sample("gs_undeclared", {}, 1);
  text.Sample("gs_b", {{"bad label", "v"}}, 1);
  text.Sample("gs_b", {{"l", "1"}, {"l", "2"}}, 1);
  text.Sample("gs_b", {{"l", "ok"}}, 1);
  EXPECT_EQ(text.Take(), "# HELP gs_b x\n# TYPE gs_b gauge\ngs_b{l=\"ok\"} 1\n");
  EXPECT_EQ(text.errors().size(), 6u);
}

// Runs `promtool check metrics` on `exposition`; the exit code, or -1 if promtool is absent.
int PromtoolCheck(const std::string& exposition) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) return -1;
  const auto path = std::filesystem::temp_directory_path() /
                    ("gs_prometheus_text_" + std::to_string(::getpid()) + ".txt");
  std::ofstream(path) << exposition;
  const std::string command = "promtool check metrics < " + path.string();
  const int status = std::system(command.c_str());
  std::filesystem::remove(path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

TEST(PrometheusTextTest, OutputPassesPromtool) {
  PrometheusText text;
  text.Family("gs_http_requests_total", "Responses sent, by class.", "counter");
  text.Family("gs_check_duration_seconds", "Last check duration\\with \"quotes\"\n.", "gauge");
  for (const char* code : {"2xx", "4xx", "5xx"}) {
    text.Sample("gs_http_requests_total", {{"code", code}}, 12345678901234.0);
  }
  text.Sample("gs_check_duration_seconds", {{"node", "we\"b\\01\n"}, {"check", "ü"}}, 0.125);
  text.Sample("gs_check_duration_seconds", {{"node", "inf"}},
              std::numeric_limits<double>::infinity());
  text.Sample("gs_check_duration_seconds", {{"node", "nan"}}, std::nan(""));
  text.Sample("gs_check_duration_seconds", {{"node", "tiny"}}, 1.5e-300);
  ASSERT_TRUE(text.errors().empty());
  const int exit_code = PromtoolCheck(text.Take());
  if (exit_code == -1) GTEST_SKIP() << "promtool not installed (apt-get install prometheus)";
  EXPECT_EQ(exit_code, 0);
}

}  // namespace
}  // namespace gs::collector::web
