#include "probes/nrpe_packet.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

namespace gs::probes {

namespace {

// Field offsets, shared by every version.
constexpr std::size_t kVersionAt = 0;
constexpr std::size_t kTypeAt = 2;
constexpr std::size_t kCrcAt = 4;
constexpr std::size_t kResultAt = 8;
constexpr std::size_t kV2BufferAt = 10;
constexpr std::size_t kAlignmentAt = 10;  // v3/v4
constexpr std::size_t kLengthAt = 12;     // v3/v4
// nrpe 3 sizes a v3 packet as sizeof(v3_packet) - 1 + buffer_length = 19 + buffer_length:
// three bytes past the 16-byte header and the buffer, zero, sent and covered by the CRC.
constexpr std::size_t kV3Slack = 3;
// check_nrpe never sends a v3/v4 query shorter than a v2 packet.
constexpr std::size_t kMinQuerySize = kNrpeV2PacketSize;

std::uint16_t Be16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(b[at]) << 8) |
                                    static_cast<unsigned char>(b[at + 1]));
}

std::uint32_t Be32(std::string_view b, std::size_t at) {
  return (std::uint32_t{Be16(b, at)} << 16) | Be16(b, at + 2);
}

void PutBe16(std::string& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<char>(v >> 8);
  b[at + 1] = static_cast<char>(v & 0xff);
}

void PutBe32(std::string& b, std::size_t at, std::uint32_t v) {
  PutBe16(b, at, static_cast<std::uint16_t>(v >> 16));
  PutBe16(b, at + 2, static_cast<std::uint16_t>(v & 0xffff));
}

std::uint32_t Crc(std::uint32_t crc, std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

// CRC-32 of `packet` as the peer computes it: crc field zero; for v3/v4 the alignment field
// zero too (check_nrpe never copies it into the packet it checks); `slack` zero bytes after.
std::uint32_t PacketCrc(std::string_view packet, bool has_alignment, std::size_t slack) {
  constexpr std::array<char, 4> kZeros{};
  const std::string_view zeros(kZeros.data(), kZeros.size());
  std::uint32_t crc = Crc(0, packet.substr(0, kCrcAt));
  crc = Crc(crc, zeros);
  if (has_alignment) {
    crc = Crc(crc, packet.substr(kResultAt, 2));
    crc = Crc(crc, zeros.substr(0, 2));
    crc = Crc(crc, packet.substr(kLengthAt));
  } else {
    crc = Crc(crc, packet.substr(kResultAt));
  }
  return Crc(crc, zeros.substr(0, slack));
}

std::string Hex(std::uint32_t v) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "0x%08x", v);
  return text.data();
}

// The version field's complaint, with a hint when the bytes are a TLS record header (content
// type 20..23, major version 3): the agent speaks TLS and this client does not.
std::string UnknownVersion(std::string_view b) {
  std::string message = "unknown NRPE packet version " + std::to_string(Be16(b, kVersionAt)) +
                        " (expected 2, 3 or 4)";
  const auto type = static_cast<unsigned char>(b[0]);
  if (type >= 20 && type <= 23 && b[1] == 3) {
    message += "; the bytes look like a TLS record: the agent uses TLS";
  }
  return message;
}

// The string up to the first NUL (or all of it).
std::string UpToNul(std::string_view buffer) {
  return std::string(buffer.substr(0, std::min(buffer.find('\0'), buffer.size())));
}

}  // namespace

std::string NrpeCommandLine(std::string_view command, const std::vector<std::string>& args) {
  std::string line(command);
  for (const std::string& arg : args) {
    line += '!';
    line += arg;
  }
  return line;
}

Result<std::string> EncodeQuery(int version, std::string_view command_line) {
  if (version < 2 || version > 4) {
    return Fail("unsupported NRPE packet version " + std::to_string(version) +
                " (expected 2, 3 or 4)");
  }
  if (command_line.find('\0') != std::string_view::npos) {
    return Fail("the NRPE command line contains a NUL byte");
  }
  const std::size_t limit = version == 2 ? kNrpeV2BufferSize - 1 : kMaxNrpeBuffer - 1;
  if (command_line.size() > limit) {
    return Fail("the NRPE command line has " + std::to_string(command_line.size()) +
                " bytes; packet version " + std::to_string(version) + " allows " +
                std::to_string(limit));
  }
  std::string packet;
  if (version == 2) {
    packet.assign(kNrpeV2PacketSize, '\0');
    packet.replace(kV2BufferAt, command_line.size(), command_line);
  } else {
    const std::size_t offset = kNrpeHeaderSize + (version == 3 ? kV3Slack : 0);
    packet.assign(std::max(offset + command_line.size() + 1, kMinQuerySize), '\0');
    PutBe32(packet, kLengthAt, static_cast<std::uint32_t>(packet.size() - offset));
    packet.replace(kNrpeHeaderSize, command_line.size(), command_line);
  }
  PutBe16(packet, kVersionAt, static_cast<std::uint16_t>(version));
  PutBe16(packet, kTypeAt, kNrpeQueryPacket);
  // A query's CRC covers every byte sent; the fields it skips are zero here anyway.
  PutBe32(packet, kCrcAt, PacketCrc(packet, false, 0));
  return packet;
}

Result<std::size_t> NrpeBytesNeeded(std::string_view received) {
  if (received.size() >= 2) {
    const int version = Be16(received, kVersionAt);
    if (version < 2 || version > 4) return Fail(UnknownVersion(received));
    if (version == 2) {
      return kNrpeV2PacketSize - std::min(received.size(), kNrpeV2PacketSize);
    }
  }
  if (received.size() < kNrpeHeaderSize) return kNrpeHeaderSize - received.size();
  const auto length = static_cast<std::int32_t>(Be32(received, kLengthAt));
  if (length < 0 || static_cast<std::size_t>(length) > kMaxNrpeBuffer) {
    return Fail("NRPE buffer_length " + std::to_string(length) + " is outside 0.." +
                std::to_string(kMaxNrpeBuffer));
  }
  const std::size_t total = kNrpeHeaderSize + static_cast<std::size_t>(length);
  return total - std::min(received.size(), total);
}

Result<NrpeResponse> DecodeResponse(std::string_view bytes) {
  if (bytes.size() < kNrpeHeaderSize) {
    return Fail("truncated NRPE packet: " + std::to_string(bytes.size()) +
                " bytes, shorter than the 16-byte header");
  }
  auto missing = NrpeBytesNeeded(bytes);
  if (!missing) return tl::unexpected(missing.error());
  const int version = Be16(bytes, kVersionAt);
  const std::size_t expected =
      version == 2 ? kNrpeV2PacketSize : kNrpeHeaderSize + Be32(bytes, kLengthAt);
  if (*missing > 0) {
    return Fail("truncated NRPE v" + std::to_string(version) + " packet: " +
                std::to_string(bytes.size()) + " of " + std::to_string(expected) + " bytes");
  }
  // A v3 daemon's three slack bytes may follow; check_nrpe ignores them, so does this.
  if (bytes.size() > expected + (version == 3 ? kV3Slack : 0)) {
    return Fail(std::to_string(bytes.size() - expected) + " unexpected bytes after the " +
                std::to_string(expected) + "-byte NRPE v" + std::to_string(version) + " packet");
  }
  const int type = Be16(bytes, kTypeAt);
  if (type != kNrpeResponsePacket) {
    return Fail("unexpected NRPE packet type " + std::to_string(type) + " (expected " +
                std::to_string(kNrpeResponsePacket) + ", a response)");
  }
  bytes = bytes.substr(0, expected);
  const std::uint32_t sent = Be32(bytes, kCrcAt);
  const std::uint32_t computed = PacketCrc(bytes, version != 2, version == 3 ? kV3Slack : 0);
  if (sent != computed) {
    return Fail("bad NRPE packet CRC32: the packet says " + Hex(sent) + ", its bytes give " +
                Hex(computed));
  }
  NrpeResponse response;
  response.version = version;
  response.result_code = static_cast<std::int16_t>(Be16(bytes, kResultAt));
  // check_nrpe forces a NUL into the last byte of a v2 buffer.
  response.output = version == 2 ? UpToNul(bytes.substr(kV2BufferAt, kNrpeV2BufferSize - 1))
                                 : UpToNul(bytes.substr(kNrpeHeaderSize));
  return response;
}

}  // namespace gs::probes
