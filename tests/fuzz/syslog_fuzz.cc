// Fuzzes the syslog receive path as a TCP listener runs it: FrameDecoder over a stream cut
// into reads, then ParseSyslog on every frame (and on the whole input, as a UDP datagram).
//
// Input: byte 0 picks max_message (16..4096), byte 1 the read pattern and the receive time,
// the rest is the stream. Invariants (std::abort on violation):
// - frames are never longer than max_message, and truncated frames exactly max_message long;
//   buffered() never exceeds max_message + 16 and is 0 after Finish;
// - the frames and the failure do not depend on how the stream was cut into reads;
// - a record's fields respect the RFC 5424 lengths and printable ASCII where required;
//   kUnparsed keeps the whole text (after the PRI, if valid) with the source as host;
//   kRfc5424 re-serialises to exactly the input, and its SD passes ParseStructuredData;
//   kRfc3164 loses no byte: msg is a suffix and the fields were taken from the input;
// - parsing into a reused record gives the same result as parsing into a fresh one.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "collector/syslog/framing.h"
#include "collector/syslog/syslog_parse.h"

namespace {

using gs::collector::syslog::Format;
using gs::collector::syslog::FrameDecoder;
using gs::collector::syslog::LogRecord;
using gs::collector::syslog::ParseContext;
using gs::collector::syslog::SdElement;

void Check(bool condition) {
  if (!condition) std::abort();
}

struct Frame {
  std::string message;
  bool truncated = false;
  friend bool operator==(const Frame&, const Frame&) = default;
};

struct Decoded {
  std::vector<Frame> frames;
  bool ok = true;
  friend bool operator==(const Decoded&, const Decoded&) = default;
};

// pattern 0: one read; otherwise reads of 1..pattern bytes from a small LCG.
Decoded Decode(std::string_view stream, std::size_t max_message, unsigned pattern) {
  FrameDecoder decoder(max_message);
  Decoded out;
  const auto sink = [&](std::string_view message, bool truncated) {
    Check(message.size() <= max_message);
    Check(!truncated || message.size() == max_message);
    out.frames.push_back({std::string(message), truncated});
  };
  std::uint32_t state = pattern * 2654435761U + 1U;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    state = state * 1664525U + 1013904223U;
    std::size_t n = pattern == 0 ? stream.size() : 1 + (state >> 8) % pattern;
    n = std::min(n, stream.size() - pos);
    const bool ok = decoder.Feed(stream.substr(pos, n), sink);
    Check(ok == !decoder.failed());
    Check(decoder.buffered() <= max_message + 16);
    pos += n;
    if (!ok) {
      out.ok = false;
      Check(!decoder.Feed("1 x", sink));
      break;
    }
  }
  decoder.Finish(sink);
  Check(decoder.buffered() == 0);
  return out;
}

std::string_view StripTrailing(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '\0')) {
    text.remove_suffix(1);
  }
  return text;
}

bool PrintUsAscii(std::string_view text) {
  for (const char c : text) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

std::string_view Nil(const std::string& field) {
  return field.empty() ? std::string_view("-") : std::string_view(field);
}

// The RFC 5424 message the record came from, byte for byte (up to the BOM, which may or may
// not have been there).
void CheckRfc5424(std::string_view text, const LogRecord& r) {
  Check(PrintUsAscii(r.hostname) && PrintUsAscii(r.app_name) && PrintUsAscii(r.procid) &&
        PrintUsAscii(r.msgid) && PrintUsAscii(r.timestamp));
  std::vector<SdElement> elements;
  Check(ParseStructuredData(r.structured_data, elements));
  Check(r.structured_data.empty() == elements.empty());
  const std::string header = "<" + std::to_string(r.facility * 8 + r.severity) + ">1 " +
                             std::string(Nil(r.timestamp)) + " " + std::string(Nil(r.hostname)) +
                             " " + std::string(Nil(r.app_name)) + " " + std::string(Nil(r.procid)) +
                             " " + std::string(Nil(r.msgid)) + " " +
                             std::string(Nil(r.structured_data));
  Check(text.starts_with(header));
  std::string_view rest = text.substr(header.size());
  if (rest.empty()) {
    Check(r.msg.empty());
    return;
  }
  Check(rest[0] == ' ');
  rest.remove_prefix(1);
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
  Check(rest == r.msg);
}

void CheckRecord(std::string_view message, const ParseContext& context, const LogRecord& r) {
  const std::string_view text = StripTrailing(message);
  Check(r.received == context.received && r.source == context.source);
  Check(r.hostname.size() <= 255 && r.app_name.size() <= 48 && r.procid.size() <= 128 &&
        r.msgid.size() <= 32);
  Check(text.ends_with(r.msg));
  if (r.format == Format::kUnparsed) {
    Check(r.hostname == context.source);
    Check((r.app_name + r.procid + r.msgid + r.timestamp + r.structured_data).empty());
    if (r.facility == -1) {
      Check(r.severity == -1 && r.msg == text);
    } else {
      const std::size_t pri = text.size() - r.msg.size();
      Check(pri >= 3 && pri <= 5 && text[0] == '<' && text[pri - 1] == '>');
      Check(r.msg.starts_with("1 "));
    }
    return;
  }
  Check(r.facility >= 0 && r.facility <= 23 && r.severity >= 0 && r.severity <= 7);
  if (r.format == Format::kRfc5424) {
    CheckRfc5424(text, r);
    return;
  }
  Check(r.format == Format::kRfc3164);
  Check(r.msgid.empty());
  const std::string_view head = text.substr(0, text.size() - r.msg.size());
  Check(head.find(r.hostname) != std::string_view::npos);
  Check(head.find(r.app_name) != std::string_view::npos);
  Check(head.find(r.procid) != std::string_view::npos);
  Check(PrintUsAscii(r.app_name) && PrintUsAscii(r.procid) && PrintUsAscii(r.hostname));
  std::vector<SdElement> elements;
  Check(ParseStructuredData(r.structured_data, elements));
  Check(r.timestamp.size() <= 48);
}

void Parse(std::string_view message, const ParseContext& context, LogRecord& reused) {
  gs::collector::syslog::ParseSyslog(message, context, reused);
  CheckRecord(message, context, reused);
  Check(reused == gs::collector::syslog::ParseSyslog(message, context));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max_message = 16 + std::size_t{data[0]} * 16;
  const unsigned pattern = data[1] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);
  // 2026-09-22 plus up to two years in steps of three days: exercises the year inference.
  const ParseContext context{
      std::chrono::system_clock::time_point(std::chrono::seconds(1789900000) +
                                            std::chrono::hours(72) * data[1]),
      "198.51.100.4"};

  const Decoded whole = Decode(stream, max_message, 0);
  Check(Decode(stream, max_message, pattern == 0 ? 1 : pattern) == whole);
  std::size_t total = 0;
  LogRecord record;
  for (const Frame& frame : whole.frames) {
    total += frame.message.size();
    Parse(frame.message, context, record);
  }
  Check(total <= stream.size());
  Parse(stream, context, record);  // the whole input as one UDP datagram
  return 0;
}
