#include "probes/http_regex.h"

#include <gtest/gtest.h>

namespace gs::probes {
namespace {

TEST(BodyRegexTest, MatchesAnywhereAndAnchorsAtLineBreaks) {
  auto re = BodyRegex::Compile("^ok$");
  ASSERT_TRUE(re) << re.error().message;
  EXPECT_EQ((*re)->Matches("first\nok\nlast"), true);
  EXPECT_EQ((*re)->Matches("not ok"), false);
  EXPECT_EQ((*re)->Matches(""), false);
}

TEST(BodyRegexTest, WorksOnBinaryBodies) {
  auto re = BodyRegex::Compile("a\\x00b");
  ASSERT_TRUE(re);
  EXPECT_EQ((*re)->Matches(std::string_view("xa\0b", 4)), true);
}

TEST(BodyRegexTest, ABadPatternFailsWithTheOffset) {
  auto re = BodyRegex::Compile("a(b");
  ASSERT_FALSE(re);
  EXPECT_NE(re.error().message.find("invalid regex 'a(b' at offset 3"), std::string::npos)
      << re.error().message;
}

TEST(RegexCacheTest, CompilesEachPatternOnce) {
  RegexCache cache;
  auto a = cache.Get("hello");
  auto b = cache.Get("hello");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->get(), b->get());
  EXPECT_FALSE(cache.Get("("));
}

}  // namespace
}  // namespace gs::probes
