#include "alerts/notification.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace gs::alerts {
namespace {

Notification Sample() {
  Notification n;
  n.id = "abc123";
  n.notifier = "ops";
  n.firing = true;
  n.node = "web01";
  n.check = "http";
  n.state = probes::State::kCritical;
  n.previous_state = probes::State::kOk;
  n.output = "connection refused";
  n.since = std::chrono::system_clock::time_point(std::chrono::seconds(1714564800)) +
            std::chrono::milliseconds(250);
  n.tags = {{"role", "web"}, {"env", "production"}};
  return n;
}

TEST(NotificationTest, WebhookJsonHasTheDesignBody) {
  const nlohmann::json got = nlohmann::json::parse(ToWebhookJson(Sample()));
  const nlohmann::json want = {
      {"id", "abc123"},
      {"status", "firing"},
      {"node", "web01"},
      {"check", "http"},
      {"state", "CRITICAL"},
      {"previous_state", "OK"},
      {"output", "connection refused"},
      {"since", "2024-05-01T12:00:00Z"},
      {"tags", {{"role", "web"}, {"env", "production"}}},
  };
  EXPECT_EQ(got, want);
}

TEST(NotificationTest, ResolvedStatusAndEmptyTagsObject) {
  Notification n = Sample();
  n.firing = false;
  n.tags.clear();
  const nlohmann::json got = nlohmann::json::parse(ToWebhookJson(n));
  EXPECT_EQ(got["status"], "resolved");
  EXPECT_TRUE(got["tags"].is_object());
}

TEST(NotificationTest, InvalidUtf8OutputDoesNotThrow) {
  Notification n = Sample();
  n.output = "bad \xff byte";
  EXPECT_NO_THROW(nlohmann::json::parse(ToWebhookJson(n)));
}

TEST(NotificationTest, NewIdsAre128BitHexAndDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    std::string id = NewNotificationId();
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

}  // namespace
}  // namespace gs::alerts
