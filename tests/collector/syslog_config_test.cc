// The syslog: section of the config, and byte sizes.
#include <gtest/gtest.h>

#include "collector/config/loader.h"
#include "collector/config/size.h"
#include "collector/syslog/listen_url.h"

namespace gs::collector {
namespace {

std::string AllErrors(std::string_view yaml) {
  auto r = LoadConfigText(yaml, "t.yaml");
  std::string out;
  if (r) return out;
  for (const auto& e : r.error()) out += e.ToString() + "\n";
  return out;
}

TEST(SizeTest, ParsesUnits) {
  EXPECT_EQ(*ParseSize("4096"), 4096u);
  EXPECT_EQ(*ParseSize("64KiB"), 65536u);
  EXPECT_EQ(*ParseSize("64KB"), 65536u);
  EXPECT_EQ(*ParseSize("32MiB"), 32u << 20);
  EXPECT_EQ(*ParseSize("1 GiB"), 1u << 30);
  EXPECT_FALSE(ParseSize("12x"));
  EXPECT_FALSE(ParseSize("KiB"));
  EXPECT_FALSE(ParseSize("-1"));
  EXPECT_FALSE(ParseSize("99999TiB"));
}

TEST(ListenUrlTest, ParsesTransportsAndAddresses) {
  auto udp = syslog::ParseListenUrl("udp://127.0.0.1:5514");
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->transport, syslog::ListenUrl::Transport::kUdp);
  EXPECT_EQ(udp->port, 5514);
  auto v6 = syslog::ParseListenUrl("tls://[::1]:6514");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->transport, syslog::ListenUrl::Transport::kTls);
  EXPECT_TRUE(v6->address.is_v6());
  EXPECT_TRUE(syslog::ParseListenUrl("tcp://localhost:601"));
  EXPECT_FALSE(syslog::ParseListenUrl("http://127.0.0.1:514"));
  EXPECT_FALSE(syslog::ParseListenUrl("udp://127.0.0.1"));
  EXPECT_FALSE(syslog::ParseListenUrl("udp://127.0.0.1:70000"));
  EXPECT_FALSE(syslog::ParseListenUrl("udp://logs.example.com:514"));
}

TEST(SyslogConfigTest, TheDesignExampleAndEveryKeyLoad) {
  auto r = LoadConfigText(R"(
syslog:
  listen: ["udp://127.0.0.1:5514", "tcp://127.0.0.1:5514", "tls://127.0.0.1:6514"]
  retention: 7d
  max_message_size: 8KiB
  flush_interval: 250ms
  udp_receive_buffer: 32MiB
  queue_size: 128MiB
  max_connections: 100
  compress: true
  tls: {cert_file: /c.pem, key_file: /k.pem, ca_file: /ca.pem, require_client_cert: true,
        allowed_subjects: [web01.example.com]}
user: nobody
)",
                          "t.yaml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_EQ(r->syslog.listen.size(), 3u);
  EXPECT_EQ(r->syslog.retention, std::chrono::hours(7 * 24));
  EXPECT_EQ(r->syslog.max_message_size, 8192u);
  EXPECT_EQ(r->syslog.flush_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(r->syslog.udp_receive_buffer, 32u << 20);
  EXPECT_EQ(r->syslog.max_connections, 100);
  EXPECT_TRUE(r->syslog.compress);
  EXPECT_TRUE(r->syslog.tls.require_client_cert);
  EXPECT_EQ(r->user, "nobody");
}

TEST(SyslogConfigTest, TheEmbeddedDefaultListensOnAnUnprivilegedPort) {
  auto r = LoadConfigText(DefaultConfigText(), "default");
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->syslog.listen.empty());
  for (const std::string& url : r->syslog.listen) {
    auto parsed = syslog::ParseListenUrl(url);
    ASSERT_TRUE(parsed) << url;
    EXPECT_GE(parsed->port, 1024);
  }
}

TEST(SyslogConfigTest, ProblemsAreReportedWithTheirKey) {
  const std::string errors = AllErrors(R"(
syslog:
  listen: ["udp://127.0.0.1:x", "tcp://127.0.0.1:601", "tcp://127.0.0.1:601", "tls://127.0.0.1:6514"]
  retention: 2h
  max_message_size: 10
  flush_interval: 5m
  udp_receive_buffer: lots
  bogus: 1
)");
  EXPECT_NE(errors.find("syslog.listen[0]: \"udp://127.0.0.1:x\": bad port"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("syslog.listen[2]"), std::string::npos) << errors;
  EXPECT_NE(errors.find("listed twice"), std::string::npos) << errors;
  EXPECT_NE(errors.find("syslog.retention: must be at least 1d"), std::string::npos) << errors;
  EXPECT_NE(errors.find("syslog.max_message_size: must be between"), std::string::npos) << errors;
  EXPECT_NE(errors.find("syslog.flush_interval"), std::string::npos) << errors;
  EXPECT_NE(errors.find("syslog.udp_receive_buffer: bad size"), std::string::npos) << errors;
  EXPECT_NE(errors.find("syslog.bogus"), std::string::npos) << errors;
  EXPECT_NE(errors.find("a tls:// listener needs cert_file and key_file"), std::string::npos)
      << errors;
}

TEST(SyslogConfigTest, UdpAndTcpMayShareAPort) {
  EXPECT_EQ(AllErrors("syslog: {listen: [\"udp://127.0.0.1:5514\", \"tcp://127.0.0.1:5514\"]}"),
            "");
}

}  // namespace
}  // namespace gs::collector
