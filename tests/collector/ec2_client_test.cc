// Ec2Client against tests/support/ec2_rx.py, a fake EC2 endpoint that checks every request's
// SigV4 signature with its own Python implementation, and Ec2Client::ToNodes.
#include "collector/inventory/ec2_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/peers.h"
#include "tests/support/python_peer.h"

namespace gs::collector::inventory {
namespace {

using namespace std::chrono_literals;
using test::FreePort;
using test::Process;
using test::PythonPeer;
using test::ReadFile;
using test::StartPythonPeer;
using test::TempDir;
using test::WaitUntil;
using test::WriteFile;

constexpr char kKeyId[] = "AKIAGSTESTEXAMPLE";  // what ec2_rx.py accepts
constexpr char kSecret[] = "gs/test+secret/EXAMPLEKEY";

// Sets one environment variable for a scope and restores it after.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old != nullptr) old_ = old;
    ::setenv(name, value, 1);
  }
  ~EnvVar() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string Instance(const std::string& id, const std::string& state, const std::string& ip,
                     const std::string& public_ip, const std::string& name) {
  return "<item><instanceId>" + id + "</instanceId><instanceState><name>" + state +
         "</name></instanceState><instanceType>t3.micro</instanceType><placement>"
         "<availabilityZone>eu-west-1a</availabilityZone></placement><privateIpAddress>" +
         ip + "</privateIpAddress>" +
         (public_ip.empty() ? "" : "<ipAddress>" + public_ip + "</ipAddress>") +
         "<tagSet><item><key>Name</key><value>" + name + "</value></item></tagSet></item>";
}

std::string Page(const std::string& instances, const std::string& next_token) {
  return "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
         "<requestId>r</requestId><reservationSet><item><instancesSet>" +
         instances + "</instancesSet></item></reservationSet>" +
         (next_token.empty() ? "" : "<nextToken>" + next_token + "</nextToken>") +
         "</DescribeInstancesResponse>";
}

class Ec2ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    peer_ = StartPythonPeer("ec2_rx.py", {dir_.path().string()}, dir_.path());
    ASSERT_TRUE(peer_.process) << ReadFile(dir_ / "stderr.log");
    port_ = peer_.port;
  }

  Ec2Options Options() const {
    Ec2Options options;
    options.name = "prod";
    options.region = "eu-west-1";
    options.endpoint = "http://127.0.0.1:" + std::to_string(port_);
    options.credentials.access_key_id = kKeyId;
    options.credentials.secret_access_key = kSecret;
    options.credentials.credentials_file = (dir_ / "no-credentials").string();
    options.credentials.imds_endpoint = "";
    return options;
  }

  // The form parameters of every request so far, in order.
  std::vector<nlohmann::json> Requests() const {
    std::vector<nlohmann::json> out;
    const std::string log = ReadFile(dir_ / "requests.log");
    for (std::size_t start = 0; start < log.size();) {
      const std::size_t end = log.find('\n', start);
      out.push_back(nlohmann::json::parse(log.substr(start, end - start)));
      start = end + 1;
    }
    return out;
  }

  TempDir dir_;
  PythonPeer peer_;
  int port_ = 0;
};

TEST_F(Ec2ClientTest, TwoPagesAreJoinedInOrder) {
  ASSERT_TRUE(WriteFile(dir_ / "page-first.xml",
                        Page(Instance("i-1", "running", "10.0.0.1", "", "web-1") +
                                 Instance("i-2", "running", "10.0.0.2", "", "web-2"),
                             "tok2")));
  ASSERT_TRUE(WriteFile(dir_ / "page-tok2.xml",
                        Page(Instance("i-3", "stopped", "10.0.0.3", "", "db-1"), "")));
  Ec2Client client(Options());
  const Result<std::vector<Ec2Instance>> all = client.DescribeAll();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[0].id, "i-1");
  EXPECT_EQ((*all)[2].id, "i-3");
  EXPECT_EQ((*all)[2].state, "stopped");
  const std::vector<nlohmann::json> requests = Requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_FALSE(requests[0].contains("NextToken"));
  EXPECT_EQ(requests[1].value("NextToken", ""), "tok2");
}

TEST_F(Ec2ClientTest, FiltersAndThePageSizeAreSentAsFormParametersAndTheSignatureIsAccepted) {
  ASSERT_TRUE(WriteFile(dir_ / "page-first.xml", Page("", "")));
  Ec2Options options = Options();
  options.filters = {{"tag:role", {"web", "a b+c/d"}}, {"instance-state-name", {"running"}}};
  options.page_size = 50;
  const Result<std::vector<Ec2Instance>> all = Ec2Client(options).DescribeAll();
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_TRUE(all->empty());
  const std::vector<nlohmann::json> requests = Requests();
  ASSERT_EQ(requests.size(), 1U);
  const nlohmann::json expected = {{"Action", "DescribeInstances"},
                                   {"Version", "2016-11-15"},
                                   {"MaxResults", "50"},
                                   {"Filter.1.Name", "tag:role"},
                                   {"Filter.1.Value.1", "web"},
                                   {"Filter.1.Value.2", "a b+c/d"},
                                   {"Filter.2.Name", "instance-state-name"},
                                   {"Filter.2.Value.1", "running"},
                                   {"_auth", "ok"},
                                   {"_signed", "content-type;host;x-amz-date"}};
  EXPECT_EQ(requests[0], expected);
}

TEST_F(Ec2ClientTest, SessionCredentialsSignTheSecurityTokenToo) {
  ASSERT_TRUE(WriteFile(dir_ / "page-first.xml", Page("", "")));
  Ec2Options options = Options();
  options.credentials.access_key_id = "";
  options.credentials.secret_access_key = "";
  const Result<std::vector<Ec2Instance>> all = [&] {
    const EnvVar id("AWS_ACCESS_KEY_ID", kKeyId);
    const EnvVar secret("AWS_SECRET_ACCESS_KEY", kSecret);
    const EnvVar token("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLE/token+with=chars");
    return Ec2Client(options).DescribeAll();
  }();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(Requests().size(), 1U);
  EXPECT_EQ(Requests()[0].value("_signed", ""),
            "content-type;host;x-amz-date;x-amz-security-token");
}

TEST_F(Ec2ClientTest, AWrongSecretIsRefusedWithAuthFailure) {
  ASSERT_TRUE(WriteFile(dir_ / "page-first.xml", Page("", "")));
  Ec2Options options = Options();
  options.credentials.secret_access_key = "not-the-secret";
  const Result<std::vector<Ec2Instance>> all = Ec2Client(options).DescribeAll();
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().message,
            "EC2 source prod (eu-west-1): DescribeInstances page 1: HTTP 403 AuthFailure: "
            "ec2_rx.py: signature mismatch");
}

TEST_F(Ec2ClientTest, ThrottlingIsAnErrorNamingRequestLimitExceededUntilItStops) {
  ASSERT_TRUE(WriteFile(dir_ / "page-first.xml",
                        Page(Instance("i-1", "running", "10.0.0.1", "", "a"), "")));
  ASSERT_TRUE(WriteFile(dir_ / "status", "503 RequestLimitExceeded\n"));
  Ec2Client client(Options());
  const Result<std::vector<Ec2Instance>> throttled = client.DescribeAll();
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().message,
            "EC2 source prod (eu-west-1): DescribeInstances page 1: HTTP 503 RequestLimitExceeded: "
            "injected by ec2_rx.py (throttled)");
  std::filesystem::remove(dir_ / "status");
  const Result<std::vector<Ec2Instance>> later = client.DescribeAll();
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->size(), 1U);
}

TEST_F(Ec2ClientTest, AMalformedPageIsAnErrorNamingThePage) {
  ASSERT_TRUE(WriteFile(dir_ / "page-first.xml",
                        Page(Instance("i-1", "running", "10.0.0.1", "", "a"), "p2")));
  ASSERT_TRUE(WriteFile(dir_ / "page-p2.xml", "<DescribeInstancesResponse><reservationSet>"));
  const Result<std::vector<Ec2Instance>> all = Ec2Client(Options()).DescribeAll();
  ASSERT_FALSE(all);
  EXPECT_TRUE(all.error().message.starts_with(
      "EC2 source prod (eu-west-1): DescribeInstances page 2: DescribeInstances answer is not "
      "well-formed XML"))
      << all.error().message;
}

TEST_F(Ec2ClientTest, MoreThanAThousandPagesIsAnError) {
  ASSERT_TRUE(WriteFile(dir_ / "page-first.xml", Page("", "again")));
  ASSERT_TRUE(WriteFile(dir_ / "page-again.xml", Page("", "again")));
  const Result<std::vector<Ec2Instance>> all = Ec2Client(Options()).DescribeAll();
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().message,
            "EC2 source prod (eu-west-1): DescribeInstances has more than 1000 pages; giving up");
  EXPECT_EQ(Requests().size(), 1000U);
}

TEST_F(Ec2ClientTest, AnUnreachableEndpointIsAnErrorNamingThePage) {
  Ec2Options options = Options();
  options.endpoint = "http://127.0.0.1:" + std::to_string(FreePort());
  const Result<std::vector<Ec2Instance>> all = Ec2Client(options).DescribeAll();
  ASSERT_FALSE(all);
  EXPECT_TRUE(
      all.error().message.starts_with("EC2 source prod (eu-west-1): DescribeInstances page 1: "))
      << all.error().message;
}

TEST(Ec2FormTest, ThePageSizeIsClampedAndValuesAreEncodedForTheForm) {
  Ec2Options options;
  options.page_size = 1;
  options.filters = {{"tag:Name", {"a b+c"}}};
  EXPECT_EQ(Ec2Client::FormBody(options, ""),
            "Action=DescribeInstances&Version=2016-11-15&MaxResults=5&Filter.1.Name=tag%3AName"
            "&Filter.1.Value.1=a%20b%2Bc");
  options.page_size = 5000;
  options.filters.clear();
  EXPECT_EQ(Ec2Client::FormBody(options, "t/=1"),
            "Action=DescribeInstances&Version=2016-11-15&MaxResults=1000&NextToken=t%2F%3D1");
}

Ec2Instance Make(std::string id, std::string state, std::string name) {
  Ec2Instance instance;
  instance.id = std::move(id);
  instance.type = "t3.micro";
  instance.availability_zone = "eu-west-1a";
  instance.state = std::move(state);
  instance.private_ip = "10.0.0." + instance.id.substr(2);
  instance.public_ip = "54.0.0." + instance.id.substr(2);
  if (!name.empty()) instance.tags["Name"] = std::move(name);
  return instance;
}

TEST(Ec2ToNodesTest, NamesComeFromTheNameTagElseTheIdAndCollisionsGetTheId) {
  const std::vector<Ec2Instance> instances = {
      Make("i-1", "running", "web"), Make("i-2", "running", "web"), Make("i-3", "running", "db"),
      Make("i-4", "running", "")};
  Ec2Options options;
  std::vector<DiscoveredNode> nodes = Ec2Client::ToNodes(instances, options);
  ASSERT_EQ(nodes.size(), 4U);
  EXPECT_EQ(nodes[0].name, "web-i-1");
  EXPECT_EQ(nodes[1].name, "web-i-2");
  EXPECT_EQ(nodes[2].name, "db");
  EXPECT_EQ(nodes[3].name, "i-4");
  options.name_tag = "";
  nodes = Ec2Client::ToNodes(instances, options);
  EXPECT_EQ(nodes[0].name, "i-1");
  EXPECT_EQ(nodes[2].name, "i-3");
}

TEST(Ec2ToNodesTest, TagsAreTheInstancesThenTheSourcesThenTheInstanceFacts) {
  Ec2Instance instance = Make("i-7", "running", "web");
  instance.tags["env"] = "staging";
  instance.tags["instance_type"] = "spoofed";
  Ec2Options options;
  options.tags = {{"env", "prod"}, {"source", "ec2"}};
  const std::vector<DiscoveredNode> nodes = Ec2Client::ToNodes({instance}, options);
  ASSERT_EQ(nodes.size(), 1U);
  EXPECT_EQ(nodes[0].tags, (probes::Tags{{"Name", "web"},
                                         {"env", "prod"},
                                         {"source", "ec2"},
                                         {"instance_id", "i-7"},
                                         {"instance_type", "t3.micro"},
                                         {"availability_zone", "eu-west-1a"},
                                         {"instance_state", "running"}}));
}

TEST(Ec2ToNodesTest, TheAddressIsPrivateOrPublicAndMayBeEmpty) {
  Ec2Instance without_public = Make("i-2", "running", "b");
  without_public.public_ip = "";
  const std::vector<Ec2Instance> instances = {Make("i-1", "running", "a"), without_public};
  Ec2Options options;
  std::vector<DiscoveredNode> nodes = Ec2Client::ToNodes(instances, options);
  EXPECT_EQ(nodes[0].address, "10.0.0.1");
  EXPECT_EQ(nodes[1].address, "10.0.0.2");
  options.public_address = true;
  nodes = Ec2Client::ToNodes(instances, options);
  EXPECT_EQ(nodes[0].address, "54.0.0.1");
  EXPECT_EQ(nodes[1].address, "");
  EXPECT_EQ(nodes[1].lifecycle, Lifecycle::kRunning);
}

TEST(Ec2ToNodesTest, EveryEc2StateMapsToItsLifecycle) {
  const std::vector<std::pair<std::string, Lifecycle>> cases = {
      {"pending", Lifecycle::kPending},          {"running", Lifecycle::kRunning},
      {"stopping", Lifecycle::kStopping},        {"stopped", Lifecycle::kStopped},
      {"shutting-down", Lifecycle::kTerminated}, {"terminated", Lifecycle::kTerminated},
      {"rebooting-someday", Lifecycle::kPending}};
  for (const auto& [state, lifecycle] : cases) {
    const std::vector<DiscoveredNode> nodes =
        Ec2Client::ToNodes({Make("i-1", state, "n")}, Ec2Options{});
    EXPECT_EQ(nodes[0].lifecycle, lifecycle) << state;
    EXPECT_EQ(nodes[0].tags.at("instance_state"), state);
  }
}

}  // namespace
}  // namespace gs::collector::inventory
