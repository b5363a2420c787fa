// The inventory: section (nodes file, EC2 sources, DNS pools, self-registration), the nodes
// file loader, and secret files: each key read into its value, each mistake one clear error.
#include <gtest/gtest.h>

#include <fstream>

#include "collector/config/loader.h"
#include "tests/collector/config_test_support.h"
#include "tests/support/peers.h"

namespace gs::collector {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(InventoryConfigTest, EverySourceReadsItsKeys) {
  test::TempDir dir;
  std::ofstream(dir / "secret") << "wJalrXUtnFEMI\n";
  const Config c = Load(R"(
inventory:
  file: /etc/groundstation/nodes.yaml
  file_check: 2s
  ec2:
    - name: prod
      region: eu-west-1
      endpoint: "http://127.0.0.1:9999"
      filters: {"tag:role": [web, db], instance-state-name: running}
      address: public
      name_tag: Hostname
      tags: {env: production}
      refresh: 2m
      timeout: 5s
      verify_tls: false
      access_key_id: AKIDEXAMPLE
      secret_access_key_file: )" +
                        (dir / "secret").string() + R"(
      profile: ops
      credentials_file: /root/.aws/credentials
      imds_endpoint: ""
  dns:
    - {name: www.example.com, server: "127.0.0.1:5353", ipv6: false, tags: {role: web}, refresh: 10s}
  register: {expire_after: 10m, max_nodes: 50, tags: {via: boot}}
)");
  const InventoryConfig& inv = c.inventory;
  EXPECT_EQ(inv.file, "/etc/groundstation/nodes.yaml");
  EXPECT_EQ(inv.file_check, seconds(2));
  ASSERT_EQ(inv.ec2.size(), 1u);
  const Ec2SourceConfig& e = inv.ec2[0];
  EXPECT_EQ(e.name, "prod");
  EXPECT_EQ(e.region, "eu-west-1");
  EXPECT_EQ(e.endpoint, "http://127.0.0.1:9999");
  using Filters = std::vector<std::pair<std::string, std::vector<std::string>>>;
  EXPECT_EQ(e.filters,
            (Filters{{"tag:role", {"web", "db"}}, {"instance-state-name", {"running"}}}));
  EXPECT_TRUE(e.public_address);
  EXPECT_EQ(e.name_tag, "Hostname");
  EXPECT_EQ(e.tags.at("env"), "production");
  EXPECT_EQ(e.refresh, seconds(120));
  EXPECT_EQ(e.timeout, seconds(5));
  EXPECT_FALSE(e.verify_tls);
  EXPECT_EQ(e.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(e.secret_access_key, "wJalrXUtnFEMI");
  EXPECT_EQ(e.profile, "ops");
  EXPECT_EQ(e.credentials_file, "/root/.aws/credentials");
  EXPECT_EQ(e.imds_endpoint, "");
  ASSERT_EQ(inv.dns.size(), 1u);
  EXPECT_EQ(inv.dns[0].name, "www.example.com");
  EXPECT_EQ(inv.dns[0].server, "127.0.0.1:5353");
  EXPECT_TRUE(inv.dns[0].ipv4);
  EXPECT_FALSE(inv.dns[0].ipv6);
  EXPECT_EQ(inv.dns[0].refresh, seconds(10));
  EXPECT_TRUE(inv.registration.enabled);
  EXPECT_EQ(inv.registration.expire_after, seconds(600));
  EXPECT_EQ(inv.registration.max_nodes, 50u);
  EXPECT_EQ(inv.registration.tags.at("via"), "boot");
}

TEST(InventoryConfigTest, DefaultsAndBareRegister) {
  const Config c = Load("inventory:\n  ec2: [{name: a}]\n  register:\n");
  EXPECT_EQ(c.inventory.ec2[0].region, "us-east-1");
  EXPECT_FALSE(c.inventory.ec2[0].public_address);
  EXPECT_EQ(c.inventory.ec2[0].name_tag, "Name");
  EXPECT_EQ(c.inventory.ec2[0].imds_endpoint, "http://169.254.169.254");
  EXPECT_TRUE(c.inventory.registration.enabled);
  EXPECT_EQ(c.inventory.registration.expire_after, std::chrono::minutes(15));
  EXPECT_FALSE(Load("").inventory.registration.enabled);
}

TEST(InventoryConfigTest, MistakesAreNamed) {
  EXPECT_TRUE(Refused("inventory: {bogus: 1}", "inventory.bogus"));
  EXPECT_TRUE(Refused("inventory: {ec2: [{region: x}]}", "inventory.ec2[0].name: is required"));
  EXPECT_TRUE(Refused("inventory: {ec2: [{name: a}, {name: a}]}", "duplicate name"));
  EXPECT_TRUE(Refused("inventory: {ec2: [{name: a, address: elastic}]}", "private or public"));
  EXPECT_TRUE(Refused("inventory: {ec2: [{name: a, endpoint: ftp://x}]}", "http://"));
  EXPECT_TRUE(Refused("inventory: {ec2: [{name: a, refresh: 0s}]}", "between 1s and 24h"));
  EXPECT_TRUE(Refused("inventory: {ec2: [{name: a, access_key_id: AK}]}", "go together"));
  EXPECT_TRUE(Refused("inventory: {ec2: [{name: a, filters: {x: []}}]}", "at least one value"));
  EXPECT_TRUE(Refused("inventory: {dns: [{name: \"bad name\"}]}", "not a DNS host name"));
  EXPECT_TRUE(
      Refused("inventory: {dns: [{name: a.example}, {name: a.example}]}", "duplicate pool"));
  EXPECT_TRUE(
      Refused("inventory: {dns: [{name: a.example, ipv4: false, ipv6: false}]}", "both off"));
  EXPECT_TRUE(Refused("inventory: {dns: [{name: a.example, tags: {pool: x}}]}", "tags.pool"));
  EXPECT_TRUE(Refused("inventory: {register: {expire_after: 1s}}", "between 10s and 30d"));
  EXPECT_TRUE(Refused("inventory: {register: {max_nodes: 0}}", "max_nodes"));
}

TEST(InventoryConfigTest, SecretFilesMustBeSmallRegularFiles) {
  test::TempDir dir;
  EXPECT_TRUE(
      Refused("inventory: {ec2: [{name: a, access_key_id: AK, secret_access_key_file: "
              "/dev/zero}]}",
              "\"/dev/zero\" is not a regular file"));
  std::ofstream(dir / "big") << std::string(70'000, 'x');
  EXPECT_TRUE(Refused("inventory: {ec2: [{name: a, access_key_id: AK, secret_access_key_file: " +
                          (dir / "big").string() + "}]}",
                      "larger than 64 KiB"));
  EXPECT_TRUE(
      Refused("notifiers: [{name: n, kind: webhook, url: \"http://x/\", "
              "bearer_token_file: /nonexistent}]",
              "cannot read \"/nonexistent\""));
}

TEST(NodesFileTest, AListOrANodesMapWithErrorsNamed) {
  auto list = LoadNodesText("- {name: web01, address: 10.0.0.1, tags: {role: web}}\n", "n.yaml");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].tags.at("role"), "web");
  auto map = LoadNodesText("nodes:\n  - {name: a}\n  - {name: b}\n", "n.yaml");
  ASSERT_TRUE(map);
  EXPECT_EQ(map->size(), 2u);
  EXPECT_EQ((*map)[0].address, "a");
  EXPECT_TRUE(LoadNodesText("", "n.yaml").has_value());
  auto bad = LoadNodesText("- {name: a}\n- {name: a, color: red}\n", "n.yaml");
  ASSERT_FALSE(bad);
  std::string all;
  for (const auto& e : bad.error()) all += e.ToString() + "\n";
  EXPECT_NE(all.find("n.yaml:2:"), std::string::npos) << all;
  EXPECT_NE(all.find("duplicate name"), std::string::npos) << all;
  EXPECT_NE(all.find("color"), std::string::npos) << all;
  EXPECT_FALSE(LoadNodesText("[unclosed", "n.yaml"));
  EXPECT_FALSE(LoadNodesFile("/dev/null"));  // not a regular file
  EXPECT_FALSE(LoadNodesFile("/nonexistent/nodes.yaml"));
}

}  // namespace
}  // namespace gs::collector
