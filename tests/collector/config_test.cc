#include <gtest/gtest.h>

#include <fstream>

#include "collector/config/duration.h"
#include "collector/config/loader.h"
#include "collector/config/template.h"

namespace gs::collector {
namespace {

std::vector<std::string> Errors(std::string_view yaml) {
  auto r = LoadConfigText(yaml, "test.yaml");
  std::vector<std::string> out;
  if (r) return out;
  for (const auto& e : r.error()) out.push_back(e.ToString());
  return out;
}

::testing::AssertionResult HasError(const std::vector<std::string>& errors,
                                    std::string_view needle) {
  for (const auto& e : errors) {
    if (e.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  }
  std::string all;
  for (const auto& e : errors) all += "\n  " + e;
  return ::testing::AssertionFailure() << "no error containing \"" << needle << "\" in:" << all;
}

constexpr std::string_view kGood = R"(
data_dir: /tmp/gs
http: {listen: "127.0.0.1:9999", token_file: /tmp/gs/token}
nodes:
  - {name: web01, address: 10.0.0.5, tags: {role: web, env: production}}
  - {name: db01, tags: {role: db}}
checks:
  - name: http
    kind: http
    select: {role: web}
    interval: 30s
    timeout: 10s
    max_attempts: 3
    retry_interval: 10s
    url: "http://{address}/"
    expect_status: [200, "301-302"]
    body_regex: "ok|fine"
    warning: {time: 0.5s, cert_days: 30}
    critical: {time: 2s, cert_days: 7}
notifiers:
  - {name: ops, kind: webhook, url: "http://127.0.0.1:9000/hook"}
routes:
  - {match: {}, notify: [ops]}
)";

TEST(ConfigTest, TheDesignExampleLoadsWithItsValues) {
  auto r = LoadConfigText(kGood, "good.yaml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_EQ(r->data_dir, "/tmp/gs");
  EXPECT_EQ(r->http.listen, "127.0.0.1:9999");
  ASSERT_EQ(r->nodes.size(), 2u);
  EXPECT_EQ(r->nodes[1].address, "db01");  // address defaults to the name
  ASSERT_EQ(r->checks.size(), 1u);
  const CheckConfig& c = r->checks[0];
  EXPECT_EQ(c.interval, std::chrono::seconds(30));
  EXPECT_EQ(c.retry_interval, std::chrono::seconds(10));
  const auto& http = std::get<HttpCheckOptions>(c.options);
  EXPECT_EQ(http.expect_status.size(), 2u);
  EXPECT_EQ(http.warn_time.text(), "0.5");
  EXPECT_EQ(http.crit_time.text(), "2");
  EXPECT_EQ(http.cert_warn_days, 30);
  EXPECT_TRUE(c.select.Matches({{"role", "web"}}));
  EXPECT_FALSE(c.select.Matches({{"role", "db"}}));
  ASSERT_EQ(r->routes.size(), 1u);
  EXPECT_EQ(r->routes[0].notify, std::vector<std::string>{"ops"});
}

TEST(ConfigTest, TheEmbeddedDefaultIsValid) {
  auto r = LoadConfigText(DefaultConfigText(), "default");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_EQ(r->data_dir, "./var");
  EXPECT_EQ(r->checks.size(), 3u);  // self_http, disk, raid
  EXPECT_EQ(r->http.token_file, "./var/api-token");
}

TEST(ConfigTest, AnEmptyFileIsAnEmptyConfig) { EXPECT_TRUE(LoadConfigText("", "empty.yaml")); }

struct BadCase {
  const char* name;
  const char* yaml;
  const char* expected;  // substring of one error line
};

class ConfigErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrorTest, IsReportedWithFileLineColumnAndKey) {
  const auto errors = Errors(GetParam().yaml);
  EXPECT_TRUE(HasError(errors, GetParam().expected));
  for (const auto& e : errors) EXPECT_TRUE(e.starts_with("test.yaml:")) << e;
}

INSTANTIATE_TEST_SUITE_P(
    EachClass, ConfigErrorTest,
    ::testing::Values(
        BadCase{"unknown_top_key", "data_dir: x\nbogus: 1\n", "test.yaml:2:1: bogus: unknown key"},
        BadCase{"unknown_check_key",
                "checks:\n  - {name: a, kind: http, url: 'http://x/', urll: 1}\n",
                "checks[0].urll: unknown key"},
        BadCase{"key_of_another_kind", "checks:\n  - {name: a, kind: disk, url: 'http://x/'}\n",
                "checks[0].url: unknown key"},
        BadCase{"wrong_type",
                "checks:\n  - {name: a, kind: http, url: 'http://x/', interval: [1]}\n",
                "checks[0].interval: expected a single value, not a list"},
        BadCase{"bad_duration",
                "checks:\n  - {name: a, kind: http, url: 'http://x/', interval: 30x}\n",
                "checks[0].interval: bad duration \"30x\": unknown unit \"x\""},
        BadCase{"bad_integer",
                "checks:\n  - {name: a, kind: http, url: 'http://x/', max_attempts: three}\n",
                "max_attempts: \"three\" is not an integer"},
        BadCase{"invalid_regex",
                "checks:\n  - {name: a, kind: http, url: 'http://x/', body_regex: 'a(b'}\n",
                "checks[0].body_regex: invalid regex \"a(b\""},
        BadCase{"bad_template", "checks:\n  - {name: a, kind: http, url: 'http://{adress}/'}\n",
                "unknown placeholder {adress}"},
        BadCase{"duplicate_node", "nodes:\n  - {name: a}\n  - {name: a}\n",
                "test.yaml:3:12: nodes[1].name: duplicate name \"a\""},
        BadCase{"duplicate_check",
                "checks:\n  - {name: a, kind: disk}\n  - {name: a, kind: disk}\n",
                "checks[1].name: duplicate name \"a\""},
        BadCase{"duplicate_key", "nodes: []\nnodes: []\n", "nodes: duplicate key"},
        BadCase{
            "unknown_notifier",
            "notifiers:\n  - {name: ops, kind: webhook, url: 'http://x/'}\nroutes:\n  - {match: "
            "{}, notify: [ops, pager]}\n",
            "routes[0].notify[1]: unknown notifier \"pager\""},
        BadCase{"unknown_kind", "checks:\n  - {name: a, kind: ftp}\n",
                "checks[0].kind: unknown check kind \"ftp\""},
        BadCase{"missing_url", "checks:\n  - {name: a, kind: http}\n",
                "checks[0].url: is required for kind http"},
        BadCase{"bad_status",
                "checks:\n  - {name: a, kind: http, url: 'http://x/', expect_status: [abc]}\n",
                "checks[0].expect_status"},
        BadCase{"bad_name", "nodes:\n  - {name: 'a/b'}\n", "nodes[0].name: \"a/b\" must be"},
        BadCase{"mixed_selector",
                "checks:\n  - {name: a, kind: disk, select: {role: [web, '!db']}}\n",
                "mixes negated and plain values"},
        BadCase{"yaml_syntax", "nodes: [\n", "YAML syntax"}),
    [](const ::testing::TestParamInfo<BadCase>& c) { return std::string(c.param.name); });

TEST(ConfigTest, EveryProblemIsReportedAtOnce) {
  const auto errors = Errors(R"(
bogus: 1
nodes:
  - {name: a}
  - {name: a}
checks:
  - {name: c, kind: http, url: 'http://x/', interval: 30x, body_regex: '('}
routes:
  - {match: {}, notify: [nobody]}
)");
  EXPECT_EQ(errors.size(), 5u);
  EXPECT_TRUE(HasError(errors, "bogus"));
  EXPECT_TRUE(HasError(errors, "duplicate name"));
  EXPECT_TRUE(HasError(errors, "30x"));
  EXPECT_TRUE(HasError(errors, "invalid regex"));
  EXPECT_TRUE(HasError(errors, "unknown notifier"));
}

TEST(ConfigTest, AnUnreadableFileIsOneErrorNamingThePath) {
  auto r = LoadConfigFile("/nonexistent/groundstation.yaml");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].ToString(),
            "/nonexistent/groundstation.yaml: cannot read: No such file or directory");
}

TEST(ConfigTest, SelectorsSupportEqualityOneOfNegationAndExistence) {
  auto r = LoadConfigText(R"(
checks:
  - {name: eq, kind: disk, select: {role: web}}
  - {name: any, kind: disk, select: {role: [web, api]}}
  - {name: neg, kind: disk, select: {env: "!production"}}
  - {name: exists, kind: disk, select: {rack: "*"}}
  - {name: absent, kind: disk, select: {rack: {exists: false}}}
  - {name: notin, kind: disk, select: {env: {not_in: [dev, staging]}}}
)",
                          "s.yaml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  const probes::Tags web_prod{{"role", "web"}, {"env", "production"}};
  const probes::Tags api_dev_rack{{"role", "api"}, {"env", "dev"}, {"rack", "r1"}};
  auto matches = [&](int i, const probes::Tags& t) { return r->checks[i].select.Matches(t); };
  EXPECT_TRUE(matches(0, web_prod));
  EXPECT_FALSE(matches(0, api_dev_rack));
  EXPECT_TRUE(matches(1, api_dev_rack));
  EXPECT_FALSE(matches(2, web_prod));
  EXPECT_TRUE(matches(2, api_dev_rack));
  EXPECT_FALSE(matches(3, web_prod));
  EXPECT_TRUE(matches(3, api_dev_rack));
  EXPECT_TRUE(matches(4, web_prod));
  EXPECT_TRUE(matches(5, web_prod));
  EXPECT_FALSE(matches(5, api_dev_rack));
}

TEST(DurationTest, ParsesUnitsAndCombinations) {
  EXPECT_EQ(*ParseDuration("30s"), std::chrono::seconds(30));
  EXPECT_EQ(*ParseDuration("1m30s"), std::chrono::seconds(90));
  EXPECT_EQ(*ParseDuration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(*ParseDuration("0.5s"), std::chrono::milliseconds(500));
  EXPECT_EQ(*ParseDuration("2h"), std::chrono::hours(2));
  EXPECT_EQ(*ParseDuration("30d"), std::chrono::hours(720));
  EXPECT_EQ(*ParseDuration("10"), std::chrono::seconds(10));
  for (const char* bad : {"", "30x", "s", "1.2.3s", "-5s", "5 s", "1s2", "99999999999d"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
}

TEST(DurationTest, FormatsTheShortestExactForm) {
  EXPECT_EQ(FormatDuration(std::chrono::seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(std::chrono::milliseconds(500)), "500ms");
  EXPECT_EQ(FormatDuration(std::chrono::milliseconds(0)), "0s");
}

TEST(TemplateTest, ExpandsAddressNameAndTags) {
  const probes::Target t{"web01", "10.0.0.5", {{"port", "8443"}}};
  EXPECT_EQ(*ExpandTemplate("https://{address}:{tag:port}/{name}", t),
            "https://10.0.0.5:8443/web01");
  EXPECT_FALSE(ExpandTemplate("{tag:missing}", t));
  EXPECT_FALSE(ValidateTemplate("{nope}"));
  EXPECT_FALSE(ValidateTemplate("http://{address"));
  EXPECT_TRUE(ValidateTemplate("plain"));
}

}  // namespace
}  // namespace gs::collector
