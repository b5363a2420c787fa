// Worker: tasks run in order on one thread; the idle hook runs once the queue is empty, so
// tasks queued behind a slow one are committed together.
#include "collector/worker.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace gs::collector {
namespace {

TEST(WorkerTest, TheIdleHookRunsOnceForTasksQueuedTogether) {
  std::vector<int> done;             // worker thread only until Stop
  std::vector<std::size_t> commits;  // sizes of `done` at each idle call
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  {
    Worker worker("test", 100, [&] { commits.push_back(done.size()); });
    ASSERT_TRUE(worker.Post([gate] { gate.wait(); }));
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(worker.Post([&, i] { done.push_back(i); }));
    release.set_value();
    worker.Stop();
  }
  EXPECT_EQ(done, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(commits, (std::vector<std::size_t>{5}));
}

TEST(WorkerTest, AFullQueueDropsAndCounts) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  Worker worker("test", 2);
  ASSERT_TRUE(worker.Post([gate] { gate.wait(); }));
  // The first task may or may not have left the queue yet: fill it up to certainly overflow.
  int accepted = 0;
  for (int i = 0; i < 4; ++i) accepted += worker.Post([] {}) ? 1 : 0;
  EXPECT_LE(accepted, 2);
  EXPECT_GE(worker.dropped(), 2u);
  release.set_value();
  worker.Stop();
  EXPECT_FALSE(worker.Post([] {}));
}

}  // namespace
}  // namespace gs::collector
