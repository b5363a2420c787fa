// The test HTTP receiver itself, driven by the notifiers' HttpPost.
#include "tests/support/http_receiver.h"

#include <gtest/gtest.h>

#include <thread>

#include "alerts/http_post.h"

namespace gs::test {
namespace {

using alerts::HttpPost;
using alerts::SendResult;

SendResult Post(const std::string& url, const std::string& body,
                std::chrono::milliseconds timeout = 10s) {
  HttpPost post;
  HttpPost::Request request;
  request.url = url;
  request.body = body;
  request.timeout = timeout;
  request.headers = {"X-Test: one"};
  return post.Send(request);
}

TEST(HttpReceiverTest, RecordsMethodPathHeadersAndBodyAndAnswersTheStatus) {
  TempDir dir;
  HttpReceiver receiver(dir, {.status = 201, .response_body = R"({"sid":"SM1"})"});
  ASSERT_TRUE(Post(receiver.url("/hook?x=1"), "payload \x01\xFF bytes"));
  const std::vector<ReceivedRequest> requests = receiver.WaitForRequests(1);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/hook?x=1");
  EXPECT_EQ(requests[0].headers.at("x-test"), "one");
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].body, "payload \x01\xFF bytes");
  EXPECT_EQ(receiver.url(), "http://127.0.0.1:" + std::to_string(receiver.port()) + "/");
}

TEST(HttpReceiverTest, NonSuccessStatusIsReturnedWithTheResponseBody) {
  TempDir dir;
  HttpReceiver receiver(dir, {.status = 400, .response_body = R"({"code":21211})"});
  const SendResult r = Post(receiver.url("/x"), "{}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, R"(HTTP 400: {"code":21211})");
}

TEST(HttpReceiverTest, FirstRequestsFailThenTheStatusIsAnswered) {
  TempDir dir;
  HttpReceiver receiver(dir, {.fail_first = 2, .fail_status = 502});
  const SendResult first = Post(receiver.url("/a"), "1");
  const SendResult second = Post(receiver.url("/b"), "2");
  const SendResult third = Post(receiver.url("/c"), "3");
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().message, "HTTP 502: injected failure");
  EXPECT_FALSE(second);
  EXPECT_TRUE(third);
  const std::vector<ReceivedRequest> requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 3u);  // failed ones are recorded too, in arrival order
  EXPECT_EQ(requests[0].body + requests[1].body + requests[2].body, "123");
}

TEST(HttpReceiverTest, FailedAnswersCarryRetryAfter) {
  TempDir dir;
  HttpReceiver receiver(dir, {.fail_first = 1, .fail_status = 429, .retry_after = 7});
  const SendResult r = Post(receiver.url(), "{}");
  ASSERT_FALSE(r);
  ASSERT_TRUE(r.error().retry_after.has_value()) << r.error().message;
  EXPECT_EQ(*r.error().retry_after, 7s);
  EXPECT_TRUE(Post(receiver.url(), "{}"));  // the second one is answered 200
}

TEST(HttpReceiverTest, HangingRequestDoesNotBlockTheNextOne) {
  TempDir dir;
  HttpReceiver receiver(dir, {.hang_first = 1, .hang_seconds = 60});
  SendResult hung;
  std::thread first([&] { hung = Post(receiver.url("/slow"), "1", 3s); });
  ASSERT_EQ(receiver.WaitForRequests(1).size(), 1u);
  // The first request is still unanswered; the second gets its answer regardless. (A
  // single-threaded server would hold it for 60 s, past its 20 s timeout.)
  const SendResult second = Post(receiver.url("/fast"), "2", 20s);
  first.join();
  EXPECT_TRUE(second) << second.error().message;
  ASSERT_FALSE(hung);
  EXPECT_NE(hung.error().message.find("imed out"), std::string::npos) << hung.error().message;
}

TEST(HttpReceiverTest, SeveralReceiversShareOneTempDir) {
  TempDir dir;
  HttpReceiver a(dir);
  HttpReceiver b(dir, {.status = 204});
  ASSERT_TRUE(Post(a.url("/a"), "for a"));
  ASSERT_TRUE(Post(b.url("/b"), "for b"));
  ASSERT_EQ(a.Requests().size(), 1u);
  ASSERT_EQ(b.Requests().size(), 1u);
  EXPECT_EQ(a.Requests()[0].body, "for a");
  EXPECT_EQ(b.Requests()[0].path, "/b");
}

}  // namespace
}  // namespace gs::test
