#include "collector/syslog/archive_format.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "collector/storage/names.h"

namespace gs::collector::syslog {

namespace {

using std::chrono::system_clock;

constexpr char kHex[] = "0123456789abcdef";

// True when one of the 8 bytes at `p` is a control byte (< 0x20), a backslash or DEL. Bytes
// >= 0x80 (UTF-8) never count. The classic "has zero byte" bit trick, applied to each test.
bool NeedsEscape8(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t x = 0;
  std::memcpy(&x, p, 8);
  const auto zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
  return (below_space | zero(x ^ (kOnes * '\\')) | zero(x ^ (kOnes * 0x7f))) != 0;
}

// The same test for 16 bytes at `p` in one go (SSE2, part of every x86-64): unsigned
// min(x, 0x1f) == x means x < 0x20.
bool NeedsEscape16(const char* p) {
#if defined(__SSE2__)
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
  const __m128i special =
      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
  return _mm_movemask_epi8(_mm_or_si128(control, special)) != 0;
#else
  return NeedsEscape8(p) || NeedsEscape8(p + 8);
#endif
}

void AppendEscaped(std::string_view field, std::string& out) {
  if (field.empty()) {
    out += '-';
    return;
  }
  if (field == "-") {
    out += "\\-";
    return;
  }
  std::size_t plain = 0;  // start of the run of bytes that need no escape
  for (std::size_t i = 0; i < field.size(); ++i) {
    // Skip clean bytes 16 or 8 at a time: most text needs no escape at all.
    while (i + 16 <= field.size() && !NeedsEscape16(field.data() + i)) i += 16;
    while (i + 8 <= field.size() && !NeedsEscape8(field.data() + i)) i += 8;
    if (i >= field.size()) break;
    const auto c = static_cast<unsigned char>(field[i]);
    if (c >= 0x20 && c != '\\' && c != 0x7f) continue;
    out.append(field.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(field.data() + plain, field.size() - plain);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Unescape(std::string_view field, std::string& out) {
  out.clear();
  if (field == "-") return true;
  if (field == "\\-") {
    out.push_back('-');  // not `out = "-"`: g++ 12 -O2 warns falsely (-Wrestrict) on that
    return true;
  }
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    if (++i >= field.size()) return false;
    switch (field[i]) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'x': {
        if (i + 2 >= field.size()) return false;
        const int hi = HexValue(field[i + 1]);
        const int lo = HexValue(field[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

// Seconds-resolution prefix "YYYY-MM-DDTHH:MM:SS", cached per thread for the last second.
void AppendSecond(std::time_t seconds, std::string& out) {
  thread_local std::time_t cached = -1;
  thread_local std::array<char, 32> text{};
  if (seconds != cached) {
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &tm);
    cached = seconds;
  }
  out.append(text.data(), 19);
}

void AppendReceived(system_clock::time_point t, std::string& out) {
  // The records of one read share their receive time: the last text is kept per thread.
  thread_local bool valid = false;
  thread_local system_clock::time_point cached;
  thread_local std::array<char, 27> text{};
  if (valid && t == cached) {
    out.append(text.data(), text.size());
    return;
  }
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch());
  auto seconds = static_cast<std::time_t>(us.count() / 1'000'000);
  long long frac = us.count() % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --seconds;
  }
  const std::size_t start = out.size();
  AppendSecond(seconds, out);
  char digits[8] = {'.', '0', '0', '0', '0', '0', '0', 'Z'};
  for (int i = 6; i >= 1; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out.append(digits, 8);
  if (out.size() - start == text.size()) {
    out.copy(text.data(), text.size(), start);
    cached = t;
    valid = true;
  }
}

template <typename T>
bool Digits(std::string_view text, std::size_t pos, std::size_t n, T& value) {
  if (pos + n > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = static_cast<T>(value * 10 + (text[i] - '0'));
  }
  return true;
}

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kRfc5424:
      return "5424";
    case Format::kRfc3164:
      return "3164";
    case Format::kUnparsed:
      break;
  }
  return "unparsed";
}

}  // namespace

std::string FormatReceived(system_clock::time_point t) {
  std::string out;
  AppendReceived(t, out);
  return out;
}

bool ParseReceived(std::string_view text, system_clock::time_point& out) {
  // YYYY-MM-DDTHH:MM:SS[.ffffff]Z
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !Digits(text, 0, 4, year) || text[4] != '-' ||
      !Digits(text, 5, 2, month) || text[7] != '-' || !Digits(text, 8, 2, day) || text[10] != 'T' ||
      !Digits(text, 11, 2, hour) || text[13] != ':' || !Digits(text, 14, 2, minute) ||
      text[16] != ':' || !Digits(text, 17, 2, second) || text.back() != 'Z') {
    return false;
  }
  // system_clock counts nanoseconds in 64 bits: 1677-09-21 .. 2262-04-11.
  if (year < 1678 || year > 2261 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return false;
  }
  long long micros = 0;
  if (text.size() > 20) {
    if (text[19] != '.') return false;
    const std::string_view frac = text.substr(20, text.size() - 21);
    if (frac.empty() || frac.size() > 9) return false;
    long long scale = 1'000'000;
    for (char c : frac) {
      if (c < '0' || c > '9') return false;
      scale /= 10;
      micros += (c - '0') * scale;
    }
  }
  using namespace std::chrono;
  const sys_days date =
      year_month_day{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  out = system_clock::time_point(duration_cast<system_clock::duration>(
      date.time_since_epoch() + hours(hour) + minutes(minute) + seconds(second) +
      microseconds(micros)));
  return true;
}

void AppendArchiveLine(const LogRecord& r, std::string& out) {
  AppendReceived(r.received, out);
  out += '\t';
  AppendEscaped(r.source, out);
  out += '\t';
  const std::string_view facility = FacilityName(r.facility);
  const std::string_view severity = SeverityName(r.severity);
  if (facility.empty() || severity.empty()) {
    out += '-';
  } else {
    out.append(facility);
    out += '.';
    out.append(severity);
  }
  for (const std::string* field : {&r.hostname, &r.app_name, &r.procid, &r.msgid, &r.timestamp}) {
    out += '\t';
    AppendEscaped(*field, out);
  }
  out += '\t';
  out.append(FormatName(r.format));
  if (r.truncated) out += ",truncated";
  out += '\t';
  AppendEscaped(r.node, out);
  out += '\t';
  AppendEscaped(r.structured_data, out);
  out += '\t';
  AppendEscaped(r.msg, out);
  out += '\n';
}

bool ParseArchiveLine(std::string_view line, LogRecord& out) {
  std::array<std::string_view, 12> f;
  std::size_t start = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::size_t tab = i + 1 < f.size() ? line.find('\t', start) : line.size();
    if (tab == std::string_view::npos) return false;
    f[i] = line.substr(start, tab - start);
    start = tab + 1;
  }
  if (f[11].find('\t') != std::string_view::npos) return false;
  if (!ParseReceived(f[0], out.received)) return false;
  if (!Unescape(f[1], out.source)) return false;
  out.facility = -1;
  out.severity = -1;
  if (f[2] != "-") {
    const auto dot = f[2].find('.');
    if (dot == std::string_view::npos) return false;
    out.facility = ParseFacility(f[2].substr(0, dot));
    out.severity = ParseSeverity(f[2].substr(dot + 1));
    if (out.facility < 0 || out.severity < 0) return false;
  }
  if (!Unescape(f[3], out.hostname) || !Unescape(f[4], out.app_name) ||
      !Unescape(f[5], out.procid) || !Unescape(f[6], out.msgid) || !Unescape(f[7], out.timestamp)) {
    return false;
  }
  std::string_view format = f[8];
  out.truncated = format.ends_with(",truncated");
  if (out.truncated) format.remove_suffix(10);
  if (format == "5424") {
    out.format = Format::kRfc5424;
  } else if (format == "3164") {
    out.format = Format::kRfc3164;
  } else if (format == "unparsed") {
    out.format = Format::kUnparsed;
  } else {
    return false;
  }
  return Unescape(f[9], out.node) && Unescape(f[10], out.structured_data) &&
         Unescape(f[11], out.msg);
}

std::string ArchiveHost(const LogRecord& record) {
  const std::string& name = !record.hostname.empty() ? record.hostname
                            : !record.node.empty()   ? record.node
                                                     : record.source;
  std::string lower = name.empty() ? std::string("unknown") : name;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return SanitizeName(lower);
}

std::int64_t ArchiveDayIndex(system_clock::time_point t) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

std::int64_t ArchiveDayOfFile(const std::string& name) {
  if (!name.ends_with(".log") && !name.ends_with(".log.gz")) return -1;
  system_clock::time_point t;
  if (name.size() < 10 || !ParseReceived(name.substr(0, 10) + "T00:00:00Z", t)) return -1;
  return ArchiveDayIndex(t);
}

const std::string& ArchiveHostCache::Get(const LogRecord& record) {
  const std::string& name = !record.hostname.empty() ? record.hostname
                            : !record.node.empty()   ? record.node
                                                     : record.source;
  if (name != name_ || host_.empty()) {
    name_ = name;
    host_ = ArchiveHost(record);
  }
  return host_;
}

std::string ArchiveDay(system_clock::time_point t) {
  std::string out;
  AppendReceived(t, out);
  out.resize(10);
  return out;
}

}  // namespace gs::collector::syslog
