// The config of the probe kinds beyond http and disk: exec, heartbeat, mysql (and the kinds
// list in the unknown-kind error).
#include <gtest/gtest.h>

#include "collector/config/loader.h"

namespace gs::collector {
namespace {

using namespace std::chrono_literals;

Result<Config> Load(const std::string& checks) {
  auto r = LoadConfigText(
      "data_dir: /tmp/gs\nnodes:\n  - {name: db01, address: 10.0.0.7}\n"
      "checks:\n" +
          checks,
      "test.yaml");
  if (r) return *r;
  std::string all;
  for (const auto& e : r.error()) all += e.ToString() + "\n";
  return Fail(all);
}

TEST(CheckKindsConfigTest, ExecTakesACommandListWithTemplates) {
  auto c = Load(
      "  - {name: load, kind: exec, command: [check_nrpe_like, -H, \"{address}\"], "
      "output_limit: 4KiB}\n");
  ASSERT_TRUE(c) << c.error().message;
  const auto& exec = std::get<ExecCheckOptions>(c->checks[0].options);
  EXPECT_EQ(exec.command, (std::vector<std::string>{"check_nrpe_like", "-H", "{address}"}));
  EXPECT_EQ(exec.output_limit, 4096U);
  EXPECT_EQ(c->checks[0].max_attempts, 3);
}

TEST(CheckKindsConfigTest, ExecErrorsNameTheKey) {
  auto missing = Load("  - {name: x, kind: exec}\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("checks[0].command: is required for kind exec"),
            std::string::npos)
      << missing.error().message;
  auto bad = Load("  - {name: x, kind: exec, command: [a, \"{nope}\"], output_limit: 1MiB}\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("checks[0].command[1]"), std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("checks[0].output_limit: must be between 256 and 65536"),
            std::string::npos)
      << bad.error().message;
}

TEST(CheckKindsConfigTest, HeartbeatNeedsMaxAgeAndIsHardAtOnce) {
  auto c = Load("  - {name: backup, kind: heartbeat, max_age: 25h}\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(std::get<HeartbeatCheckOptions>(c->checks[0].options).max_age, 25h);
  EXPECT_EQ(c->checks[0].max_attempts, 1);
  auto explicit_attempts = Load("  - {name: b, kind: heartbeat, max_age: 1h, max_attempts: 2}\n");
  ASSERT_TRUE(explicit_attempts);
  EXPECT_EQ(explicit_attempts->checks[0].max_attempts, 2);
  auto missing = Load("  - {name: backup, kind: heartbeat}\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("checks[0].max_age: is required for kind heartbeat"),
            std::string::npos);
}

TEST(CheckKindsConfigTest, MysqlOptionsAndThresholds) {
  auto c = Load(R"(  - name: db
    kind: mysql
    timeout: 5s
    port: 3307
    credentials_file: /etc/groundstation/mysql.cnf
    tls: verify
    ca_file: /etc/ssl/ca.pem
    replication: true
    query: "SELECT COUNT(*) FROM app.jobs"
    warning: {lag: 30s, connections_percent: 80, uptime: 10m, value: "100", connect_time: 0.5s}
    critical: {lag: 5m, connections_percent: 95, value: "@500:1000"}
)");
  ASSERT_TRUE(c) << c.error().message;
  const auto& spec = std::get<MysqlCheckOptions>(c->checks[0].options).spec;
  EXPECT_EQ(spec.host, "{address}");
  EXPECT_EQ(spec.port, 3307);
  EXPECT_EQ(spec.tls, probes::MysqlTls::kVerify);
  EXPECT_TRUE(spec.replication);
  EXPECT_EQ(spec.warn_lag.text(), "30");
  EXPECT_EQ(spec.crit_lag.text(), "300");
  EXPECT_EQ(spec.warn_connect.text(), "0.5");
  EXPECT_EQ(spec.crit_value.text(), "@500:1000");
  EXPECT_EQ(spec.connections_warn_percent, 80);
  EXPECT_EQ(spec.uptime_warn_seconds, 600);
  EXPECT_EQ(spec.timeout, 5s);
}

TEST(CheckKindsConfigTest, APasswordInTheConfigIsRefused) {
  auto c = Load("  - {name: db, kind: mysql, credentials_file: /x, password: secret}\n");
  ASSERT_FALSE(c);
  const std::string& e = c.error().message;
  EXPECT_NE(e.find("checks[0].password: unknown key"), std::string::npos) << e;
}

TEST(CheckKindsConfigTest, MysqlValidatesEveryField) {
  auto c = Load(R"(  - name: db
    kind: mysql
    tls: maybe
    expect_regex: "(x"
    warning: {value: "20:10"}
)");
  ASSERT_FALSE(c);
  const std::string& e = c.error().message;
  EXPECT_NE(e.find("checks[0].credentials_file: is required for kind mysql"), std::string::npos)
      << e;
  EXPECT_NE(e.find("checks[0].tls: must be off, required or verify"), std::string::npos) << e;
  EXPECT_NE(e.find("checks[0].expect_regex: invalid regex"), std::string::npos) << e;
  EXPECT_NE(e.find("checks[0].warning.value"), std::string::npos) << e;
}

TEST(CheckKindsConfigTest, TcpAndTlsOptions) {
  auto c = Load(R"(  - {name: smtp, kind: tcp, port: 25, send: "EHLO x\r\n", expect: "^250",
     warning: {time: 0.2s}, critical: {time: 1s}}
  - {name: cert, kind: tls, host: "{name}.example.com", port: 443, sni: "www.example.com",
     verify_hostname: false, critical: {cert_days: 3}}
)");
  ASSERT_TRUE(c) << c.error().message;
  const auto& tcp = std::get<TcpCheckOptions>(c->checks[0].options).spec;
  EXPECT_EQ(tcp.host, "{address}");
  EXPECT_EQ(tcp.port, 25);
  EXPECT_EQ(tcp.send, "EHLO x\r\n");
  EXPECT_EQ(tcp.expect_regex, "^250");
  EXPECT_EQ(tcp.warn_time.text(), "0.2");
  EXPECT_FALSE(tcp.tls);
  const auto& tls = std::get<TcpCheckOptions>(c->checks[1].options).spec;
  EXPECT_TRUE(tls.tls);
  EXPECT_EQ(tls.host, "{name}.example.com");
  EXPECT_FALSE(tls.verify_hostname);
  EXPECT_TRUE(tls.verify_chain);
  EXPECT_EQ(tls.cert_warn_days, 30);  // the default
  EXPECT_EQ(tls.cert_crit_days, 3);
}

TEST(CheckKindsConfigTest, TcpNeedsAPortAndCertDaysAreForTlsOnly) {
  auto c = Load("  - {name: t, kind: tcp, critical: {cert_days: 3}}\n");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("checks[0].port: is required for kind tcp"), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("checks[0].critical.cert_days: unknown key"), std::string::npos)
      << c.error().message;
}

TEST(CheckKindsConfigTest, NrpeOptions) {
  auto c = Load(R"(  - {name: load, kind: nrpe, command: check_load, port: 5667, tls: certificate,
     cert_file: /c.crt, key_file: /c.key, ca_file: /ca.crt, version: "2", timeout_state: unknown,
     args: ["{name}"]}
  - {name: plain, kind: nrpe, command: check_disk, tls: none}
)");
  ASSERT_TRUE(c) << c.error().message;
  const auto& a = std::get<NrpeCheckOptions>(c->checks[0].options).spec;
  EXPECT_EQ(a.host, "{address}");
  EXPECT_EQ(a.port, 5667);
  EXPECT_EQ(a.command, "check_load");
  EXPECT_EQ(a.args, std::vector<std::string>{"{name}"});
  EXPECT_EQ(a.tls, probes::NrpeCheckSpec::Tls::kCertificate);
  EXPECT_EQ(a.version, 2);
  EXPECT_TRUE(a.timeout_unknown);
  const auto& b = std::get<NrpeCheckOptions>(c->checks[1].options).spec;
  EXPECT_EQ(b.tls, probes::NrpeCheckSpec::Tls::kNone);
  EXPECT_EQ(b.version, 0);
}

TEST(CheckKindsConfigTest, NrpeErrors) {
  auto c = Load(R"(  - {name: x, kind: nrpe, tls: adh, ca_file: /ca.crt, version: "5",
     timeout_state: ok}
)");
  ASSERT_FALSE(c);
  const std::string& e = c.error().message;
  EXPECT_NE(e.find("checks[0].command: is required for kind nrpe"), std::string::npos) << e;
  EXPECT_NE(e.find("need tls: certificate"), std::string::npos) << e;
  EXPECT_NE(e.find("checks[0].version: must be auto, 2, 3 or 4"), std::string::npos) << e;
  EXPECT_NE(e.find("checks[0].timeout_state: must be critical or unknown"), std::string::npos) << e;
}

TEST(CheckKindsConfigTest, AnUnknownKindListsEveryKind) {
  auto c = Load("  - {name: x, kind: ftp}\n");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("unknown check kind \"ftp\" (http, tcp, tls, mysql, disk"),
            std::string::npos)
      << c.error().message;
}

}  // namespace
}  // namespace gs::collector
