#include "alerts/message_template.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace gs::alerts {
namespace {

using probes::State;

// 2024-05-01T12:00:00Z
constexpr std::chrono::sys_seconds kSince{std::chrono::seconds(1714564800)};

AlertItem Item(std::string node, bool firing, State state, std::string output) {
  AlertItem a;
  a.node = std::move(node);
  a.check = "http";
  a.firing = firing;
  a.state = state;
  a.previous_state = firing ? State::kOk : State::kCritical;
  a.output = std::move(output);
  a.since = kSince;
  a.tags = {{"role", "web"}, {"dc", "fra1"}};
  return a;
}

// Two firing web nodes and one recovered one, grouped by check and role.
Notification Group() {
  Notification n;
  n.id = "4f2a";
  n.group_labels = {{"check", "http"}, {"role", "web"}};
  n.alerts = {Item("web01", true, State::kCritical, "connection refused\nsecond line"),
              Item("web02", true, State::kWarning, "slow: 2.5 s"),
              Item("web03", false, State::kOk, "HTTP OK")};
  return n;
}

struct Case {
  const char* tmpl;
  std::string want;
};

TEST(MessageTemplateTest, EveryPlaceholderRendersItsField) {
  Notification n = Group();
  n.note = "alice: looking";
  const Case cases[] = {
      {"{{headline}}", Headline(n)},
      {"{{status}}", "firing"},
      {"{{event}}", "alert"},
      {"{{count}}/{{firing}}/{{resolved}}", "3/2/1"},
      {"{{node}} {{check}}", "web01 http"},
      {"{{state}} was {{previous_state}}", "CRITICAL was OK"},
      {"{{output}}", "connection refused"},
      {"{{since}}", "2024-05-01T12:00:00Z"},
      {"{{tag.role}}@{{tag.dc}}", "web@fra1"},
      {"{{group.check}}/{{group.role}}", "http/web"},
      {"{{alerts}}",
       "web01 http CRITICAL: connection refused\nweb02 http WARNING: slow: 2.5 s\n"
       "web03 http OK: HTTP OK\n"},
      {"{{note}}", "alice: looking\n"},
      {"{{id}}", "4f2a"},
  };
  for (const Case& c : cases) EXPECT_EQ(RenderTemplate(c.tmpl, n), c.want) << c.tmpl;
}

TEST(MessageTemplateTest, TextAroundPlaceholdersIsKeptAsWritten) {
  EXPECT_EQ(RenderTemplate("Node {{node}} is {{ state }}!\n-- gs", Group()),
            "Node web01 is CRITICAL!\n-- gs");
  EXPECT_EQ(RenderTemplate("a } b { c }} d", Group()), "a } b { c }} d");
}

TEST(MessageTemplateTest, ResolvedGroupAndOtherEventsRenderTheirStatus) {
  Notification n = Group();
  for (AlertItem& a : n.alerts) a.firing = false;
  n.event = Event::kAcknowledged;
  EXPECT_EQ(RenderTemplate("{{status}} {{event}} {{firing}}/{{resolved}}", n),
            "resolved acknowledged 0/3");
}

TEST(MessageTemplateTest, UnknownPlaceholdersAndMissingKeysRenderAsNothing) {
  EXPECT_EQ(RenderTemplate("[{{nope}}][{{tag.missing}}][{{group.missing}}][{{}}]", Group()),
            "[][][][]");
}

TEST(MessageTemplateTest, EmptyNoteRendersWithoutANewline) {
  EXPECT_EQ(RenderTemplate("a{{note}}b", Group()), "ab");
}

TEST(MessageTemplateTest, NotificationWithoutAlertsRendersEmptyPrimaryFields) {
  Notification n;
  n.id = "x";
  EXPECT_EQ(RenderTemplate("[{{node}}|{{state}}|{{since}}|{{output}}|{{count}}|{{alerts}}]", n),
            "[||||0|]");
}

TEST(MessageTemplateTest, UnterminatedBracesAreKeptAsWritten) {
  EXPECT_EQ(RenderTemplate("cpu {{node", Group()), "cpu {{node");
  EXPECT_EQ(RenderTemplate("{{node}} {{", Group()), "web01 {{");
  EXPECT_EQ(RenderTemplate("{{ x {{node}}", Group()), "{{ x web01");
  EXPECT_EQ(RenderTemplate("{{{node}}}", Group()), "{web01}");
}

TEST(MessageTemplateTest, InvalidUtf8InOutputBecomesReplacementCharacters) {
  Notification n = Group();
  n.alerts[0].output = "bad \xC3 byte \xFF\xFE end \xED\xA0\x80 ok \xC3\xA9";
  // One U+FFFD per invalid byte; the valid "é" survives.
  EXPECT_EQ(RenderTemplate("{{output}}", n),
            "bad \xEF\xBF\xBD byte \xEF\xBF\xBD\xEF\xBF\xBD end "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD ok \xC3\xA9");
}

TEST(MessageTemplateTest, InvalidUtf8IsReplacedInTagsAndTemplateTextToo) {
  Notification n = Group();
  n.alerts[0].tags["role"] = "w\xE2\x82";  // truncated 3-byte sequence
  EXPECT_EQ(RenderTemplate("{{tag.role}} \xC0\xAF", n),
            "w\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(MessageTemplateTest, ValidMultiByteTextIsKeptUnchanged) {
  Notification n = Group();
  n.alerts[0].output = "Prüfung fehlgeschlagen ✗ 💥";
  EXPECT_EQ(RenderTemplate("{{output}}", n), "Prüfung fehlgeschlagen ✗ 💥");
}

TEST(CutTextTest, ShortTextIsUnchanged) {
  EXPECT_EQ(CutText("disk full", 160), "disk full");
  EXPECT_EQ(CutText("", 5), "");
}

TEST(CutTextTest, TextOfExactlyTheLimitIsUnchanged) {
  EXPECT_EQ(CutText("abcde", 5), "abcde");
  EXPECT_EQ(CutText("äöüßé", 5), "äöüßé");  // 10 bytes, 5 characters
}

TEST(CutTextTest, OneCharacterOverTheLimitEndsInAnEllipsis) {
  EXPECT_EQ(CutText("abcdef", 5), "abcd…");
  EXPECT_EQ(CutText("äöüßéx", 5), "äöüß…");
}

TEST(CutTextTest, MultiByteCharactersAreNeverSplit) {
  EXPECT_EQ(CutText("€€€€€€", 3), "€€…");  // 3-byte characters
  EXPECT_EQ(CutText("💥💥💥💥", 2), "💥…");     // 4-byte characters
  EXPECT_EQ(CutText("a€💥bc", 4), "a€💥…");  // mixed widths
}

TEST(CutTextTest, CountsCodePointsNotBytes) {
  const std::string text(70, 'x');
  const std::string cyrillic = "Сервер недоступен";  // 17 characters, 32 bytes
  EXPECT_EQ(CutText(cyrillic, 17), cyrillic);
  EXPECT_EQ(CutText(cyrillic, 16), "Сервер недоступ…");
  EXPECT_EQ(CutText(text + "y", 70), std::string(69, 'x') + "…");
}

TEST(CutTextTest, TinyLimits) {
  EXPECT_EQ(CutText("abc", 1), "…");
  EXPECT_EQ(CutText("abc", 0), "");
  EXPECT_EQ(CutText("a", 1), "a");
}

TEST(CutTextTest, InvalidBytesCountAsOneCharacterEach) {
  EXPECT_EQ(CutText("\xFF\xFE\xFD", 3), "\xFF\xFE\xFD");
  EXPECT_EQ(CutText("\xFF\xFE\xFDz", 3), "\xFF\xFE…");
  // A truncated sequence at the end is not read past the end of the text.
  EXPECT_EQ(CutText("ab\xE2\x82", 10), "ab\xE2\x82");
}

}  // namespace
}  // namespace gs::alerts
