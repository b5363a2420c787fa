#include "collector/scheduler.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace gs::collector {
namespace {

using std::chrono::milliseconds;

// Answers each run at once (OK) or holds it until Release().
class FakeRunner : public ProbeRunner {
 public:
  bool Run(const JobSpec& job, Done done) override {
    if (reject) return false;
    runs.push_back(job.target->name + "/" + job.check->name);
    if (hold) {
      held.push_back(std::move(done));
    } else {
      probes::CheckResult r;
      r.state = next_state;
      done(std::move(r));
    }
    return true;
  }
  void Release() {
    for (auto& d : held) d(probes::CheckResult{});
    held.clear();
  }
  std::vector<std::string> runs;
  std::vector<Done> held;
  bool hold = false;
  bool reject = false;
  probes::State next_state = probes::State::kOk;
};

std::shared_ptr<const CheckConfig> Check(std::string name, milliseconds interval) {
  auto c = std::make_shared<CheckConfig>();
  c->name = std::move(name);
  c->kind = "http";
  c->interval = interval;
  c->retry_interval = milliseconds(10);
  return c;
}

JobSpec Job(std::string node, std::shared_ptr<const CheckConfig> check) {
  return JobSpec{
      std::make_shared<const probes::Target>(probes::Target{std::move(node), "127.0.0.1", {}}),
      std::move(check)};
}

// Runs the loop until `done` holds or 10 s pass (a deadline, not a timing assertion).
template <typename Pred>
bool RunUntil(boost::asio::io_context& io, Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(milliseconds(5));
    if (io.stopped()) io.restart();
  }
  return done();
}

// Lets `d` of wall time pass with the loop running (run_for alone returns at once when the
// loop has nothing to do, e.g. while every job is held).
void Pass(boost::asio::io_context& io, milliseconds d) {
  bool fired = false;
  boost::asio::steady_timer t(io, d);
  t.async_wait([&](boost::system::error_code) { fired = true; });
  RunUntil(io, [&] { return fired; });
}

class SchedulerTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  FakeRunner runner;
  std::vector<std::string> results;
  std::vector<JobKey> removed;
  bool soft = false;
  Scheduler scheduler{io, runner,
                      [this](const JobSpec& j, const probes::CheckResult&) {
                        results.push_back(j.target->name);
                        return soft;
                      },
                      [this](const JobKey& k) { removed.push_back(k); }};
};

TEST_F(SchedulerTest, RunsEveryJobRepeatedly) {
  auto check = Check("c", milliseconds(50));
  scheduler.Apply({Job("a", check), Job("b", check)});
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() >= 6; }));
  EXPECT_GE(std::count(results.begin(), results.end(), "a"), 2);
  EXPECT_GE(std::count(results.begin(), results.end(), "b"), 2);
}

TEST_F(SchedulerTest, NeverOverlapsAJobWithItself) {
  runner.hold = true;
  scheduler.Apply({Job("a", Check("c", milliseconds(20)))});
  ASSERT_TRUE(RunUntil(io, [&] { return runner.runs.size() == 1; }));
  // Several intervals pass while the run is held: no second run starts.
  Pass(io, milliseconds(100));
  EXPECT_EQ(runner.runs.size(), 1u);
  EXPECT_EQ(scheduler.running(), 1u);
  runner.Release();
  ASSERT_TRUE(RunUntil(io, [&] { return runner.runs.size() >= 2; }));
  EXPECT_GT(scheduler.counters().at("http").skipped_overlap, 0u);
}

TEST_F(SchedulerTest, CountsRunsRejectedByAFullProbeQueue) {
  runner.reject = true;
  scheduler.Apply({Job("a", Check("c", milliseconds(20)))});
  ASSERT_TRUE(RunUntil(io, [&] {
    auto it = scheduler.counters().find("http");
    return it != scheduler.counters().end() && it->second.skipped_rejected >= 2;
  }));
  EXPECT_TRUE(results.empty());
}

TEST_F(SchedulerTest, ReloadKeepsUnchangedJobsAndStopsRemovedOnes) {
  auto check = Check("c", std::chrono::hours(1));  // first runs spread over an hour
  scheduler.Apply({Job("a", check), Job("b", check)});
  EXPECT_EQ(scheduler.size(), 2u);
  scheduler.Apply({Job("a", check), Job("c", check)});
  EXPECT_EQ(scheduler.size(), 2u);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0], (JobKey{"b", "c"}));
}

TEST_F(SchedulerTest, SpreadsFirstRunsOverTheInterval) {
  // With a 1 h interval and 4 jobs, at most one may start within the first few ms: the rest
  // are due a quarter, a half and three quarters of an hour later.
  auto check = Check("c", std::chrono::hours(1));
  scheduler.Apply({Job("a", check), Job("b", check), Job("c", check), Job("d", check)});
  Pass(io, milliseconds(50));
  EXPECT_LE(runner.runs.size(), 1u);
}

TEST_F(SchedulerTest, RetriesAtTheRetryIntervalWhileSoft) {
  soft = true;
  scheduler.Apply({Job("a", Check("c", std::chrono::hours(1)))});
  ASSERT_TRUE(scheduler.RunNow({"a", "c"}));
  // Only the retry interval (10 ms) can bring further runs before an hour passes.
  ASSERT_TRUE(RunUntil(io, [&] { return results.size() >= 3; }));
  soft = false;
  const std::size_t settled = results.size();
  Pass(io, milliseconds(100));
  EXPECT_LE(results.size(), settled + 1);  // back on the hourly schedule
}

TEST_F(SchedulerTest, RunNowOfAnUnknownJobIsRefused) {
  EXPECT_FALSE(scheduler.RunNow({"nope", "c"}));
}

TEST(CoalescedDueTest, RoundsUpToOneThousandthOfTheIntervalAtMostFiftyMilliseconds) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point due{std::chrono::nanoseconds(123'456'789'012)};
  // 60 s interval: a 50 ms grid.
  const auto fired = CoalescedDue(due, milliseconds(60'000));
  EXPECT_GE(fired, due);
  EXPECT_LT(fired - due, milliseconds(50));
  EXPECT_EQ(fired.time_since_epoch() % milliseconds(50), Clock::duration::zero());
  // Every due time in one 50 ms slot fires together.
  EXPECT_EQ(CoalescedDue(due + milliseconds(10), milliseconds(60'000)), fired);
  // 10 s interval: a 10 ms grid.
  const auto ten = CoalescedDue(due, milliseconds(10'000));
  EXPECT_GE(ten, due);
  EXPECT_LT(ten - due, milliseconds(10));
  EXPECT_EQ(ten.time_since_epoch() % milliseconds(10), Clock::duration::zero());
  // Already on the grid, or an interval under a second: exactly when due.
  EXPECT_EQ(CoalescedDue(fired, milliseconds(60'000)), fired);
  EXPECT_EQ(CoalescedDue(due, milliseconds(999)), due);
}

}  // namespace
}  // namespace gs::collector
