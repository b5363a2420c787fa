// Real WebhookNotifier + Dispatcher + StateDb against tests/support/webhook_rx.py.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "alerts/dispatcher.h"
#include "alerts/webhook_notifier.h"
#include "collector/storage/state_db.h"
#include "tests/support/peers.h"

namespace gs {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;
using test::FreePort;
using test::ReadFile;
using test::TempDir;

bool WaitUntil(const std::function<bool()>& done) {
  return test::WaitUntil(done, std::chrono::seconds(20));
}

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// webhook_rx.py on `port`, answering `status`; stopped by PID when destroyed.
class Receiver {
 public:
  Receiver(int port, const fs::path& out, int status)
      : process_({"/usr/bin/python3", std::string(GS_SOURCE_DIR) + "/tests/support/webhook_rx.py",
                  std::to_string(port), out.string()},
                 {.env = {"HOOK_STATUS=" + std::to_string(status)},
                  .stdout_path = "",
                  .stderr_path = ""}) {
    ready_ = process_.started() && WaitUntil([&] { return Accepts(port); });
  }
  bool ready() const { return ready_; }

 private:
  test::Process process_;
  bool ready_ = false;
};

alerts::Notification Alert() {
  alerts::Notification n;
  n.id = alerts::NewNotificationId();
  n.notifier = "ops";
  alerts::AlertItem a;
  a.firing = true;
  a.node = "web01";
  a.check = "http";
  a.state = probes::State::kCritical;
  a.previous_state = probes::State::kOk;
  a.output = "connection refused";
  a.since = std::chrono::system_clock::from_time_t(1714564800);
  a.tags = {{"role", "web"}, {"env", "production"}};
  n.alerts.push_back(std::move(a));
  return n;
}

class WebhookDeliveryTest : public testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    auto db = collector::StateDb::Open(dir_.path() / "state.db");
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    alerts::WebhookNotifier::Options o;
    o.url = "http://127.0.0.1:" + std::to_string(port_) + "/hook";
    o.timeout = std::chrono::seconds(5);
    std::map<std::string, std::unique_ptr<alerts::Notifier>> notifiers;
    notifiers["ops"] = std::make_unique<alerts::WebhookNotifier>(o);
    alerts::Dispatcher::Options retry;
    retry.initial_backoff = milliseconds(20);
    retry.max_backoff = milliseconds(200);
    dispatcher_ = std::make_unique<alerts::Dispatcher>(*db_, std::move(notifiers), retry);
    ASSERT_TRUE(dispatcher_->Start());
  }
  void TearDown() override {
    if (dispatcher_) dispatcher_->Stop(milliseconds(0));
  }
  bool Delivered() { return dispatcher_->stats().delivered == 1 && db_->LoadAll()->empty(); }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<collector::StateDb> db_;
  std::unique_ptr<alerts::Dispatcher> dispatcher_;
};

TEST_F(WebhookDeliveryTest, DeliversTheDesignBodyWithAnIdempotencyKey) {
  Receiver rx(port_, dir_.path() / "hooks", 200);
  ASSERT_TRUE(rx.ready());
  const alerts::Notification n = Alert();
  ASSERT_TRUE(dispatcher_->Enqueue(n));
  ASSERT_TRUE(WaitUntil([&] { return Delivered(); }));
  nlohmann::json body = nlohmann::json::parse(ReadFile(dir_.path() / "hooks/hook-1.json"));
  // The DESIGN.md fields, exactly; the additions (README) are checked by the notifier tests.
  ASSERT_EQ(body["alerts"].size(), 1u);
  for (const char* added : {"event", "group", "alerts", "note", "escalation"}) body.erase(added);
  const nlohmann::json want = {{"id", n.id},
                               {"status", "firing"},
                               {"node", "web01"},
                               {"check", "http"},
                               {"state", "CRITICAL"},
                               {"previous_state", "OK"},
                               {"output", "connection refused"},
                               {"since", "2024-05-01T12:00:00Z"},
                               {"tags", {{"env", "production"}, {"role", "web"}}}};
  EXPECT_EQ(body, want);
  EXPECT_EQ(ReadFile(dir_.path() / "hooks/hook-1.key"), n.id);
  EXPECT_FALSE(fs::exists(dir_.path() / "hooks/hook-2.json")) << "delivered exactly once";
}

TEST_F(WebhookDeliveryTest, RetriesAfterHttp500WithTheSameId) {
  const alerts::Notification n = Alert();
  {
    Receiver failing(port_, dir_.path() / "failing", 500);
    ASSERT_TRUE(failing.ready());
    ASSERT_TRUE(dispatcher_->Enqueue(n));
    ASSERT_TRUE(WaitUntil([&] { return fs::exists(dir_.path() / "failing/hook-1.json"); }));
    ASSERT_TRUE(WaitUntil([&] { return dispatcher_->stats().attempts_failed >= 1; }));
  }  // stopped by PID; the next receiver takes the same port
  EXPECT_EQ(db_->LoadAll()->size(), 1u) << "kept in the outbox while failing";
  Receiver working(port_, dir_.path() / "working", 200);
  ASSERT_TRUE(working.ready());
  ASSERT_TRUE(WaitUntil([&] { return Delivered(); }));
  EXPECT_EQ(ReadFile(dir_.path() / "failing/hook-1.key"), n.id);
  EXPECT_EQ(ReadFile(dir_.path() / "working/hook-1.key"), n.id);
  EXPECT_EQ(nlohmann::json::parse(ReadFile(dir_.path() / "working/hook-1.json"))["id"], n.id);
}

TEST_F(WebhookDeliveryTest, DeliversOnceTheReceiverComesUp) {
  const alerts::Notification n = Alert();
  ASSERT_TRUE(dispatcher_->Enqueue(n));
  ASSERT_TRUE(WaitUntil([&] { return dispatcher_->stats().attempts_failed >= 2; }));
  const auto stored = db_->LoadAll();
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_FALSE((*stored)[0].last_error.empty());
  Receiver rx(port_, dir_.path() / "hooks", 200);
  ASSERT_TRUE(rx.ready());
  ASSERT_TRUE(WaitUntil([&] { return Delivered(); }));
  EXPECT_EQ(ReadFile(dir_.path() / "hooks/hook-1.key"), n.id);
}

}  // namespace
}  // namespace gs
