// SyslogServer with a real LogArchive on loopback sockets: backpressure (a TCP sender waits
// while the archive is behind, nothing is lost), UDP drops counted, connection limits.
#include "collector/syslog/syslog_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "collector/syslog/log_archive.h"
#include "collector/syslog/log_search.h"
#include "tests/support/collector_api.h"
#include "tests/support/peers.h"

namespace gs::collector::syslog {
namespace {

using namespace std::chrono_literals;

// Holds the archive's writer thread inside Observe until Release(): the archive falls behind.
class Gate : public RecordObserver {
 public:
  void Observe(const LogRecord&) override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }
  void Tick(std::chrono::system_clock::time_point) override {}
  void Release() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class SyslogServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    archive_ = std::make_unique<LogArchive>(
        LogArchive::Options{.root = dir_ / "logs", .queue_bytes = 1 << 20});
    archive_->SetObserver(gate_);
    SyslogSection config;
    config.listen = {"tcp://127.0.0.1:0", "udp://127.0.0.1:0"};
    config.max_connections = 3;
    server_ = std::make_unique<SyslogServer>(config, *archive_);
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override {
    gate_->Release();
    server_->Stop();
    archive_->Stop();
  }
  ListenerStats& Stats(int i) { return server_->listeners()[static_cast<std::size_t>(i)]->stats; }
  int Port(int i) { return server_->listeners()[static_cast<std::size_t>(i)]->port; }

  test::TempDir dir_;
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  std::unique_ptr<LogArchive> archive_;
  std::unique_ptr<SyslogServer> server_;
};

TEST_F(SyslogServerTest, ATcpSenderWaitsWhileTheArchiveIsBehindAndNothingIsLost) {
  // ~80 MB at most: more than the kernel can hold for one loopback connection (socket buffers
  // autotune up to net.ipv4.tcp_rmem/tcp_wmem's maximum, 32 + 4 MiB on some boxes) plus the
  // 1 MiB queue, so the sender must stall long before it is through. It stops once it has.
  constexpr int kCap = 400'000;
  const int fd = test::ConnectLoopback(Port(0), SOCK_STREAM);
  ASSERT_GE(fd, 0);
  std::atomic<int> sent{0};
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    const std::string pad(180, 'p');
    for (int i = 0; i < kCap && !stop.load(); ++i) {
      const std::string line = "<13>app: n=" + std::to_string(i) + " " + pad + "\n";
      std::size_t done = 0;
      while (done < line.size()) {
        const ssize_t n = ::send(fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
      }
      ++sent;
    }
  });
  // The reader pauses and the sender blocks on a full socket: it cannot finish.
  ASSERT_TRUE(test::WaitUntil([&] { return Stats(0).paused.load() > 0; }, 30s));
  ASSERT_TRUE(test::WaitUntil(
      [&] {
        const int before = sent.load();
        std::this_thread::sleep_for(200ms);
        return sent.load() == before;
      },
      60s));
  EXPECT_LT(sent.load(), kCap);
  stop = true;  // the line being sent is finished after the release, then the sender stops
  gate_->Release();
  sender.join();
  ::close(fd);
  const int total = sent.load();
  ASSERT_TRUE(test::WaitUntil(
      [&] { return Stats(0).received.load() == static_cast<std::uint64_t>(total); }, 60s));
  ASSERT_TRUE(archive_->Flush(30s));
  EXPECT_EQ(test::CountLines(dir_ / "logs"), static_cast<std::size_t>(total));
  EXPECT_EQ(Stats(0).dropped_queue.load(), 0u);
}

TEST_F(SyslogServerTest, UdpDropsAndCountsWhileTheArchiveIsBehind) {
  const int fd = test::ConnectLoopback(Port(1), SOCK_DGRAM);
  ASSERT_GE(fd, 0);
  const std::string big(8000, 'u');
  // 1 MiB queue of ~8 KB messages: a few hundred fill it, the rest are dropped and counted.
  for (int i = 0; i < 2000; ++i) {
    const std::string msg = "<13>app: " + big;
    ::send(fd, msg.data(), msg.size(), 0);
    if (i % 100 == 99) std::this_thread::sleep_for(10ms);  // let the reader keep up
  }
  ::close(fd);
  ASSERT_TRUE(test::WaitUntil([&] { return Stats(1).dropped_queue.load() > 0; }, 30s));
  // Everything sent has been read (or dropped by the kernel) once the count stops moving.
  ASSERT_TRUE(test::WaitUntil(
      [&] {
        const auto before = Stats(1).received.load();
        std::this_thread::sleep_for(200ms);
        return Stats(1).received.load() == before;
      },
      30s));
  gate_->Release();
  ASSERT_TRUE(archive_->Flush(30s));
  const std::uint64_t kept = Stats(1).received.load() - Stats(1).dropped_queue.load();
  EXPECT_EQ(test::CountLines(dir_ / "logs"), kept);
}

TEST_F(SyslogServerTest, ConnectionsOverTheLimitAreClosedAndCounted) {
  gate_->Release();
  std::vector<int> fds;
  for (int i = 0; i < 3; ++i) fds.push_back(test::ConnectLoopback(Port(0), SOCK_STREAM));
  ASSERT_TRUE(test::WaitUntil([&] { return Stats(0).connections_open.load() == 3; }, 10s));
  const int extra = test::ConnectLoopback(Port(0), SOCK_STREAM);
  ASSERT_GE(extra, 0);
  char c = 0;
  EXPECT_EQ(::recv(extra, &c, 1, 0), 0);  // closed by the server
  EXPECT_EQ(Stats(0).connections_rejected.load(), 1u);
  ::close(extra);
  for (int fd : fds) ::close(fd);
  EXPECT_TRUE(test::WaitUntil([&] { return Stats(0).connections_open.load() == 0; }, 10s));
}

TEST_F(SyslogServerTest, NodesSetWhileTheReadersWaitApplyToTheNextMessage) {
  gate_->Release();
  // Give the idle UDP reader a moment to block in recvmmsg (the case this test is about; the
  // test passes either way, it only catches the bug when the reader already waits).
  std::this_thread::sleep_for(50ms);
  server_->SetNodes(std::make_shared<NodeIndex>(NodeIndex{{"127.0.0.1", "box"}}));
  const int fd = test::ConnectLoopback(Port(1), SOCK_DGRAM);
  ASSERT_GE(fd, 0);
  const std::string msg = "<13>app: after-set-nodes";
  ::send(fd, msg.data(), msg.size(), 0);
  ::close(fd);
  test::SendTcp(Port(0), "<13>app: tcp-after-set-nodes\n");
  ASSERT_TRUE(test::WaitUntil([&] { return Stats(0).received + Stats(1).received == 2; }, 10s));
  ASSERT_TRUE(archive_->Flush(10s));
  auto found = SearchLogs(dir_ / "logs", LogQuery{});
  ASSERT_TRUE(found);
  ASSERT_EQ(found->records.size(), 2u);
  for (const LogRecord& r : found->records) EXPECT_EQ(r.node, "box") << r.msg;
}

TEST_F(SyslogServerTest, ABadListenAddressOrBusyPortIsAClearError) {
  SyslogSection config;
  config.listen = {"tcp://127.0.0.1:" + std::to_string(Port(0))};
  SyslogServer busy(config, *archive_);
  auto r = busy.Start();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tcp://127.0.0.1:"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("in use"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace gs::collector::syslog
