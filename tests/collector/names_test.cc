#include "collector/storage/names.h"

#include <gtest/gtest.h>

#include <string>

namespace gs::collector {
namespace {

TEST(SanitizeNameTest, KeepsSafeCharacters) {
  EXPECT_EQ(SanitizeName("web-01.example_com"), "web-01.example_com");
  EXPECT_EQ(SanitizeName("ABCxyz0189"), "ABCxyz0189");
}

TEST(SanitizeNameTest, ReplacesEverythingElse) {
  EXPECT_EQ(SanitizeName("../../etc"), ".._.._etc");
  EXPECT_EQ(SanitizeName("/"), "_");
  EXPECT_EQ(SanitizeName("a b:c"), "a_b_c");
  EXPECT_EQ(SanitizeName(std::string("a\0b", 3)), "a_b");
  EXPECT_EQ(SanitizeName("caf\xc3\xa9"), "caf__");  // each UTF-8 byte becomes '_'
  EXPECT_EQ(SanitizeName("C:\\x"), "C__x");
}

TEST(SanitizeNameTest, NeverEmptyDotOrDotDot) {
  EXPECT_EQ(SanitizeName(""), "_");
  EXPECT_EQ(SanitizeName("."), "_");
  EXPECT_EQ(SanitizeName(".."), "_");
  EXPECT_EQ(SanitizeName("..."), "...");
}

TEST(SanitizeNameTest, ResultNeverContainsASlash) {
  for (const char* name : {"a/b", "/etc/passwd", "..\\..", "x/../../y"}) {
    EXPECT_EQ(SanitizeName(name).find('/'), std::string::npos) << name;
  }
}

TEST(SanitizeNameTest, LongNamesAreBoundedAndStayDistinct) {
  const std::string a(300, 'a');
  std::string b = a;
  b.back() = 'b';
  const std::string sa = SanitizeName(a);
  const std::string sb = SanitizeName(b);
  EXPECT_EQ(sa.size(), kMaxNameLength);
  EXPECT_EQ(sb.size(), kMaxNameLength);
  EXPECT_NE(sa, sb);
  EXPECT_EQ(sa, SanitizeName(a)) << "stable";
  EXPECT_EQ(SanitizeName(std::string(kMaxNameLength, 'x')), std::string(kMaxNameLength, 'x'));
}

}  // namespace
}  // namespace gs::collector

namespace gs::collector {
namespace {

TEST(SanitizePatternTest, GlobsStayAndOtherBytesAreMappedAsNamesAre) {
  EXPECT_EQ(SanitizePattern("log:*"), "log_*");
  EXPECT_EQ(SanitizePattern("* inodes"), "*_inodes");
  EXPECT_EQ(SanitizePattern("!* inodes"), "!*_inodes");
  EXPECT_EQ(SanitizePattern("disk?[!a-z]"), "disk?[!a-z]");
  EXPECT_EQ(SanitizePattern("a!b"), "a_b");
  EXPECT_EQ(SanitizePattern("/var/*"), "_var_*");
}

}  // namespace
}  // namespace gs::collector
