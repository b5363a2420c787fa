// The outbound heartbeat against a real HTTP endpoint (tests/support/http_rx.py).
#include "alerts/watchdog.h"

#include <gtest/gtest.h>

#include <atomic>

#include "tests/support/http_receiver.h"
#include "tests/support/peers.h"

namespace gs::alerts {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Watchdog::Options PingEvery(const std::string& url, milliseconds interval) {
  Watchdog::Options o;
  o.url = url;
  o.interval = interval;
  o.timeout = seconds(5);
  return o;
}

TEST(WatchdogTest, PingsTheUrlEveryIntervalWithItsMethodAndHeaders) {
  test::TempDir dir;
  test::HttpReceiver receiver(dir);
  Watchdog::Options o = PingEvery(receiver.url("/ping/abc"), milliseconds(200));
  o.headers = {"X-Api-Key: k1"};
  Watchdog watchdog(o);
  watchdog.Start();
  const auto requests = receiver.WaitForRequests(3);
  watchdog.Stop();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/ping/abc");
  EXPECT_EQ(requests[0].headers.at("x-api-key"), "k1");
  EXPECT_GE(watchdog.stats().sent.load(), 3u);
  EXPECT_EQ(watchdog.stats().failed.load(), 0u);
  EXPECT_GT(watchdog.stats().last_success_ms.load(), 0);
  EXPECT_EQ(watchdog.last_error(), "");
}

TEST(WatchdogTest, PostAndHeadAreSupported) {
  for (const char* method : {"POST", "HEAD"}) {
    test::TempDir dir;
    test::HttpReceiver receiver(dir);
    Watchdog::Options o = PingEvery(receiver.url("/"), seconds(60));
    o.method = method;
    Watchdog watchdog(o);
    watchdog.Start();
    const auto requests = receiver.WaitForRequests(1);
    ASSERT_TRUE(test::WaitUntil([&] { return watchdog.stats().sent.load() == 1; }, seconds(20)));
    watchdog.Stop();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, method);
  }
}

TEST(WatchdogTest, FailedPingsAreCountedAndTheNextIntervalTriesAgain) {
  test::TempDir dir;
  test::HttpReceiver receiver(dir, {.fail_first = 2, .fail_status = 503});
  Watchdog watchdog(PingEvery(receiver.url("/"), milliseconds(100)));
  watchdog.Start();
  ASSERT_TRUE(test::WaitUntil([&] { return watchdog.stats().sent.load() >= 1; }, seconds(20)));
  watchdog.Stop();
  EXPECT_EQ(watchdog.stats().failed.load(), 2u);
  EXPECT_EQ(watchdog.last_error(), "");  // cleared by the success
}

TEST(WatchdogTest, AnUnreachableReceiverIsAFailureNotACrash) {
  Watchdog watchdog(
      PingEvery("http://127.0.0.1:" + std::to_string(test::FreePort()) + "/", milliseconds(100)));
  watchdog.Start();
  ASSERT_TRUE(test::WaitUntil([&] { return watchdog.stats().failed.load() >= 2; }, seconds(20)));
  watchdog.Stop();
  EXPECT_EQ(watchdog.stats().sent.load(), 0u);
  EXPECT_NE(watchdog.last_error(), "");
}

TEST(WatchdogTest, AnUnhealthyDaemonWithholdsItsPings) {
  test::TempDir dir;
  test::HttpReceiver receiver(dir);
  std::atomic<bool> healthy{false};
  Watchdog::Options o = PingEvery(receiver.url("/"), milliseconds(100));
  o.health = [&]() -> std::string { return healthy ? "" : "the event loop is stuck"; };
  Watchdog watchdog(o);
  watchdog.Start();
  ASSERT_TRUE(test::WaitUntil([&] { return watchdog.stats().withheld.load() >= 2; }, seconds(20)));
  EXPECT_TRUE(receiver.Requests().empty());
  healthy = true;
  EXPECT_GE(receiver.WaitForRequests(1).size(), 1u);
  watchdog.Stop();
  EXPECT_EQ(watchdog.stats().failed.load(), 0u);
}

}  // namespace
}  // namespace gs::alerts
