// NRPE packets: a sans-I/O codec for the protocol between check_nrpe and the NRPE daemon
// (nrpe 2.x to 4.1). Encodes queries byte for byte as nrpe 4.1's check_nrpe does, frames and
// decodes responses with a bounded size. Pure functions on byte strings; thread-safe.
//
// Wire layout, all integers in network byte order:
//   v2:    int16 version, int16 type, uint32 crc32, int16 result, char buffer[1024], 2 bytes
//          padding: always 1036 bytes.
//   v3/v4: int16 version, int16 type, uint32 crc32, int16 result, int16 alignment,
//          int32 buffer_length, char buffer[buffer_length]: a 16-byte header plus the buffer.
// type is 1 for a query, 2 for a response. crc32 is zlib's CRC-32 of the packet with the crc
// field (and, for v3/v4, the alignment field) set to zero. The daemon answers in the version
// of the query; nrpe 4.1 accepts v2 and v4 queries only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "probes/result.h"

namespace gs::probes {

inline constexpr int kNrpeQueryPacket = 1;
inline constexpr int kNrpeResponsePacket = 2;
// Size of every v2 packet and of its text buffer (which includes the terminating NUL).
inline constexpr std::size_t kNrpeV2PacketSize = 1036;
inline constexpr std::size_t kNrpeV2BufferSize = 1024;
// Size of the v3/v4 header; no packet of any version is shorter.
inline constexpr std::size_t kNrpeHeaderSize = 16;
// The largest v3/v4 buffer_length accepted (nrpe caps plugin output well below it).
inline constexpr std::size_t kMaxNrpeBuffer = 64 * 1024;
// The command check_nrpe sends without -c: the daemon answers with its version.
inline constexpr std::string_view kNrpeHelloCommand = "_NRPE_CHECK";

struct NrpeResponse {
  int version = 0;      // 2, 3 or 4
  int result_code = 0;  // the agent's plugin exit code, as sent (int16)
  std::string output;   // the buffer up to its first NUL: the plugin's text and perfdata
  friend bool operator==(const NrpeResponse&, const NrpeResponse&) = default;
};

// The query text check_nrpe builds from -c COMMAND -a ARG...: "command!arg1!arg2". An
// argument containing '!' becomes two arguments on the daemon's side, as with check_nrpe.
std::string NrpeCommandLine(std::string_view command, const std::vector<std::string>& args);

// A complete query packet of `version` (2, 3 or 4) asking for `command_line`, laid out as
// nrpe 4.1's check_nrpe sends it (so every daemon accepts it): v2 is 1036 bytes with the
// unused header bytes zero (check_nrpe fills them at random); v3/v4 are zero-padded to at
// least 1036 bytes, with buffer_length = size - 16 (v4) or size - 19 (v3, nrpe 3's
// off-by-three). Fails on another version, a NUL in the command line, or a command line that
// does not fit (v2: 1023 bytes, v3/v4: kMaxNrpeBuffer - 1).
[[nodiscard]] Result<std::string> EncodeQuery(int version, std::string_view command_line);

// Incremental framing for a reader. `received` holds the first bytes of a packet (possibly
// none); returns how many more bytes complete it, or 0 when `received` already holds the
// whole packet (bytes past its end are not looked at). Below 16 bytes: the rest of the
// 16-byte header. Then v2: up to 1036; v3/v4: up to 16 + buffer_length (a v3 daemon sends
// three more zero bytes after that, which are not needed). Fails as soon as the bytes show an
// unknown version or a buffer_length that is negative or above kMaxNrpeBuffer, so a reader
// never allocates more than kNrpeHeaderSize + kMaxNrpeBuffer bytes for one packet.
[[nodiscard]] Result<std::size_t> NrpeBytesNeeded(std::string_view received);

// Decodes one complete response packet: exactly the bytes NrpeBytesNeeded framed (for v3
// optionally followed by the daemon's three slack bytes, which are ignored). Fails with a
// message naming the problem: truncated packet, bytes after its end, unknown version (noting
// when the bytes look like TLS), buffer_length out of bounds, wrong packet type, CRC
// mismatch. The CRC is checked as check_nrpe checks it (for v3 over three zero bytes past the
// buffer, as nrpe 3 sends them).
[[nodiscard]] Result<NrpeResponse> DecodeResponse(std::string_view bytes);

}  // namespace gs::probes
