// ParseSyslog: trailing-byte stripping, PRI, and the choice between RFC 5424, RFC 3164 and
// "unparsed". The formats themselves live in rfc5424.cc and rfc3164.cc.
#include "collector/syslog/syslog_parse.h"

#include <cstddef>
#include <string_view>

#include "collector/syslog/parse_detail.h"

namespace gs::collector::syslog {
namespace {

// PRI = "<" 1*3DIGIT ">" with value 0..191 and no leading zero except "<0>". Returns the
// length of the PRI (3..5) and sets `pri`, or 0 when the message does not start with one.
std::size_t ParsePri(std::string_view message, int& pri) {
  if (message.size() < 3 || message[0] != '<') return 0;
  std::size_t pos = 1;
  int value = 0;
  while (pos < message.size() && pos <= 3 && detail::IsDigit(message[pos])) {
    value = value * 10 + (message[pos] - '0');
    ++pos;
  }
  const std::size_t digits = pos - 1;
  if (digits == 0 || pos >= message.size() || message[pos] != '>') return 0;
  if ((digits > 1 && message[1] == '0') || value > 191) return 0;
  pri = value;
  return pos + 1;
}

// Every field back to "absent", keeping the strings' capacity; `node` is not ours.
void Reset(const ParseContext& context, LogRecord& out) {
  out.received = context.received;
  out.source.assign(context.source);
  out.facility = -1;
  out.severity = -1;
  out.hostname.clear();
  out.app_name.clear();
  out.procid.clear();
  out.msgid.clear();
  out.timestamp.clear();
  out.structured_data.clear();
  out.msg.clear();
  out.format = Format::kUnparsed;
  out.truncated = false;
}

// kUnparsed: the text kept whole, the sender's address standing in for the host.
void SetUnparsed(std::string_view text, const ParseContext& context, LogRecord& out) {
  out.hostname.assign(context.source);
  out.app_name.clear();
  out.procid.clear();
  out.msgid.clear();
  out.timestamp.clear();
  out.structured_data.clear();
  out.msg.assign(text);
  out.format = Format::kUnparsed;
}

}  // namespace

void ParseSyslog(std::string_view message, const ParseContext& context, LogRecord& out) {
  while (!message.empty() &&
         (message.back() == '\n' || message.back() == '\r' || message.back() == '\0')) {
    message.remove_suffix(1);
  }
  Reset(context, out);
  int pri = 0;
  const std::size_t pri_length = ParsePri(message, pri);
  if (pri_length == 0) {
    SetUnparsed(message, context, out);
    return;
  }
  out.facility = pri / 8;
  out.severity = pri % 8;
  const std::string_view rest = message.substr(pri_length);
  if (rest.starts_with("1 ")) {
    if (detail::ParseRfc5424(rest, out)) {
      out.format = Format::kRfc5424;
    } else {
      SetUnparsed(rest, context, out);  // a broken header: keep PRI, keep every byte after it
    }
    return;
  }
  out.format = Format::kRfc3164;
  detail::ParseRfc3164(rest, context, out);
}

}  // namespace gs::collector::syslog
