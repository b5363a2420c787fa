// state.db's registered_node table: registrations round-trip, survive reopening, are replaced
// by name, removed, and expire by time.
#include <gtest/gtest.h>

#include "collector/storage/state_db.h"
#include "tests/support/peers.h"

namespace gs::collector {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using Time = std::chrono::system_clock::time_point;

const Time kT0 = Time(milliseconds(1'800'000'000'000));

std::unique_ptr<StateDb> Open(const test::TempDir& dir) {
  auto db = StateDb::Open(dir / "state.db");
  if (!db) ADD_FAILURE() << db.error().message;
  return db ? std::move(*db) : nullptr;
}

StoredRegistration R(const std::string& name, Time expires) {
  return StoredRegistration{name, "10.0.0.7", {{"role", "web"}, {"zone", "a"}}, kT0, expires};
}

TEST(StateDbInventoryTest, RegistrationsRoundTripAndSurviveReopening) {
  test::TempDir dir;
  {
    auto db = Open(dir);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->SaveRegistration(R("web07", kT0 + minutes(15))));
    ASSERT_TRUE(db->SaveRegistration(R("web08", kT0 + minutes(5))));
    StoredRegistration renewed = R("web07", kT0 + minutes(30));
    renewed.address = "10.0.0.77";
    ASSERT_TRUE(db->SaveRegistration(renewed));
  }
  auto db = Open(dir);
  ASSERT_TRUE(db);
  auto loaded = db->LoadRegistrations();
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].name, "web07");
  EXPECT_EQ((*loaded)[0].address, "10.0.0.77");
  EXPECT_EQ((*loaded)[0].expires, kT0 + minutes(30));
  EXPECT_EQ((*loaded)[1], R("web08", kT0 + minutes(5)));
}

TEST(StateDbInventoryTest, RemoveAndExpire) {
  test::TempDir dir;
  auto db = Open(dir);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->SaveRegistration(R("a", kT0 + minutes(1))));
  ASSERT_TRUE(db->SaveRegistration(R("b", kT0 + minutes(2))));
  ASSERT_TRUE(db->SaveRegistration(R("c", kT0 + minutes(3))));
  EXPECT_EQ(db->RemoveRegistration("c").value_or(false), true);
  EXPECT_EQ(db->RemoveRegistration("c").value_or(true), false);
  auto expired = db->ExpireRegistrations(kT0 + minutes(1));
  ASSERT_TRUE(expired);
  EXPECT_EQ(*expired, std::vector<std::string>{"a"});
  auto left = db->LoadRegistrations();
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].name, "b");
}

TEST(StateDbInventoryTest, DiscoveredAnswersAreKeptPerSourceAndForgottenWithIt) {
  test::TempDir dir;
  {
    auto db = Open(dir);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->SaveDiscovered("ec2:prod", "[1]", kT0));
    ASSERT_TRUE(db->SaveDiscovered("dns:www.example.com", "[2]", kT0));
    ASSERT_TRUE(db->SaveDiscovered("ec2:prod", "[3]", kT0));
  }
  auto db = Open(dir);
  ASSERT_TRUE(db);
  auto loaded = db->LoadDiscovered();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, (std::map<std::string, std::string>{{"dns:www.example.com", "[2]"},
                                                         {"ec2:prod", "[3]"}}));
  ASSERT_TRUE(db->RemoveDiscoveredExcept({"ec2:prod"}));
  loaded = db->LoadDiscovered();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->count("ec2:prod"), 1u);
}

}  // namespace
}  // namespace gs::collector
