// FrameDecoder: RFC 6587 octet counting and non-transparent framing, split reads, truncation,
// bogus counts and end of stream.
#include "collector/syslog/framing.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace gs::collector::syslog {
namespace {

using namespace std::string_literals;

struct Frame {
  std::string message;
  bool truncated = false;
  friend bool operator==(const Frame&, const Frame&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Frame& f) {
    return os << '"' << f.message << '"' << (f.truncated ? " (truncated)" : "");
  }
};

struct Decoded {
  std::vector<Frame> frames;
  bool ok = true;
  std::size_t max_buffered = 0;
};

// Feeds `stream` cut at `cuts` (ascending positions), then Finish.
Decoded Decode(std::string_view stream, const std::vector<std::size_t>& cuts,
               std::size_t max_message) {
  FrameDecoder decoder(max_message);
  Decoded out;
  const auto sink = [&](std::string_view message, bool truncated) {
    out.frames.push_back({std::string(message), truncated});
  };
  std::size_t begin = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(stream.size());
  for (const std::size_t end : ends) {
    if (out.ok) out.ok = decoder.Feed(stream.substr(begin, end - begin), sink);
    out.max_buffered = std::max(out.max_buffered, decoder.buffered());
    begin = end;
  }
  decoder.Finish(sink);
  EXPECT_EQ(decoder.failed(), !out.ok);
  return out;
}

Decoded Decode(std::string_view stream, std::size_t max_message = kDefaultMaxMessage) {
  return Decode(stream, {}, max_message);
}

std::vector<Frame> Frames(std::initializer_list<std::string> messages) {
  std::vector<Frame> frames;
  for (const std::string& m : messages) frames.push_back({m, false});
  return frames;
}

TEST(FrameDecoderTest, OctetCountingDeliversExactlyTheCountedBytes) {
  const Decoded d = Decode("5 hello3 abc5 line\n\n12 with\nnewline");
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.frames, Frames({"hello", "abc", "line\n", "with\nnewline"}));
}

TEST(FrameDecoderTest, NonTransparentEndsAtLfCrlfOrNul) {
  const Decoded d = Decode("a\nb\r\nc\0d\r\r\ne\r\0f\n"s);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.frames, Frames({"a", "b", "c", "d\r", "e\r", "f"}));
}

TEST(FrameDecoderTest, EmptyFramesAreSkipped) {
  const Decoded d = Decode("\n\r\n\0\0<13>a\n\n\r\n3 abc\n\0"s);
  EXPECT_EQ(d.frames, Frames({"<13>a", "abc"}));
}

TEST(FrameDecoderTest, MixedFramingInOneStream) {
  const Decoded d = Decode(
      "<13>Nov 22 03:38:33 vm app: one\n"
      "34 <13>1 - - app - - - octet counted\n"
      "<14>two\r\n"
      "5 <15>x"
      " leading space\0"
      "<16>last"s);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.frames,
            Frames({"<13>Nov 22 03:38:33 vm app: one", "<13>1 - - app - - - octet counted\n",
                    "<14>two", "<15>x", " leading space", "<16>last"}));
}

TEST(FrameDecoderTest, FramesInsideOneReadAreNotCopied) {
  const std::string data = "5 hello<13>line\r\n3 abc";
  FrameDecoder decoder;
  std::vector<std::string_view> views;
  ASSERT_TRUE(decoder.Feed(data, [&](std::string_view m, bool) { views.push_back(m); }));
  ASSERT_EQ(views.size(), 3U);
  for (const std::string_view v : views) {
    EXPECT_GE(v.data(), data.data());
    EXPECT_LE(v.data() + v.size(), data.data() + data.size());
  }
  EXPECT_EQ(views[1], "<13>line");
  EXPECT_EQ(decoder.buffered(), 0U);
}

TEST(FrameDecoderTest, OnlyTheIncompleteTailIsBuffered) {
  FrameDecoder decoder;
  std::vector<std::string> frames;
  const auto sink = [&](std::string_view m, bool) { frames.emplace_back(m); };
  ASSERT_TRUE(decoder.Feed("a\n12 hello", sink));
  EXPECT_EQ(decoder.buffered(), 5U);
  ASSERT_TRUE(decoder.Feed(" world", sink));
  ASSERT_TRUE(decoder.Feed("!partial line", sink));
  EXPECT_EQ(decoder.buffered(), 12U);
  EXPECT_EQ(frames, (std::vector<std::string>{"a", "hello world!"}));
}

// A stream with every kind of frame, including ones cut at the maximum of 8.
const std::string kMixedStream =
    "\r\n<13>a\n8 12345678"
    "9 123456789"
    "abcdefgh\r\n"
    "abcdefghi\n"
    "abcdefg\r\r\n"
    "<14>b\0"
    "\n3 xyz"
    "ABCDEFGHIJKLMNOP\r\n"
    "1 Z"
    "<15>tail\r"s;

const std::vector<Frame> kMixedFrames = {
    {"<13>a", false},   {"12345678", false},  {"12345678", true}, {"abcdefgh", false},
    {"abcdefgh", true}, {"abcdefg\r", false}, {"<14>b", false},   {"xyz", false},
    {"ABCDEFGH", true}, {"Z", false},         {"<15>tail", true}};

TEST(FrameDecoderTest, MixedStreamDecodesAsExpected) {
  const Decoded d = Decode(kMixedStream, 8);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.frames, kMixedFrames);
}

TEST(FrameDecoderTest, SplittingAtEveryPositionGivesTheSameFrames) {
  for (std::size_t cut = 0; cut <= kMixedStream.size(); ++cut) {
    const Decoded d = Decode(kMixedStream, {cut}, 8);
    EXPECT_TRUE(d.ok) << cut;
    EXPECT_EQ(d.frames, kMixedFrames) << "cut at " << cut;
    EXPECT_LE(d.max_buffered, 8U + 16U);
  }
  for (std::size_t a = 0; a <= kMixedStream.size(); ++a) {
    for (std::size_t b = a; b <= kMixedStream.size(); ++b) {
      ASSERT_EQ(Decode(kMixedStream, {a, b}, 8).frames, kMixedFrames) << a << ',' << b;
    }
  }
}

TEST(FrameDecoderTest, ByteByByteGivesTheSameFrames) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < kMixedStream.size(); ++i) cuts.push_back(i);
  const Decoded d = Decode(kMixedStream, cuts, 8);
  EXPECT_EQ(d.frames, kMixedFrames);
  EXPECT_LE(d.max_buffered, 8U + 1U);
}

TEST(FrameDecoderTest, OctetCountedTruncationAtTheBoundary) {
  EXPECT_EQ(Decode("4 abcd", 4).frames, (std::vector<Frame>{{"abcd", false}}));
  EXPECT_EQ(Decode("5 abcde1 x", 4).frames, (std::vector<Frame>{{"abcd", true}, {"x", false}}));
}

TEST(FrameDecoderTest, NonTransparentTruncationAtTheBoundary) {
  EXPECT_EQ(Decode("abcd\n", 4).frames, (std::vector<Frame>{{"abcd", false}}));
  EXPECT_EQ(Decode("abcd\r\n", 4).frames, (std::vector<Frame>{{"abcd", false}}));
  EXPECT_EQ(Decode("abcde\nx\n", 4).frames, (std::vector<Frame>{{"abcd", true}, {"x", false}}));
  EXPECT_EQ(Decode("abcd\rx\n", 4).frames, (std::vector<Frame>{{"abcd", true}}));
  // The CR after the maximum waits for the next read to learn whether an LF follows.
  EXPECT_EQ(Decode("abcd\r\n", {5}, 4).frames, (std::vector<Frame>{{"abcd", false}}));
  EXPECT_EQ(Decode("abcd\rxyz\ny\n", {5}, 4).frames,
            (std::vector<Frame>{{"abcd", true}, {"y", false}}));
}

TEST(FrameDecoderTest, HugeCountIsSkippedInSyncWithBoundedMemory) {
  constexpr std::size_t kMax = 1024;
  FrameDecoder decoder(kMax);
  std::vector<Frame> frames;
  const auto sink = [&](std::string_view m, bool t) { frames.push_back({std::string(m), t}); };
  ASSERT_TRUE(decoder.Feed("999999999 ", sink));
  const std::string chunk(1 << 20, 'x');
  std::size_t left = 999999999;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size());
    ASSERT_TRUE(decoder.Feed(std::string_view(chunk).substr(0, n), sink));
    ASSERT_LE(decoder.buffered(), kMax + 16);
    left -= n;
  }
  ASSERT_TRUE(decoder.Feed("3 abc<13>next\n", sink));
  EXPECT_EQ(frames, (std::vector<Frame>{
                        {std::string(kMax, 'x'), true}, {"abc", false}, {"<13>next", false}}));
}

TEST(FrameDecoderTest, HugeLineIsSkippedToItsEnd) {
  constexpr std::size_t kMax = 64;
  FrameDecoder decoder(kMax);
  std::vector<Frame> frames;
  const auto sink = [&](std::string_view m, bool t) { frames.push_back({std::string(m), t}); };
  const std::string chunk(4096, 'y');
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(decoder.Feed(chunk, sink));
    ASSERT_LE(decoder.buffered(), kMax + 16);
  }
  ASSERT_TRUE(decoder.Feed("yy\nok\n", sink));
  EXPECT_EQ(frames, (std::vector<Frame>{{std::string(kMax, 'y'), true}, {"ok", false}}));
}

TEST(FrameDecoderTest, BogusCountsFailTheStream) {
  for (const std::string& bogus : {"12x"s, "0 "s, "1234567890 "s, "01 "s, "5\n"s, "7\0"s}) {
    FrameDecoder decoder;
    int frames = 0;
    const auto sink = [&](std::string_view, bool) { ++frames; };
    EXPECT_FALSE(decoder.Feed(bogus, sink)) << bogus;
    EXPECT_TRUE(decoder.failed()) << bogus;
    EXPECT_FALSE(decoder.Feed("<13>more\n", sink));
    decoder.Finish(sink);
    EXPECT_EQ(frames, 0) << bogus;
    EXPECT_EQ(decoder.buffered(), 0U);
  }
}

TEST(FrameDecoderTest, FramesBeforeABogusCountAreDelivered) {
  const Decoded d = Decode("3 abc<13>ok\n12x more\n");
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.frames, Frames({"abc", "<13>ok"}));
}

TEST(FrameDecoderTest, BogusCountSplitAcrossReadsFailsToo) {
  EXPECT_TRUE(Decode("123456789", {3, 6}, 64).ok);  // nine digits, no SP yet: incomplete
  EXPECT_TRUE(Decode("12345678 ", {3, 6}, 64).ok);
  EXPECT_FALSE(Decode("1234567890", {9}, 64).ok);  // the tenth digit
  EXPECT_FALSE(Decode("12x", {2}, 64).ok);
  EXPECT_FALSE(Decode("0", {}, 64).ok);
}

TEST(FrameDecoderTest, FinishDeliversAnUnterminatedLineAndDropsAPartialCount) {
  EXPECT_EQ(Decode("<13>a\n<13>no newline").frames, Frames({"<13>a", "<13>no newline"}));
  EXPECT_EQ(Decode("3 abc10 partial").frames, Frames({"abc"}));
  EXPECT_EQ(Decode("3 abc10").frames, Frames({"abc"}));
  EXPECT_EQ(Decode("abcdef", 4).frames, (std::vector<Frame>{{"abcd", true}}));
  EXPECT_EQ(Decode("abcd\r", 4).frames, (std::vector<Frame>{{"abcd", true}}));
}

TEST(FrameDecoderTest, FinishLeavesTheDecoderReadyForANewStream) {
  FrameDecoder decoder;
  std::vector<std::string> frames;
  const auto sink = [&](std::string_view m, bool) { frames.emplace_back(m); };
  ASSERT_TRUE(decoder.Feed("half", sink));
  decoder.Finish(sink);
  EXPECT_EQ(decoder.buffered(), 0U);
  ASSERT_TRUE(decoder.Feed("5 ab", sink));
  decoder.Finish(sink);
  ASSERT_TRUE(decoder.Feed("new\n", sink));
  EXPECT_EQ(frames, (std::vector<std::string>{"half", "new"}));
}

TEST(FrameDecoderTest, BufferStaysBoundedForRandomStreamsAndReads) {
  std::mt19937 rng(42);
  for (const std::size_t max : {std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
    std::string stream;
    for (int i = 0; i < 300; ++i) {
      const std::size_t length = rng() % (3 * max + 2) + 1;
      const std::string body(length, static_cast<char>('a' + rng() % 26));
      switch (rng() % 3) {
        case 0:
          stream += std::to_string(length) + " " + body;
          break;
        case 1:
          stream += body + "\n";
          break;
        default:
          stream += body + "\r\n";
          break;
      }
    }
    std::vector<std::size_t> cuts;
    for (std::size_t pos = rng() % 50; pos < stream.size(); pos += rng() % 50 + 1) {
      cuts.push_back(pos);
    }
    const Decoded whole = Decode(stream, max);
    const Decoded split = Decode(stream, cuts, max);
    EXPECT_TRUE(whole.ok);
    EXPECT_EQ(split.frames, whole.frames);
    EXPECT_EQ(whole.frames.size(), 300U);
    EXPECT_LE(split.max_buffered, max + 16);
    for (const Frame& f : split.frames) EXPECT_LE(f.message.size(), max);
  }
}

TEST(FrameDecoderTest, ZeroMaximumIsTreatedAsOne) {
  EXPECT_EQ(Decode("ab\n", 0).frames, (std::vector<Frame>{{"a", true}}));
}

}  // namespace
}  // namespace gs::collector::syslog
