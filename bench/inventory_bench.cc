// inventory_bench: one EC2 refresh of a large fleet, as the daemon does it: parse every
// DescribeInstances page (pugixml), turn instances into nodes, merge them into the inventory,
// plan the jobs (checks x nodes by selector) and apply them to the scheduler (timers armed,
// removed jobs cancelled). The HTTP transfer is left out: that is the cloud API's time.
//
//   inventory_bench [INSTANCES=10000] [CHECKS=3] [ROUNDS=10]
//
// Round 1 is a cold start (every node new); rounds 2..ROUNDS are steady refreshes in which
// 5% of the fleet is replaced (terminated instances, new ones launched) and 5% changes state.
// Prints the time of each round's phases, the memory held afterwards (VmRSS minus VmRSS once
// the input pages exist: inventory, jobs, timers) and the round's peak above what was
// resident when it started (VmHWM, reset through /proc/self/clear_refs before each round).
// bench/inventory.sh runs it.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "collector/inventory/ec2_client.h"
#include "collector/inventory/ec2_xml.h"
#include "collector/inventory/inventory.h"
#include "collector/inventory/plan.h"
#include "collector/scheduler.h"

namespace gs::collector::inventory {
namespace {

using Clock = std::chrono::steady_clock;

// Never runs anything: the benchmark is about planning, and the io_context is only polled.
class NoRunner : public ProbeRunner {
 public:
  bool Run(const JobSpec&, Done) override { return false; }
};

long StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::atol(line.c_str() + prefix.size());
  }
  return -1;
}

// One instance as EC2 describes it, with the nesting that makes real pages big (network
// interfaces with their own addresses, security groups, block devices, tags).
std::string Instance(int id, const std::string& state) {
  const std::string n = std::to_string(id);
  const std::string ip = "10." + std::to_string(id / 65536 % 256) + "." +
                         std::to_string(id / 256 % 256) + "." + std::to_string(id % 256);
  const char* role = id % 3 == 0 ? "db" : "web";
  return "<item><instanceId>i-" + n +
         "</instanceId><imageId>ami-0abcdef1234567890</imageId>"
         "<instanceState><code>16</code><name>" +
         state +
         "</name></instanceState>"
         "<privateDnsName>ip-" +
         n +
         ".eu-west-1.compute.internal</privateDnsName>"
         "<dnsName></dnsName><reason/><keyName>ops</keyName><amiLaunchIndex>0</amiLaunchIndex>"
         "<instanceType>m6i.large</instanceType><launchTime>2026-11-01T10:00:00.000Z</launchTime>"
         "<placement><availabilityZone>eu-west-1" +
         std::string(1, static_cast<char>('a' + id % 3)) +
         "</availabilityZone><tenancy>default</tenancy></placement>"
         "<monitoring><state>disabled</state></monitoring><subnetId>subnet-1</subnetId>"
         "<vpcId>vpc-1</vpcId><privateIpAddress>" +
         ip +
         "</privateIpAddress>"
         "<groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item></groupSet>"
         "<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>"
         "<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-" +
         n +
         "</volumeId><status>attached</status></ebs></item></blockDeviceMapping>"
         "<networkInterfaceSet><item><networkInterfaceId>eni-" +
         n +
         "</networkInterfaceId>"
         "<subnetId>subnet-1</subnetId><privateIpAddress>" +
         ip +
         "</privateIpAddress>"
         "<privateIpAddressesSet><item><privateIpAddress>" +
         ip +
         "</privateIpAddress>"
         "<primary>true</primary></item></privateIpAddressesSet></item></networkInterfaceSet>"
         "<tagSet><item><key>Name</key><value>node-" +
         n +
         "</value></item>"
         "<item><key>role</key><value>" +
         role +
         "</value></item>"
         "<item><key>env</key><value>production</value></item>"
         "<item><key>team</key><value>platform</value></item>"
         "<item><key>cost-center</key><value>cc-42</value></item></tagSet></item>";
}

// The fleet as pages of 1,000, each a DescribeInstancesResponse with a nextToken but the last.
std::vector<std::string> Pages(const std::vector<std::pair<int, std::string>>& fleet) {
  std::vector<std::string> pages;
  for (std::size_t start = 0; start < fleet.size(); start += 1000) {
    std::string page =
        "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
        "<requestId>bench</requestId><reservationSet>";
    for (std::size_t i = start; i < std::min(fleet.size(), start + 1000); i += 10) {
      page += "<item><reservationId>r-" + std::to_string(i) + "</reservationId><instancesSet>";
      for (std::size_t j = i; j < std::min({fleet.size(), start + 1000, i + 10}); ++j) {
        page += Instance(fleet[j].first, fleet[j].second);
      }
      page += "</instancesSet></item>";
    }
    page += "</reservationSet>";
    if (start + 1000 < fleet.size())
      page += "<nextToken>t" + std::to_string(start) + "</nextToken>";
    pages.push_back(page + "</DescribeInstancesResponse>");
  }
  return pages;
}

std::vector<CheckConfig> Checks(int count) {
  std::vector<CheckConfig> checks;
  using Kind = probes::Selector::Condition::Kind;
  for (int i = 0; i < count; ++i) {
    CheckConfig c;
    c.name = "check" + std::to_string(i);
    c.kind = "http";
    c.interval = std::chrono::seconds(60);
    if (i % 3 == 0) c.select = probes::Selector({{"role", Kind::kEquals, {"web"}}});
    if (i % 3 == 1) c.select = probes::Selector({{"env", Kind::kOneOf, {"production", "staging"}}});
    checks.push_back(std::move(c));
  }
  return checks;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int Main(int argc, char** argv) {
  const int instances = argc > 1 ? std::atoi(argv[1]) : 10'000;
  const int check_count = argc > 2 ? std::atoi(argv[2]) : 3;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 10;
  if (instances <= 0 || check_count <= 0 || rounds <= 0 || instances > 1'000'000) {
    std::fprintf(stderr, "usage: inventory_bench [INSTANCES] [CHECKS] [ROUNDS]\n");
    return 2;
  }
  // Every round's input, made before the measurement.
  std::vector<std::vector<std::string>> inputs;
  std::vector<std::pair<int, std::string>> fleet;
  for (int i = 0; i < instances; ++i) fleet.emplace_back(i, "running");
  int next_id = instances;
  for (int r = 0; r < rounds; ++r) {
    if (r > 0) {
      for (int k = 0; k < instances / 20; ++k) {  // 5% replaced, 5% change state
        fleet[static_cast<std::size_t>((r * 7919 + k * 104729) % instances)] = {next_id++,
                                                                                "running"};
        auto& other = fleet[static_cast<std::size_t>((r * 15485863 + k * 32452843) % instances)];
        other.second = other.second == "running" ? "stopped" : "running";
      }
    }
    inputs.push_back(Pages(fleet));
  }
  std::size_t page_bytes = 0;
  for (const std::string& p : inputs.front()) page_bytes += p.size();

  const std::vector<CheckConfig> checks = Checks(check_count);
  Ec2Options options;
  options.name = "bench";
  boost::asio::io_context io;
  NoRunner runner;
  std::size_t removed = 0;
  Scheduler scheduler(
      io, runner, [](const JobSpec&, const probes::CheckResult&) { return false; },
      [&](const JobKey&) { ++removed; });
  Inventory inventory;
  inventory.SetSources({{"config", 0, true}, {"ec2:bench", 1, false}});

  const long rss_before = StatusKb("VmRSS");
  std::printf("instances %d checks %d pages/round %zu page_bytes %zu\n", instances, check_count,
              inputs.front().size(), page_bytes);
  std::printf(
      "round parse_ms merge_ms plan_ms schedule_ms total_ms nodes jobs removed held_mb "
      "refresh_peak_mb\n");
  for (int r = 0; r < rounds; ++r) {
    { std::ofstream("/proc/self/clear_refs") << "5"; }
    const long rss_round = StatusKb("VmRSS");
    const auto t0 = Clock::now();
    std::vector<Ec2Instance> all;
    for (const std::string& page : inputs[static_cast<std::size_t>(r)]) {
      auto parsed = ParseDescribeInstances(page);
      if (!parsed) {
        std::fprintf(stderr, "parse: %s\n", parsed.error().message.c_str());
        return 1;
      }
      all.insert(all.end(), std::make_move_iterator(parsed->instances.begin()),
                 std::make_move_iterator(parsed->instances.end()));
    }
    const auto t1 = Clock::now();
    inventory.Update("ec2:bench", Ec2Client::ToNodes(std::move(all), options),
                     std::chrono::system_clock::now());
    const auto t2 = Clock::now();
    std::vector<JobSpec> jobs = PlanJobs(checks, inventory.nodes());
    const std::size_t job_count = jobs.size();
    const auto t3 = Clock::now();
    removed = 0;
    scheduler.Apply(std::move(jobs));
    io.poll();  // the cancelled timers' handlers
    io.restart();
    const auto t4 = Clock::now();
    // held: what the inventory, the jobs and the timers keep; refresh peak: the most this
    // refresh used above what was resident when it started.
    const double held = static_cast<double>(StatusKb("VmRSS") - rss_before) / 1024.0;
    const double peak = static_cast<double>(StatusKb("VmHWM") - rss_round) / 1024.0;
    std::printf("%d %.1f %.1f %.1f %.1f %.1f %zu %zu %zu %.1f %.1f\n", r + 1, Ms(t1 - t0),
                Ms(t2 - t1), Ms(t3 - t2), Ms(t4 - t3), Ms(t4 - t0), inventory.nodes().size(),
                job_count, removed, held, peak);
  }
  scheduler.Stop();
  return 0;
}

}  // namespace
}  // namespace gs::collector::inventory

int main(int argc, char** argv) { return gs::collector::inventory::Main(argc, argv); }
