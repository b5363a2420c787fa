// ParseRegistration and RegistrationNode: the accepted bodies and every rejection.
#include "collector/inventory/registration.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gs::collector::inventory {
namespace {

using namespace std::chrono_literals;

TEST(RegistrationTest, AcceptedBodiesGiveTheirRegistration) {
  struct Case {
    std::string body;
    Registration want;
  };
  const std::vector<Case> cases = {
      {R"({"name": "web07", "address": "10.0.0.7", "tags": {"role": "web"}, "ttl": 900})",
       {"web07", "10.0.0.7", {{"role", "web"}}, 900s}},
      {R"({"name": "web07"})", {"web07", "web07", {}, std::nullopt}},
      {R"({"name": "10.0.0.7"})", {"10.0.0.7", "10.0.0.7", {}, std::nullopt}},
      {R"({"name": "db_1.eu-west", "address": "db1.eu-west.example.com"})",
       {"db_1.eu-west", "db1.eu-west.example.com", {}, std::nullopt}},
      {R"({"name": "v6", "address": "fd00::7"})", {"v6", "fd00::7", {}, std::nullopt}},
      {R"({"name": "a", "address": "::ffff:10.0.0.7"})", {"a", "::ffff:10.0.0.7", {}, {}}},
      {R"({"name": "a", "address": "1host.example"})", {"a", "1host.example", {}, {}}},
      {R"({"name": "a", "tags": {}, "ttl": 1})", {"a", "a", {}, 1s}},
      {R"({"ttl": 604800, "name": "a"})", {"a", "a", {}, 604800s}},
      {R"({"name": "a", "tags": {"env": "", "team": "Ops \u00e9quipe"}})",
       {"a", "a", {{"env", ""}, {"team", "Ops \xC3\xA9quipe"}}, {}}},
      {" \n{\"name\":\"a\"}\n ", {"a", "a", {}, {}}},
      {R"({"name": ")" + std::string(128, 'n') + R"(", "address": "10.0.0.7"})",
       {std::string(128, 'n'), "10.0.0.7", {}, {}}},
      {R"({"name": "a", "tags": {"k": ")" + std::string(256, 'v') + R"("}})",
       {"a", "a", {{"k", std::string(256, 'v')}}, {}}},
  };
  for (const Case& c : cases) {
    const Result<Registration> r = ParseRegistration(c.body);
    ASSERT_TRUE(r) << c.body << " -> " << r.error().message;
    EXPECT_EQ(*r, c.want) << c.body;
  }
}

TEST(RegistrationTest, EveryRejectionNamesItsReason) {
  struct Case {
    std::string body;
    std::string reason;  // a part of the message
  };
  std::string many_tags;
  for (int i = 0; i < 65; ++i) {
    many_tags += (i == 0 ? "\"k" : ", \"k") + std::to_string(i) + "\": \"v\"";
  }
  const std::vector<Case> cases = {
      {"", "not valid JSON"},
      {"{\"name\": \"a\"", "not valid JSON"},
      {"{\"name\": \"a\"} x", "not valid JSON"},
      {"{\"name\": \"\xFF\"}", "not valid JSON"},
      {"[]", "must be a JSON object"},
      {"\"web07\"", "must be a JSON object"},
      {"null", "must be a JSON object"},
      {R"({"name": "a"})" + std::string(64 * 1024, ' '), "over 65536 bytes"},
      {R"({"name": "a", "name": "b"})", "repeats the key \"name\""},
      {R"({"name": "a", "tags": {"k": "1", "k": "2"}})", "repeats the key \"k\""},
      {R"({"name": "a", "extra": 1})", "unknown field \"extra\""},
      {R"({"name": "a", "Name": "b"})", "unknown field \"Name\""},
      {R"({"name": "a", "bad\u0001": 1})", "unknown field (4 bytes)"},
      {R"({})", "name is required"},
      {R"({"address": "10.0.0.7"})", "name is required"},
      {R"({"name": 7})", "name must be a string"},
      {R"({"name": null})", "name must be a string"},
      {R"({"name": ""})", "name must not be empty"},
      {R"({"name": ")" + std::string(129, 'n') + R"("})", "name is over 128 bytes"},
      {R"({"name": "../etc"})", "name may only hold"},
      {R"({"name": "a b"})", "name may only hold"},
      {R"({"name": "a\u0000b"})", "name may only hold"},
      {R"({"name": "caf\u00e9"})", "name may only hold"},
      {R"({"name": ".."})", "name must not be \".\" or \"..\""},
      {R"({"name": "."})", "name must not be \".\" or \"..\""},
      {R"({"name": "web_07"})", "address is required: name \"web_07\" is not a host name"},
      {R"({"name": ")" + std::string(65, 'n') + R"("})", "name (65 bytes) is not a host name"},
      {R"({"name": "a", "address": 10})", "address must be a string"},
      {R"({"name": "a", "address": ""})", "address \"\" is neither"},
      {R"({"name": "a", "address": "10.0.0.256"})", "address \"10.0.0.256\" is neither"},
      {R"({"name": "a", "address": "-a.example"})", "is neither"},
      {R"({"name": "a", "address": "a-.example"})", "is neither"},
      {R"({"name": "a", "address": "a..example"})", "is neither"},
      {R"({"name": "a", "address": "a.example."})", "is neither"},
      {R"({"name": "a", "address": "a_b.example"})", "is neither"},
      {R"({"name": "a", "address": "fe80::1%eth0"})", "is neither"},
      {R"({"name": "a", "address": "10.0.0.7\u0000x"})", "address (10 bytes) is neither"},
      {R"({"name": "a", "address": ")" + std::string(64, 'x') + R"(.example"})", "is neither"},
      {R"({"name": "a", "tags": []})", "tags must be an object of strings"},
      {R"({"name": "a", "tags": "role=web"})", "tags must be an object of strings"},
      {R"({"name": "a", "tags": {"role": 1}})", "tags \"role\" must be a string"},
      {R"({"name": "a", "tags": {"role": null}})", "tags \"role\" must be a string"},
      {R"({"name": "a", "tags": {"role": ["web"]}})", "tags \"role\" must be a string"},
      {R"({"name": "a", "tags": {)" + many_tags + "}}", "tags has 65 entries, at most 64"},
      {R"({"name": "a", "tags": {"": "v"}})", "tags: a key is empty"},
      {R"({"name": "a", "tags": {"source": "me"}})", "the key \"source\" is reserved"},
      {R"({"name": "a", "tags": {"pool": "p"}})", "the key \"pool\" is reserved"},
      {R"({"name": "a", "tags": {")" + std::string(257, 'k') + R"(": "v"}})",
       "tags: a key is over 256 bytes"},
      {R"({"name": "a", "tags": {"k": ")" + std::string(257, 'v') + R"("}})",
       "tags \"k\": its value is over 256 bytes"},
      {R"({"name": "a", "tags": {"k\n": "v"}})", "tags: a key holds a control character"},
      {R"({"name": "a", "tags": {"k": "v\u007f"}})", "its value holds a control character"},
      {R"({"name": "a", "tags": {"k": "v\u0085"}})", "its value holds a control character"},
      {R"({"name": "a", "tags": {"k": "\u0000"}})", "its value holds a control character"},
      {R"({"name": "a", "ttl": 0})", "ttl must be an integer number of seconds from 1 to 604800"},
      {R"({"name": "a", "ttl": 604801})", "ttl must be an integer"},
      {R"({"name": "a", "ttl": -5})", "ttl must be an integer"},
      {R"({"name": "a", "ttl": 900.5})", "ttl must be an integer"},
      {R"({"name": "a", "ttl": 9e2})", "ttl must be an integer"},
      {R"({"name": "a", "ttl": "15m"})", "ttl must be an integer"},
      {R"({"name": "a", "ttl": true})", "ttl must be an integer"},
      {R"({"name": "a", "ttl": null})", "ttl must be an integer"},
      {R"({"name": "a", "ttl": 18446744073709551616})", "ttl must be an integer"},
  };
  for (const Case& c : cases) {
    const Result<Registration> r = ParseRegistration(c.body);
    ASSERT_FALSE(r) << c.body.substr(0, 200);
    EXPECT_NE(r.error().message.find(c.reason), std::string::npos)
        << c.body.substr(0, 200) << " -> " << r.error().message;
  }
}

TEST(RegistrationTest, DeeplyNestedInputIsRejectedWithoutExhaustingTheStack) {
  const std::string deep =
      R"({"name": "a", "tags": {"k": )" + std::string(30000, '[') + std::string(30000, ']') + "}}";
  const Result<Registration> r = ParseRegistration(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tags \"k\" must be a string"), std::string::npos)
      << r.error().message;
}

TEST(RegistrationTest, TheNodeCarriesNameAddressAndTagsAsRegistered) {
  const Registration r{"web07", "10.0.0.7", {{"role", "web"}}, 900s};
  EXPECT_EQ(RegistrationNode(r),
            (DiscoveredNode{{"web07", "10.0.0.7", {{"role", "web"}}}, Lifecycle::kRunning}));
}

}  // namespace
}  // namespace gs::collector::inventory
