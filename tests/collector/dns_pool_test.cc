// ResolvePool against a real dnsmasq on 127.0.0.1, and PoolNodes.
#include "collector/inventory/dns_pool.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/dnsmasq_peer.h"

namespace gs::collector::inventory {
namespace {

using namespace std::chrono_literals;
using Addresses = std::vector<std::string>;

constexpr const char* kHosts =
    "10.0.0.11 web1.cloud.test web.cloud.test\n"
    "10.0.0.12 web2.cloud.test web.cloud.test\n"
    "fd00::11 web1.cloud.test web.cloud.test\n"
    "fd00::21 v6only.cloud.test\n"
    "10.0.0.21 db1.cloud.test\n";

// A UDP socket on 127.0.0.1 that is bound but never read: queries to it get no reply at all.
class SilentUdpServer {
 public:
  SilentUdpServer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentUdpServer() {
    if (fd_ >= 0) ::close(fd_);
  }
  SilentUdpServer(const SilentUdpServer&) = delete;
  SilentUdpServer& operator=(const SilentUdpServer&) = delete;
  [[nodiscard]] int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class DnsPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::Dnsmasq::Available()) {
      GTEST_SKIP() << "dnsmasq or dig is not installed (packages dnsmasq, dnsutils)";
    }
    dns_ = std::make_unique<test::Dnsmasq>(test::Dnsmasq::Options{.hosts = kHosts});
    ASSERT_TRUE(dns_->Start()) << dns_->error();
  }

  [[nodiscard]] DnsPoolOptions Options(const std::string& name) const {
    return DnsPoolOptions{.name = name, .server = dns_->server(), .timeout = 10s};
  }

  [[nodiscard]] Addresses Resolve(const DnsPoolOptions& options) const {
    const Result<DnsAnswer> answer = ResolvePool(options);
    EXPECT_TRUE(answer) << answer.error().message;
    return answer ? answer->addresses : Addresses{"(error)"};
  }

  std::unique_ptr<test::Dnsmasq> dns_;
};

TEST_F(DnsPoolTest, APoolResolvesToEveryAddressOfBothFamiliesSorted) {
  EXPECT_EQ(Resolve(Options("web.cloud.test")), (Addresses{"10.0.0.11", "10.0.0.12", "fd00::11"}));
  EXPECT_EQ(Resolve(Options("db1.cloud.test")), (Addresses{"10.0.0.21"}));
}

TEST_F(DnsPoolTest, Ipv4OnlyLeavesTheAaaaRecordsOut) {
  DnsPoolOptions options = Options("web.cloud.test");
  options.ipv6 = false;
  EXPECT_EQ(Resolve(options), (Addresses{"10.0.0.11", "10.0.0.12"}));
}

TEST_F(DnsPoolTest, Ipv6OnlyLeavesTheARecordsOut) {
  DnsPoolOptions options = Options("web.cloud.test");
  options.ipv4 = false;
  EXPECT_EQ(Resolve(options), (Addresses{"fd00::11"}));
}

TEST_F(DnsPoolTest, ANameWithoutRecordsOfTheWantedFamilyGivesAnEmptyAnswer) {
  DnsPoolOptions options = Options("v6only.cloud.test");
  options.ipv6 = false;
  EXPECT_EQ(Resolve(options), Addresses{});
  options.ipv6 = true;
  EXPECT_EQ(Resolve(options), (Addresses{"fd00::21"}));
}

TEST_F(DnsPoolTest, NxdomainGivesAnEmptyAnswerNotAnError) {
  const Result<DnsAnswer> answer = ResolvePool(Options("nosuch.cloud.test"));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, DnsAnswer{});
}

TEST_F(DnsPoolTest, ChangesBetweenRefreshesReplaceAndAddMembers) {
  DnsPoolOptions options = Options("web.cloud.test");
  options.ipv6 = false;
  ASSERT_EQ(Resolve(options), (Addresses{"10.0.0.11", "10.0.0.12"}));

  // web2 (.12) replaced by web3 (.13).
  ASSERT_TRUE(
      dns_->SetHosts("10.0.0.11 web1.cloud.test web.cloud.test\n"
                     "10.0.0.13 web3.cloud.test web.cloud.test\n"))
      << dns_->error();
  EXPECT_EQ(Resolve(options), (Addresses{"10.0.0.11", "10.0.0.13"}));

  // web4 (.4) added: sorted as text.
  ASSERT_TRUE(
      dns_->SetHosts("10.0.0.11 web1.cloud.test web.cloud.test\n"
                     "10.0.0.13 web3.cloud.test web.cloud.test\n"
                     "10.0.0.4 web4.cloud.test web.cloud.test\n"))
      << dns_->error();
  EXPECT_EQ(Resolve(options), (Addresses{"10.0.0.11", "10.0.0.13", "10.0.0.4"}));

  // Scaled to zero: the name is gone, the pool is empty.
  ASSERT_TRUE(dns_->SetHosts("10.0.0.21 db1.cloud.test\n")) << dns_->error();
  EXPECT_EQ(Resolve(options), Addresses{});
}

TEST_F(DnsPoolTest, TheAnswerCarriesTheSmallestTtl) {
  test::Dnsmasq with_ttl(test::Dnsmasq::Options{.hosts = kHosts, .ttl = 300});
  ASSERT_TRUE(with_ttl.Start()) << with_ttl.error();
  const Result<DnsAnswer> answer =
      ResolvePool({.name = "web.cloud.test", .server = with_ttl.server(), .timeout = 10s});
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->min_ttl, 300s);
  EXPECT_EQ(ResolvePool(Options("web.cloud.test"))->min_ttl, 0s);
}

TEST_F(DnsPoolTest, ARefusedQueryIsAnErrorNamingServerNameAndReason) {
  // Outside --local=/cloud.test/ and without upstream servers dnsmasq answers REFUSED.
  const Result<DnsAnswer> answer = ResolvePool(Options("www.example.com"));
  ASSERT_FALSE(answer);
  const std::string& message = answer.error().message;
  EXPECT_NE(message.find(dns_->server()), std::string::npos) << message;
  EXPECT_NE(message.find("www.example.com"), std::string::npos) << message;
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
}

TEST(DnsPoolErrorsTest, AServerThatNeverAnswersTimesOutNamingTheServer) {
  const SilentUdpServer silent;
  ASSERT_NE(silent.port(), 0);
  const std::string server = "127.0.0.1:" + std::to_string(silent.port());
  const Result<DnsAnswer> answer =
      ResolvePool({.name = "web.cloud.test", .server = server, .timeout = 300ms});
  ASSERT_FALSE(answer);
  const std::string& message = answer.error().message;
  EXPECT_NE(message.find(server), std::string::npos) << message;
  EXPECT_NE(message.find("web.cloud.test"), std::string::npos) << message;
  EXPECT_NE(message.find("Timeout"), std::string::npos) << message;
}

TEST(DnsPoolErrorsTest, APortNobodyListensOnIsAnErrorNamingTheServer) {
  const std::string server = "127.0.0.1:" + std::to_string(test::FreePort());
  const Result<DnsAnswer> answer =
      ResolvePool({.name = "web.cloud.test", .server = server, .timeout = 300ms});
  ASSERT_FALSE(answer);
  EXPECT_NE(answer.error().message.find(server), std::string::npos) << answer.error().message;
}

TEST(DnsPoolErrorsTest, IPv6ServersAreTakenWithAndWithoutBracketsAndPort) {
  const std::string port = std::to_string(test::FreePort());
  for (const std::string& server : {"[::1]:" + port, std::string("::1"), std::string("[::1]")}) {
    const Result<DnsAnswer> answer =
        ResolvePool({.name = "web.cloud.test", .server = server, .timeout = 300ms});
    ASSERT_FALSE(answer) << server;  // nobody answers there
    EXPECT_EQ(answer.error().message.find("bad DNS server"), std::string::npos)
        << answer.error().message;
    EXPECT_NE(answer.error().message.find(server), std::string::npos) << answer.error().message;
  }
}

TEST(DnsPoolErrorsTest, UnusableOptionsAreErrors) {
  const auto message = [](const DnsPoolOptions& options) {
    const Result<DnsAnswer> answer = ResolvePool(options);
    return answer ? std::string("(resolved)") : answer.error().message;
  };
  EXPECT_NE(message({.name = "a.test", .server = "not an address"}).find("bad DNS server"),
            std::string::npos);
  for (const char* bad : {"1.2.3.4:99999", "1.2.3.4:0", "1.2.3.4:", "[::1", "[::1]53", "[10.0.0.1]",
                          "10.0.0.1:53,10.0.0.2", "dns.example.com", "10.0.0.1:x"}) {
    EXPECT_NE(message({.name = "a.test", .server = bad}).find("bad DNS server"), std::string::npos)
        << bad;
  }
  EXPECT_NE(message({.name = "a.test", .ipv4 = false, .ipv6 = false}).find("neither"),
            std::string::npos);
  EXPECT_NE(message({.name = "a.test", .timeout = 0ms}).find("timeout"), std::string::npos);
  EXPECT_NE(message({.name = ""}).find("empty"), std::string::npos);
}

TEST(PoolNodesTest, EachMemberIsANodeNamedAfterThePoolWithThePoolTag) {
  const DnsAnswer answer{.addresses = {"10.0.0.5", "fd00::5"}, .min_ttl = 0s};
  const probes::Tags tags = {{"role", "web"}, {"pool", "overridden"}};
  const std::vector<DiscoveredNode> nodes = PoolNodes("www.example.com", answer, tags);
  const probes::Tags want = {{"role", "web"}, {"pool", "www.example.com"}};
  EXPECT_EQ(nodes, (std::vector<DiscoveredNode>{
                       {"www.example.com[10.0.0.5]", "10.0.0.5", want, Lifecycle::kRunning},
                       {"www.example.com[fd00::5]", "fd00::5", want, Lifecycle::kRunning},
                   }));
  EXPECT_TRUE(PoolNodes("www.example.com", DnsAnswer{}, tags).empty());
}

}  // namespace
}  // namespace gs::collector::inventory
