// RFC 5424 (section 6): the header after "<PRI>1 ", STRUCTURED-DATA and MSG; and
// ParseStructuredData, which splits stored SD text into elements.
#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "collector/syslog/parse_detail.h"
#include "collector/syslog/syslog_parse.h"

namespace gs::collector::syslog {
namespace detail {
namespace {

constexpr std::size_t kMaxSdName = 32;
constexpr std::size_t kMaxTimestamp = 64;  // longest TIMESTAMP field read (a valid one: 32)
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// SD-NAME = 1*32PRINTUSASCII except '=', SP, ']', '"'. Returns its length, 0 if none.
std::size_t ScanSdName(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && end - pos <= kMaxSdName) {
    const char c = text[end];
    if (!IsPrintUsAscii(c) || c == '=' || c == ']' || c == '"') break;
    ++end;
  }
  const std::size_t length = end - pos;
  return length > kMaxSdName ? 0 : length;
}

// PARAM-VALUE up to its closing '"', starting after the opening one. Returns the index of the
// closing quote, or npos when it is missing or an unescaped ']' appears. With `value`, appends
// the value with \" \\ \] unescaped; a backslash before any other octet is kept (6.3.3).
std::size_t ScanParamValue(std::string_view text, std::size_t pos, std::string* value) {
  std::size_t run = pos;  // start of the bytes not yet copied to `value`
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      if (value != nullptr) value->append(text.data() + run, pos - run);
      return pos;
    }
    if (c == ']') return std::string_view::npos;
    if (c == '\\' && pos + 1 < text.size()) {
      const char next = text[pos + 1];
      if (next == '"' || next == '\\' || next == ']') {
        if (value != nullptr) {
          value->append(text.data() + run, pos - run);
          value->push_back(next);
        }
        pos += 2;
        run = pos;
        continue;
      }
    }
    ++pos;
  }
  return std::string_view::npos;
}

// One SD-ELEMENT at text[pos] == '['. Returns the index after its ']', 0 if invalid.
std::size_t ScanSdElement(std::string_view text, std::size_t pos, std::vector<SdElement>* out) {
  ++pos;  // '['
  const std::size_t id_length = ScanSdName(text, pos);
  if (id_length == 0) return 0;
  SdElement* element = nullptr;
  if (out != nullptr) {
    element = &out->emplace_back();
    element->id.assign(text.substr(pos, id_length));
  }
  pos += id_length;
  while (pos < text.size() && text[pos] == ' ') {
    ++pos;
    const std::size_t name_length = ScanSdName(text, pos);
    if (name_length == 0) return 0;
    const std::size_t name_end = pos + name_length;
    if (name_end + 1 >= text.size() || text[name_end] != '=' || text[name_end + 1] != '"') {
      return 0;
    }
    SdParam* param = nullptr;
    if (element != nullptr) {
      param = &element->params.emplace_back();
      param->name.assign(text.substr(pos, name_length));
    }
    const std::size_t close =
        ScanParamValue(text, name_end + 2, param != nullptr ? &param->value : nullptr);
    if (close == std::string_view::npos) return 0;
    pos = close + 1;
  }
  if (pos >= text.size() || text[pos] != ']') return 0;
  return pos + 1;
}

// One header field: 1..max_length PRINTUSASCII then SP. "-" gives an empty field.
bool ReadField(std::string_view text, std::size_t& pos, std::size_t max_length,
               std::string_view& field) {
  std::size_t end = pos;
  while (end < text.size() && IsPrintUsAscii(text[end])) ++end;
  const std::size_t length = end - pos;
  if (length == 0 || length > max_length || end >= text.size() || text[end] != ' ') return false;
  field = text.substr(pos, length);
  if (field == "-") field = {};
  pos = end + 1;
  return true;
}

}  // namespace

std::size_t ScanStructuredData(std::string_view text, std::vector<SdElement>* out) {
  std::size_t pos = 0;
  while (pos < text.size() && text[pos] == '[') {
    const std::size_t end = ScanSdElement(text, pos, out);
    if (end == 0) return 0;
    pos = end;
  }
  return pos;
}

bool ParseRfc5424(std::string_view text, LogRecord& out) {
  std::size_t pos = 2;  // "1 "
  std::string_view timestamp;
  std::string_view hostname;
  std::string_view app_name;
  std::string_view procid;
  std::string_view msgid;
  if (!ReadField(text, pos, kMaxTimestamp, timestamp) || !ReadField(text, pos, 255, hostname) ||
      !ReadField(text, pos, 48, app_name) || !ReadField(text, pos, 128, procid) ||
      !ReadField(text, pos, 32, msgid)) {
    return false;
  }
  if (!timestamp.empty()) {
    // The last valid timestamp, per thread: consecutive messages mostly carry the same one.
    thread_local std::array<char, kMaxTimestamp> last_valid{};
    thread_local std::size_t last_valid_size = 0;
    if (timestamp.size() != last_valid_size ||
        !std::equal(timestamp.begin(), timestamp.end(), last_valid.begin())) {
      CivilTime time;
      bool has_offset = false;
      if (ParseRfc3339(timestamp, 6, true, time, has_offset) != timestamp.size()) return false;
      std::copy(timestamp.begin(), timestamp.end(), last_valid.begin());
      last_valid_size = timestamp.size();
    }
  }
  std::string_view sd;
  if (pos < text.size() && text[pos] == '-') {
    ++pos;
  } else {
    const std::size_t length = ScanStructuredData(text.substr(pos), nullptr);
    if (length == 0) return false;
    sd = text.substr(pos, length);
    pos += length;
  }
  std::string_view msg;
  if (pos < text.size()) {
    if (text[pos] != ' ') return false;
    msg = text.substr(pos + 1);
    if (msg.starts_with(kBom)) msg.remove_prefix(kBom.size());
  }
  out.timestamp.assign(timestamp);
  out.hostname.assign(hostname);
  out.app_name.assign(app_name);
  out.procid.assign(procid);
  out.msgid.assign(msgid);
  out.structured_data.assign(sd);
  out.msg.assign(msg);
  return true;
}

}  // namespace detail

bool ParseStructuredData(std::string_view sd, std::vector<SdElement>& out) {
  out.clear();
  if (sd.empty() || sd == "-") return true;
  if (detail::ScanStructuredData(sd, &out) == sd.size()) return true;
  out.clear();
  return false;
}

}  // namespace gs::collector::syslog
