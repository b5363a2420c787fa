#include "alerts/webhook_notifier.h"

#include <gtest/gtest.h>

namespace gs::alerts {
namespace {

// Delivery against a real HTTP receiver is covered by tests/integration/webhook_delivery_test.

TEST(WebhookNotifierTest, UnreachableEndpointIsAFailureWithCurlsMessage) {
  // Port 1 on loopback: nothing listens there, so the connect is refused at once.
  WebhookNotifier::Options options;
  options.url = "http://127.0.0.1:1/hook";
  WebhookNotifier notifier(options);
  Notification n;
  n.id = "x";
  auto r = notifier.Send(n);
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().message.empty());
  EXPECT_EQ(r.error().message.find("HTTP"), std::string::npos) << r.error().message;
}

TEST(WebhookNotifierTest, MalformedUrlIsAFailureNotACrash) {
  WebhookNotifier::Options options;
  options.url = "not a url";
  WebhookNotifier notifier(options);
  auto r = notifier.Send(Notification{});
  EXPECT_FALSE(r);
}

}  // namespace
}  // namespace gs::alerts
