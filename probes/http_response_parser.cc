#include "probes/http_response_parser.h"

#include <algorithm>
#include <charconv>

#include "probes/text_fields.h"

namespace gs::probes {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A short, printable excerpt of what the server sent, for error messages.
std::string Excerpt(std::string_view s) {
  std::string out;
  for (const char c : s.substr(0, 40)) {
    out += (c >= ' ' && c <= '~') ? c : '?';
  }
  if (s.size() > 40) out += "...";
  return out;
}

// "123" or "123, 123" (RFC 9110 section 8.6: a list of identical values is one value).
bool ParseContentLength(std::string_view value, std::uint64_t& out) {
  bool any = false;
  std::uint64_t first = 0;
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view item = Trim(value.substr(0, comma));
    // 18 digits keep well inside uint64_t; no real body is larger.
    if (item.empty() || item.size() > 18 || !std::all_of(item.begin(), item.end(), IsDigit)) {
      return false;
    }
    std::uint64_t n = 0;
    std::from_chars(item.data(), item.data() + item.size(), n);
    if (any && n != first) return false;
    first = n;
    any = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  out = first;
  return true;
}

// The last transfer coding of a Transfer-Encoding value is "chunked".
bool EndsChunked(std::string_view value) {
  const std::size_t comma = value.rfind(',');
  const std::string_view last =
      Trim(comma == std::string_view::npos ? value : value.substr(comma + 1));
  return EqualsIgnoreCase(last, "chunked");
}

}  // namespace

void HttpResponseParser::Reset(bool head, std::string* body, std::size_t keep) {
  phase_ = Phase::kStatusLine;
  status_ = Status::kNeedMore;
  head_ = head;
  body_ = body;
  keep_ = keep;
  line_.clear();
  budget_ = kMaxHeaderBytes;
  code_ = 0;
  reason_.clear();
  body_size_ = 0;
  remaining_ = 0;
  has_length_ = false;
  length_ = 0;
  chunked_ = false;
  has_transfer_encoding_ = false;
  received_any_ = false;
  error_.clear();
}

HttpResponseParser::Status HttpResponseParser::Fail(std::string message) {
  error_ = std::move(message);
  line_.clear();
  status_ = Status::kError;
  return status_;
}

HttpResponseParser::Status HttpResponseParser::Complete() {
  phase_ = Phase::kDone;
  line_.clear();
  status_ = Status::kComplete;
  return status_;
}

// Takes one line from `in` (without its LF, or CR LF). False when `in` ends first: its bytes
// are kept in line_ for the next call, or, past the budget, the parser fails.
bool HttpResponseParser::NextLine(std::string_view& in, std::string_view& line) {
  const std::size_t lf = in.find('\n');
  const std::size_t take = lf == std::string_view::npos ? in.size() : lf + 1;
  if (take > budget_) {
    Fail(phase_ == Phase::kChunkSize ? "chunk size line too long" : "Too large response headers");
    return false;
  }
  budget_ -= take;
  if (lf == std::string_view::npos) {
    line_.append(in);
    in = {};
    return false;
  }
  if (line_.empty()) {
    line = in.substr(0, lf);
  } else {
    line_.append(in.substr(0, lf));
    line = line_;
  }
  in.remove_prefix(lf + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

// "HTTP/1.1 200 OK": version, a space, three digits, then an optional reason phrase.
bool HttpResponseParser::OnStatusLine(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !IsDigit(line[5]) || line[6] != '.' ||
      !IsDigit(line[7]) || line[8] != ' ' || !IsDigit(line[9]) || !IsDigit(line[10]) ||
      !IsDigit(line[11]) || (line.size() > 12 && line[12] != ' ')) {
    Fail("invalid HTTP status line '" + Excerpt(line) + "'");
    return false;
  }
  code_ = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (code_ < 100) {
    Fail("invalid HTTP status code in '" + Excerpt(line) + "'");
    return false;
  }
  const std::string_view reason = line.size() > 13 ? Trim(line.substr(13)) : std::string_view();
  reason_.assign(reason.substr(0, kMaxReason));
  has_length_ = false;
  chunked_ = false;
  has_transfer_encoding_ = false;
  phase_ = Phase::kHeaders;
  return true;
}

bool HttpResponseParser::OnHeaderLine(std::string_view line) {
  // Obsolete line folding continues the previous header; none of those we read is folded by
  // real servers, so the continuation is skipped like any other header we do not need.
  if (line.front() == ' ' || line.front() == '\t') return true;
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return true;  // not a header; libcurl skips these too
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = Trim(line.substr(colon + 1));
  if (EqualsIgnoreCase(name, "content-length")) {
    std::uint64_t n = 0;
    if (!ParseContentLength(value, n) || (has_length_ && n != length_)) {
      Fail("invalid Content-Length '" + Excerpt(value) + "'");
      return false;
    }
    has_length_ = true;
    length_ = n;
  } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
    has_transfer_encoding_ = true;
    chunked_ = EndsChunked(value);
  }
  return true;
}

// The blank line after the headers: decides where the body ends (RFC 9112 section 6.3).
bool HttpResponseParser::OnHeadersEnd() {
  if (code_ < 200 && code_ != 101) {
    phase_ = Phase::kStatusLine;  // interim response; the final one follows
    return true;
  }
  if (head_ || code_ == 101 || code_ == 204 || code_ == 304) {
    Complete();
    return true;
  }
  if (chunked_) {
    phase_ = Phase::kChunkSize;
    budget_ = kMaxChunkLine;
  } else if (has_transfer_encoding_ || !has_length_) {
    phase_ = Phase::kBodyUntilClose;
  } else if (length_ == 0) {
    Complete();
  } else {
    phase_ = Phase::kBodyLength;
    remaining_ = length_;
  }
  return true;
}

// "1a2b", optionally followed by extensions ";name=value" (ignored).
bool HttpResponseParser::OnChunkSizeLine(std::string_view line) {
  std::size_t digits = 0;
  std::uint64_t size = 0;
  for (const char c : line) {
    int v = -1;
    if (IsDigit(c)) v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) break;
    if (++digits > 15) break;
    size = size * 16 + static_cast<std::uint64_t>(v);
  }
  const std::string_view rest = Trim(line.substr(std::min(digits, line.size())));
  if (digits == 0 || digits > 15 || (!rest.empty() && rest.front() != ';')) {
    Fail("invalid chunk size line '" + Excerpt(line) + "'");
    return false;
  }
  if (size == 0) {
    phase_ = Phase::kTrailers;
    budget_ = kMaxHeaderBytes;
  } else {
    phase_ = Phase::kChunkData;
    remaining_ = size;
  }
  return true;
}

void HttpResponseParser::TakeBody(std::string_view& in, std::uint64_t limit) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(limit, in.size()));
  if (body_ != nullptr && body_->size() < keep_) {
    body_->append(in.data(), std::min(n, keep_ - body_->size()));
  }
  body_size_ += n;
  in.remove_prefix(n);
}

HttpResponseParser::Status HttpResponseParser::Feed(std::string_view in) {
  if (status_ != Status::kNeedMore) return status_;
  if (!in.empty()) received_any_ = true;
  std::string_view line;
  while (!in.empty()) {
    switch (phase_) {
      case Phase::kStatusLine:
        if (!NextLine(in, line)) return status_;
        // Blank lines before a status line (after an interim response) are tolerated.
        if (!line.empty() && !OnStatusLine(line)) return status_;
        break;
      case Phase::kHeaders:
        if (!NextLine(in, line)) return status_;
        if (line.empty() ? !OnHeadersEnd() : !OnHeaderLine(line)) return status_;
        break;
      case Phase::kBodyLength:
        TakeBody(in, remaining_);
        remaining_ = length_ - body_size_;
        if (remaining_ == 0) return Complete();
        break;
      case Phase::kBodyUntilClose:
        TakeBody(in, in.size());
        break;
      case Phase::kChunkSize:
        if (!NextLine(in, line)) return status_;
        if (!OnChunkSizeLine(line)) return status_;
        break;
      case Phase::kChunkData: {
        const std::uint64_t before = body_size_;
        TakeBody(in, remaining_);
        remaining_ -= body_size_ - before;
        if (remaining_ == 0) {
          phase_ = Phase::kChunkDataEnd;
          budget_ = kMaxChunkLine;
        }
        break;
      }
      case Phase::kChunkDataEnd:
        if (!NextLine(in, line)) return status_;
        if (!line.empty()) return Fail("chunk data not followed by CRLF");
        phase_ = Phase::kChunkSize;
        budget_ = kMaxChunkLine;
        break;
      case Phase::kTrailers:
        if (!NextLine(in, line)) return status_;
        if (line.empty()) return Complete();
        break;
      case Phase::kDone:
        return status_;
    }
    line_.clear();
    if (status_ != Status::kNeedMore) return status_;
  }
  return status_;
}

HttpResponseParser::Status HttpResponseParser::FeedEnd() {
  if (status_ != Status::kNeedMore) return status_;
  switch (phase_) {
    case Phase::kBodyUntilClose:
      return Complete();
    case Phase::kStatusLine:
    case Phase::kHeaders:
      return Fail(received_any_ ? "connection closed in the response headers"
                                : "Empty reply from server");
    case Phase::kBodyLength:
      return Fail("transfer closed with " + std::to_string(remaining_) +
                  " bytes remaining to read");
    case Phase::kChunkSize:
    case Phase::kChunkData:
    case Phase::kChunkDataEnd:
    case Phase::kTrailers:
      return Fail("transfer closed with outstanding read data remaining");
    case Phase::kDone:
      break;
  }
  return status_;
}

}  // namespace gs::probes
