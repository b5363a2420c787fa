// The sans-I/O half of the HTTP server: request parsing and validation, routing, bearer auth.
#include "collector/web/http_request.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "collector/web/http_router.h"

namespace gs::collector::web {
namespace {

struct ParseCase {
  std::string name;
  std::string raw;
  int status;  // 0: parses
};

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

class ParseRequestBytesTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseRequestBytesTest, RefusesWithTheRightStatus) {
  RequestLimits limits;
  limits.max_header_bytes = 256;
  limits.max_body_bytes = 16;
  limits.max_query_params = 3;
  const auto result = ParseRequestBytes(GetParam().raw, limits);
  if (GetParam().status == 0) {
    EXPECT_TRUE(result) << result.error().message;
  } else {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().status, GetParam().status) << result.error().message;
  }
}

const std::string kHost = " HTTP/1.1\r\nHost: h\r\n";

INSTANTIATE_TEST_SUITE_P(
    Table, ParseRequestBytesTest,
    ::testing::Values(
        ParseCase{"Get", "GET /" + kHost + "\r\n", 0},
        ParseCase{"Http10WithoutHost", "GET / HTTP/1.0\r\n\r\n", 0},
        ParseCase{"Post", "POST /x" + kHost + "Content-Length: 3\r\n\r\nabc", 0},
        ParseCase{"Chunked",
                  "POST /x" + kHost + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", 0},
        ParseCase{"Http11WithoutHost", "GET / HTTP/1.1\r\n\r\n", 400},
        ParseCase{"Garbage", "\x16\x03\x01 hello\r\n\r\n", 400},
        ParseCase{"Incomplete", "GET /" + kHost, 400},
        ParseCase{"DotDot", "GET /a/../b" + kHost + "\r\n", 400},
        ParseCase{"EncodedDotDot", "GET /a/%2E%2e/b" + kHost + "\r\n", 400},
        ParseCase{"Nul", "GET /a%00" + kHost + "\r\n", 400},
        ParseCase{"BadEscape", "GET /a%zz" + kHost + "\r\n", 400},
        ParseCase{"BadQueryEscape", "GET /?a=%4" + kHost + "\r\n", 400},
        ParseCase{"TooManyParams", "GET /?a&b&c&d" + kHost + "\r\n", 400},
        ParseCase{"AbsoluteForm", "GET http://h/" + kHost + "\r\n", 400},
        ParseCase{"Asterisk", "OPTIONS *" + kHost + "\r\n", 400},
        ParseCase{"Http2Version", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 400},
        ParseCase{"HeaderTooLarge", "GET /" + kHost + "X: " + std::string(300, 'x') + "\r\n\r\n",
                  431},
        ParseCase{"BodyTooLarge",
                  "POST /" + kHost + "Content-Length: 17\r\n\r\n" + std::string(17, 'b'), 413},
        ParseCase{"ChunkedTooLarge",
                  "POST /" + kHost + "Transfer-Encoding: chunked\r\n\r\n20\r\n" +
                      std::string(32, 'c') + "\r\n0\r\n\r\n",
                  413}),
    [](const ::testing::TestParamInfo<ParseCase>& test) { return test.param.name; });

TEST(ParseRequestBytesTest, FillsEveryField) {
  const auto request = ParseRequestBytes(
      "POST /api/./v1//results/?node=web%2001&x=a+b HTTP/1.1\r\nHost: h\r\n"
      "Authorization: Bearer s3cret\r\nContent-Length: 2\r\n\r\nok",
      RequestLimits{});
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->path, "/api/v1/results/");
  EXPECT_EQ(request->query, "node=web%2001&x=a+b");
  EXPECT_EQ(request->query_params.at("node"), "web 01");
  EXPECT_EQ(request->query_params.at("x"), "a b");
  EXPECT_EQ(request->authorization, "Bearer s3cret");
  EXPECT_EQ(request->body, "ok");
}

TEST(NormalizePathTest, CollapsesDotsAndSlashesKeepingTrailingSlash) {
  EXPECT_EQ(*NormalizePath("/"), "/");
  EXPECT_EQ(*NormalizePath("//a/./b//"), "/a/b/");
  EXPECT_EQ(*NormalizePath("/a/b"), "/a/b");
  EXPECT_EQ(*NormalizePath("/%41%2Fb"), "/A/b");
  EXPECT_FALSE(NormalizePath("a/b"));
  EXPECT_FALSE(NormalizePath("/a/%0a"));
}

TEST(PercentEncodeTest, RoundTripsThroughDecode) {
  const std::string raw = "web 01/<x>&ü";
  EXPECT_EQ(PercentEncode(raw), "web%2001%2F%3Cx%3E%26%C3%BC");
  EXPECT_EQ(*PercentDecode(PercentEncode(raw), false), raw);
}

Request WithAuthorization(std::string value) {
  Request request;
  request.authorization = std::move(value);
  return request;
}

TEST(AuthorizedBearerTest, AcceptsOnlyTheExactToken) {
  EXPECT_TRUE(AuthorizedBearer(WithAuthorization("Bearer s3cret"), "s3cret"));
  EXPECT_TRUE(AuthorizedBearer(WithAuthorization("bearer s3cret"), "s3cret"));
  EXPECT_FALSE(AuthorizedBearer(WithAuthorization("Bearer s3cre"), "s3cret"));
  EXPECT_FALSE(AuthorizedBearer(WithAuthorization("Bearer s3crets"), "s3cret"));
  EXPECT_FALSE(AuthorizedBearer(WithAuthorization("Basic s3cret"), "s3cret"));
  EXPECT_FALSE(AuthorizedBearer(WithAuthorization(""), "s3cret"));
  EXPECT_FALSE(AuthorizedBearer(WithAuthorization("Bearer "), ""));
}

Handler Answer(std::string text) {
  return [text](const Request&) { return TextResponse(200, text); };
}

Request MakeRequest(std::string method, std::string path) {
  Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

TEST(RouterTest, ExactBeatsPrefixAndLongestPrefixWins) {
  Router router;
  router.AddPrefix("GET", "/", Answer("root"));
  router.AddPrefix("GET", "/nodes/", Answer("nodes"));
  router.Add("GET", "/nodes/special", Answer("special"));
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/nodes/special")).response.body, "special");
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/nodes/web01")).response.body, "nodes");
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/other")).response.body, "root");
}

TEST(RouterTest, MethodMismatchIs405WithAllowAndHeadFallsBackToGet) {
  Router router;
  router.Add("GET", "/x", Answer("x"));
  router.Add("POST", "/x", Answer("posted"));
  const auto not_allowed = router.Dispatch(MakeRequest("PUT", "/x")).response;
  EXPECT_EQ(not_allowed.status, 405);
  ASSERT_EQ(not_allowed.headers.size(), 1u);
  EXPECT_EQ(not_allowed.headers[0].second, "GET, POST, HEAD");
  EXPECT_EQ(router.Dispatch(MakeRequest("HEAD", "/x")).response.body, "x");
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/y")).response.status, 404);
}

TEST(RouterTest, ThrowingHandlerAndBadStatusBecome500) {
  Router router;
  router.Add("GET", "/throw", [](const Request&) -> Response { throw 42; });
  router.Add("GET", "/bad", [](const Request&) { return TextResponse(1000, ""); });
  const auto thrown = router.Dispatch(MakeRequest("GET", "/throw"));
  EXPECT_EQ(thrown.response.status, 500);
  EXPECT_TRUE(thrown.handler_threw);
  EXPECT_EQ(router.Dispatch(MakeRequest("GET", "/bad")).response.status, 500);
}

}  // namespace
}  // namespace gs::collector::web
