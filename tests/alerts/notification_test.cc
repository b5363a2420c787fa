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
  AlertItem a;
  a.firing = true;
  a.node = "web01";
  a.check = "http";
  a.state = probes::State::kCritical;
  a.previous_state = probes::State::kOk;
  a.output = "connection refused";
  a.since = std::chrono::system_clock::time_point(std::chrono::seconds(1714564800)) +
            std::chrono::milliseconds(250);
  a.tags = {{"role", "web"}, {"env", "production"}};
  n.alerts.push_back(a);
  return n;
}

TEST(NotificationTest, WebhookJsonHasTheDesignBody) {
  nlohmann::json got = nlohmann::json::parse(ToWebhookJson(Sample()));
  // The DESIGN.md fields describe the primary alert; the additions are checked below.
  for (const char* added : {"event", "group", "alerts", "note", "escalation"}) {
    ASSERT_TRUE(got.contains(added)) << added;
    got.erase(added);
  }
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
  n.alerts[0].firing = false;
  n.alerts[0].tags.clear();
  const nlohmann::json got = nlohmann::json::parse(ToWebhookJson(n));
  EXPECT_EQ(got["status"], "resolved");
  EXPECT_TRUE(got["tags"].is_object());
}

TEST(NotificationTest, InvalidUtf8OutputDoesNotThrow) {
  Notification n = Sample();
  n.alerts[0].output = "bad \xff byte";
  EXPECT_NO_THROW(nlohmann::json::parse(ToWebhookJson(n)));
}

TEST(NotificationTest, GroupedMessagesListEveryAlertAndRoundTripThroughTheOutbox) {
  Notification n = Sample();
  n.group = "route0:ops{check=http}";
  n.group_labels = {{"check", "http"}};
  for (const char* node : {"web02", "web03", "web04"}) {
    AlertItem a = n.alerts[0];
    a.node = node;
    n.alerts.push_back(a);
  }
  n.alerts[3].firing = false;
  n.alerts[3].reason = "node retired";
  const nlohmann::json got = nlohmann::json::parse(ToWebhookJson(n));
  EXPECT_EQ(got["status"], "firing");
  EXPECT_EQ(got["alerts"].size(), 4u);
  EXPECT_EQ(got["alerts"][3]["status"], "resolved");
  EXPECT_EQ(got["alerts"][3]["reason"], "node retired");
  EXPECT_EQ(got["group"], (nlohmann::json{{"check", "http"}}));
  EXPECT_EQ(Headline(n), "[FIRING:3] http CRITICAL on web01, web02, web03 (1 resolved)");
  auto back = FromStoredJson(ToStoredJson(n));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, n);
  EXPECT_FALSE(FromStoredJson("{\"id\": 5}"));
  EXPECT_FALSE(FromStoredJson("not json"));
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
