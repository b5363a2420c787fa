// The NRPE packet codec against bytes captured from nrpe 4.1 and check_nrpe 4.1 on loopback
// (check_nrpe's queries with a socket sink, the daemon's answers in -n mode).
#include "probes/nrpe_packet.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gs::probes {
namespace {

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return bytes;
}

std::uint32_t Be32(const std::string& b, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

// The decoded response; a failure names the codec's message instead of throwing.
NrpeResponse Decoded(std::string_view bytes) {
  auto response = DecodeResponse(bytes);
  if (!response) {
    ADD_FAILURE() << response.error().message;
    return {};
  }
  return *response;
}

// Responses nrpe 4.1 sent (v4), byte for byte.
const std::string kV4Ok = FromHex("000400027c0c204c000000000000000d4f4b3a20616c6c20676f6f6400");
const std::string kV4Warn =
    FromHex("00040002a4ead84900010000000000125741524e494e473a206469736b2038352500");
const std::string kV4NoSuch = FromHex(
    "000400020fba146e00030000000000234e5250453a20436f6d6d616e6420276e6f7375636827206e6f74206465"
    "66696e656400");
const std::string kV4Hello = FromHex("000400020daad245000000000000000c4e5250452076342e312e3000");
const std::string kV4Load = FromHex(
    "0004000210b8ff1c00000000000000884c4f4144204f4b202d20746f74616c206c6f616420617665726167653a"
    "20302e30382c20302e39342c20312e34357c6c6f6164313d302e3038303b35302e3030303b39302e3030303b30"
    "3b206c6f6164353d302e3934303b35302e3030303b39302e3030303b303b206c6f616431353d312e3435303b35"
    "302e3030303b39302e3030303b303b2000");
const std::string kV4Long = FromHex(
    "00040002e9a67761000000000000002a6c696e65206f6e657c613d313b323b330a6c696e652074776f0a6c696e"
    "652074687265657c623d327300");

// nrpe 4.1's v2 answer to "ok": header, text, zeros, and two random padding bytes.
std::string V2Ok() {
  std::string b = FromHex("00020002fe09f2a20000") + "OK: all good";
  b.resize(kNrpeV2PacketSize - 2, '\0');
  return b + FromHex("4959");
}

// `b` with its crc field set to the CRC-32 of `b` with that field zero (as every peer does).
std::string Sealed(std::string b) {
  b.replace(4, 4, std::string(4, '\0'));
  const auto crc = crc32(0, reinterpret_cast<const Bytef*>(b.data()), static_cast<uInt>(b.size()));
  for (std::size_t i = 0; i < 4; ++i) b[4 + i] = static_cast<char>((crc >> (24 - 8 * i)) & 0xff);
  return b;
}

// A v3 response as nrpe 3 builds it: 19 + len bytes, buffer_length = len, CRC over all.
std::string V3Response(int code, const std::string& text) {
  std::string b(19 + text.size(), '\0');
  b[1] = 3;
  b[3] = 2;
  b[9] = static_cast<char>(code);
  b[15] = static_cast<char>(text.size());
  b.replace(16, text.size(), text);
  return Sealed(std::move(b));
}

TEST(NrpeCommandLine, JoinsCommandAndArgumentsWithBangsAsCheckNrpeDoes) {
  EXPECT_EQ(NrpeCommandLine("check_disk", {"-w", "10%"}), "check_disk!-w!10%");
  EXPECT_EQ(NrpeCommandLine("check_load", {}), "check_load");
  EXPECT_EQ(NrpeCommandLine("c", {""}), "c!");
}

struct QueryCase {
  int version;
  std::string command_line;
  std::size_t size;
  std::int64_t buffer_length;  // -1: v2 has none
  std::uint32_t crc;
};

// CRCs of _NRPE_CHECK v4 and ok v3 are the values check_nrpe 4.1 sent; the rest were computed
// with Python's zlib.crc32 over the same layout.
TEST(NrpeEncodeQuery, ProducesCheckNrpesSizesLengthsAndCrcs) {
  const std::vector<QueryCase> cases = {
      {4, "_NRPE_CHECK", 1036, 1020, 0x5bd51854},
      {4, "ok", 1036, 1020, 0x5a7097ba},
      {4, std::string(1019, 'z'), 1036, 1020, 0x367f491c},
      {4, std::string(1020, 'z'), 1037, 1021, 0xf592c8e5},
      {4, std::string(2000, 'y'), 2017, 2001, 0x40212b48},
      {3, "ok", 1036, 1017, 0x1142d50b},
      {3, "_NRPE_CHECK", 1036, 1017, 0x10e75ae5},
      {3, std::string(2000, 'y'), 2020, 2001, 0x5304196b},
      {2, "_NRPE_CHECK", 1036, -1, 0xd4673f00},
      {2, "ok", 1036, -1, 0xb0e8e1b1},
      {2, "check_disk!-w!10%", 1036, -1, 0x1970bf58},
      {2, std::string(1023, 'x'), 1036, -1, 0xc1706e4d},
  };
  for (const QueryCase& c : cases) {
    SCOPED_TRACE("v" + std::to_string(c.version) + " " + c.command_line.substr(0, 12));
    auto packet = EncodeQuery(c.version, c.command_line);
    ASSERT_TRUE(packet) << packet.error().message;
    EXPECT_EQ(packet->size(), c.size);
    EXPECT_EQ(Be32(*packet, 4), c.crc);
    EXPECT_EQ(packet->substr(0, 4), FromHex("000" + std::to_string(c.version) + "0001"));
    const std::size_t text_at = c.version == 2 ? 10 : 16;
    EXPECT_EQ(packet->substr(text_at, c.command_line.size() + 1), c.command_line + '\0');
    if (c.buffer_length >= 0) {
      EXPECT_EQ(Be32(*packet, 12), c.buffer_length);
    }
  }
}

TEST(NrpeEncodeQuery, MatchesCheckNrpesV4HelloQueryByteForByte) {
  std::string expected = FromHex("000400015bd5185400000000000003fc") + "_NRPE_CHECK";
  expected.resize(1036, '\0');
  EXPECT_EQ(EncodeQuery(4, "_NRPE_CHECK").value(), expected);
}

TEST(NrpeEncodeQuery, RejectsWhatNoPacketCanCarry) {
  const std::vector<std::pair<std::pair<int, std::string>, std::string>> cases = {
      {{1, "ok"}, "unsupported NRPE packet version 1"},
      {{5, "ok"}, "unsupported NRPE packet version 5"},
      {{4, std::string("o\0k", 3)}, "NUL byte"},
      {{2, std::string(1024, 'x')}, "has 1024 bytes; packet version 2 allows 1023"},
      {{4, std::string(kMaxNrpeBuffer, 'x')}, "allows 65535"},
  };
  for (const auto& [input, message] : cases) {
    auto packet = EncodeQuery(input.first, input.second);
    ASSERT_FALSE(packet) << message;
    EXPECT_NE(packet.error().message.find(message), std::string::npos) << packet.error().message;
  }
  EXPECT_TRUE(EncodeQuery(4, std::string(kMaxNrpeBuffer - 1, 'x')));
}

TEST(NrpeDecodeResponse, DecodesWhatTheRealDaemonSent) {
  const std::vector<std::pair<std::string, NrpeResponse>> cases = {
      {kV4Ok, {4, 0, "OK: all good"}},
      {kV4Warn, {4, 1, "WARNING: disk 85%"}},
      {kV4NoSuch, {4, 3, "NRPE: Command 'nosuch' not defined"}},
      {kV4Hello, {4, 0, "NRPE v4.1.0"}},
      {kV4Load,
       {4, 0,
        "LOAD OK - total load average: 0.08, 0.94, 1.45|load1=0.080;50.000;90.000;0; "
        "load5=0.940;50.000;90.000;0; load15=1.450;50.000;90.000;0; "}},
      {kV4Long, {4, 0, "line one|a=1;2;3\nline two\nline three|b=2s"}},
      {V2Ok(), {2, 0, "OK: all good"}},
  };
  for (const auto& [bytes, expected] : cases) {
    auto response = DecodeResponse(bytes);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(*response, expected);
  }
}

TEST(NrpeDecodeResponse, DecodesAnNrpe3V3ResponseWithOrWithoutItsSlackBytes) {
  const std::string packet = V3Response(2, "CRITICAL: down");
  const NrpeResponse expected{3, 2, "CRITICAL: down"};
  EXPECT_EQ(Decoded(packet), expected);
  EXPECT_EQ(Decoded(packet.substr(0, packet.size() - 3)), expected);
  EXPECT_EQ(NrpeBytesNeeded(packet.substr(0, 16)).value(), 14u);
}

TEST(NrpeDecodeResponse, ReportsEveryKindOfBadPacketByName) {
  std::string bad_crc = kV4Ok;
  bad_crc[20] = 'X';
  std::string version5 = kV4Ok;
  version5[1] = 5;
  std::string huge = kV4Ok;
  huge.replace(12, 4, FromHex("7fffffff"));
  std::string negative = kV4Ok;
  negative.replace(12, 4, FromHex("ffffffff"));
  std::string tls_alert = FromHex("15030300020228");
  tls_alert.resize(16, '\0');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "truncated NRPE packet: 0 bytes"},
      {kV4Ok.substr(0, 10), "shorter than the 16-byte header"},
      {kV4Ok.substr(0, 28), "truncated NRPE v4 packet: 28 of 29 bytes"},
      {V2Ok().substr(0, 1000), "truncated NRPE v2 packet: 1000 of 1036 bytes"},
      {kV4Ok + "x", "1 unexpected bytes after the 29-byte NRPE v4 packet"},
      {V2Ok() + "xy", "2 unexpected bytes after the 1036-byte NRPE v2 packet"},
      {bad_crc, "bad NRPE packet CRC32: the packet says 0x7c0c204c"},
      {version5, "unknown NRPE packet version 5 (expected 2, 3 or 4)"},
      {tls_alert, "look like a TLS record"},
      {EncodeQuery(4, "ok").value(), "unexpected NRPE packet type 1 (expected 2, a response)"},
      {huge, "buffer_length 2147483647 is outside 0..65536"},
      {negative, "buffer_length -1 is outside 0..65536"},
  };
  for (const auto& [bytes, message] : cases) {
    auto response = DecodeResponse(bytes);
    ASSERT_FALSE(response) << message;
    EXPECT_NE(response.error().message.find(message), std::string::npos)
        << response.error().message;
  }
}

TEST(NrpeDecodeResponse, StopsTheOutputAtTheFirstNulAndKeepsNegativeResultCodes) {
  const std::string b =
      Sealed(FromHex("0004000200000000ffff000000000005") + std::string("ab\0cd", 5));
  const NrpeResponse expected{4, -1, "ab"};
  EXPECT_EQ(Decoded(b), expected);
}

TEST(NrpeDecodeResponse, IgnoresTheAlignmentFieldInTheCrcAsCheckNrpeDoes) {
  std::string b = kV4Ok;
  b[11] = 7;
  EXPECT_EQ(Decoded(b).output, "OK: all good");
}

TEST(NrpeDecodeResponse, AcceptsAnEmptyBufferAndAV2BufferWithoutNul) {
  EXPECT_EQ(Decoded(Sealed(FromHex("00040002000000000000000000000000"))).output, "");
  std::string v2 = FromHex("0002000200000000") + std::string(1028, 'a');
  EXPECT_EQ(Decoded(Sealed(v2)).output, std::string(1023, 'a'));
}

TEST(NrpeBytesNeeded, CountsTheMissingBytesOfHeaderAndBody) {
  const std::vector<std::pair<std::string, std::size_t>> cases = {
      {"", 16},
      {std::string(1, '\0'), 15},
      {FromHex("0002"), 1034},
      {V2Ok().substr(0, 16), 1020},
      {V2Ok(), 0},
      {FromHex("0004"), 14},
      {kV4Ok.substr(0, 16), 13},
      {kV4Ok, 0},
      {kV4Ok + "more", 0},
  };
  for (const auto& [bytes, needed] : cases) {
    auto n = NrpeBytesNeeded(bytes);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(*n, needed) << bytes.size() << " bytes in";
  }
}

TEST(NrpeBytesNeeded, AgreesWithTheFullSizeAtEveryPrefixOfARealPacket) {
  for (const std::string& packet : {kV4Load, V2Ok()}) {
    for (std::size_t k = 0; k <= packet.size(); ++k) {
      const std::size_t needed = NrpeBytesNeeded(packet.substr(0, k)).value();
      const bool in_header = k < 2 || (k < 16 && packet[1] == 4);
      EXPECT_EQ(k + needed, in_header ? 16 : packet.size()) << k;
    }
  }
}

TEST(NrpeBytesNeeded, FailsEarlyOnAnUnknownVersionOrAnOversizedBuffer) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {FromHex("0007"), "unknown NRPE packet version 7"},
      {FromHex("1603"), "look like a TLS record"},
      {FromHex("00040002000000000000000000010001"), "buffer_length 65537 is outside"},
      {FromHex("00030002000000000000000080000000"), "buffer_length -2147483648 is outside"},
  };
  for (const auto& [bytes, message] : cases) {
    auto n = NrpeBytesNeeded(bytes);
    ASSERT_FALSE(n) << message;
    EXPECT_NE(n.error().message.find(message), std::string::npos) << n.error().message;
  }
  EXPECT_EQ(NrpeBytesNeeded(FromHex("00040002000000000000000000010000")).value(), kMaxNrpeBuffer);
}

}  // namespace
}  // namespace gs::probes
