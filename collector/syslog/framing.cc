// The FrameDecoder state machine (RFC 6587 octet counting and non-transparent framing).
#include "collector/syslog/framing.h"

#include <algorithm>
#include <cstring>

namespace gs::collector::syslog {
namespace {

constexpr std::size_t kMaxCountDigits = 9;

bool IsEmptyFrameByte(char c) { return c == '\n' || c == '\r' || c == '\0'; }

// Index of the first LF or NUL in `text`, text.size() if none.
std::size_t FindTerminator(std::string_view text) {
  const void* lf = std::memchr(text.data(), '\n', text.size());
  const std::size_t end = lf != nullptr
                              ? static_cast<std::size_t>(static_cast<const char*>(lf) - text.data())
                              : text.size();
  const void* nul = std::memchr(text.data(), '\0', end);
  return nul != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nul) - text.data())
                        : end;
}

}  // namespace

FrameDecoder::FrameDecoder(std::size_t max_message)
    : max_message_(std::max<std::size_t>(max_message, 1)) {}

std::size_t FrameDecoder::buffered() const { return release_buffer_ ? 0 : buffer_.size(); }

bool FrameDecoder::failed() const { return state_ == State::kFailed; }

FrameDecoder::Step FrameDecoder::Fail() {
  state_ = State::kFailed;
  buffer_.clear();
  buffer_.shrink_to_fit();
  return Step::kFailed;
}

FrameDecoder::Step FrameDecoder::Next(std::string_view data, std::size_t& pos, Frame& frame) {
  if (release_buffer_) {
    buffer_.clear();
    release_buffer_ = false;
  }
  for (;;) {
    switch (state_) {
      case State::kFailed:
        return Step::kFailed;
      case State::kStart: {
        while (pos < data.size() && IsEmptyFrameByte(data[pos])) ++pos;
        if (pos == data.size()) return Step::kNeedMore;
        const char c = data[pos];
        if (c == '0') return Fail();
        if (c >= '1' && c <= '9') {
          state_ = State::kCount;
          count_ = 0;
          digits_ = 0;
        } else {
          state_ = State::kLine;
        }
        break;
      }
      case State::kCount: {
        while (pos < data.size() && data[pos] >= '0' && data[pos] <= '9') {
          if (++digits_ > kMaxCountDigits) return Fail();
          count_ = count_ * 10 + static_cast<std::size_t>(data[pos] - '0');
          ++pos;
        }
        if (pos == data.size()) return Step::kNeedMore;
        if (data[pos] != ' ') return Fail();
        ++pos;
        state_ = State::kOctets;
        break;
      }
      case State::kOctets:
        return NextOctets(data, pos, frame);
      case State::kSkipOctets: {
        const std::size_t take = std::min(skip_, data.size() - pos);
        pos += take;
        skip_ -= take;
        if (skip_ > 0) return Step::kNeedMore;
        state_ = State::kStart;
        break;
      }
      case State::kLine:
        return NextLine(data, pos, frame);
      case State::kSkipLine: {
        const std::size_t end = pos + FindTerminator(data.substr(pos));
        if (end == data.size()) {
          pos = end;
          return Step::kNeedMore;
        }
        pos = end + 1;
        state_ = State::kStart;
        break;
      }
    }
  }
}

FrameDecoder::Step FrameDecoder::NextOctets(std::string_view data, std::size_t& pos, Frame& frame) {
  const std::size_t want = std::min(count_, max_message_);
  const std::size_t available = data.size() - pos;
  const bool truncated = count_ > max_message_;
  if (buffer_.empty() && available >= want) {
    frame = {data.substr(pos, want), truncated};
    pos += want;
  } else {
    const std::size_t take = std::min(available, want - buffer_.size());
    buffer_.append(data.data() + pos, take);
    pos += take;
    if (buffer_.size() < want) return Step::kNeedMore;
    frame = {buffer_, truncated};
    release_buffer_ = true;
  }
  skip_ = count_ - want;
  state_ = skip_ > 0 ? State::kSkipOctets : State::kStart;
  return Step::kFrame;
}

// The content of a line is everything before LF/NUL minus one CR before an LF. As a CR may be
// the (max+1)th byte and still be dropped, up to max_message + 1 bytes are held before the
// line is known to be too long; the decision never depends on where reads were split.
FrameDecoder::Step FrameDecoder::NextLine(std::string_view data, std::size_t& pos, Frame& frame) {
  const std::string_view rest = data.substr(pos);
  if (rest.empty()) return Step::kNeedMore;
  const std::size_t end = FindTerminator(rest);
  if (end < rest.size()) {
    const bool lf = rest[end] == '\n';
    std::string_view piece = rest.substr(0, end);
    pos += end + 1;
    state_ = State::kStart;
    if (buffer_.empty()) {
      if (lf && !piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
      const bool truncated = piece.size() > max_message_;
      frame = {piece.substr(0, max_message_), truncated};
      return Step::kFrame;
    }
    std::size_t total = buffer_.size() + piece.size();
    const char last = piece.empty() ? buffer_.back() : piece.back();
    if (lf && last == '\r') --total;
    const std::size_t keep = std::min(total, max_message_);
    if (keep > buffer_.size()) buffer_.append(piece.data(), keep - buffer_.size());
    frame = {std::string_view(buffer_).substr(0, keep), total > max_message_};
    release_buffer_ = true;
    return Step::kFrame;
  }
  pos = data.size();
  const std::size_t total = buffer_.size() + rest.size();
  if (total > max_message_ + 1 || (total == max_message_ + 1 && rest.back() != '\r')) {
    state_ = State::kSkipLine;  // too long whatever follows
    if (buffer_.empty()) {
      frame = {rest.substr(0, max_message_), true};
      return Step::kFrame;
    }
    if (buffer_.size() < max_message_) {
      buffer_.append(rest.data(), max_message_ - buffer_.size());
    }
    frame = {std::string_view(buffer_).substr(0, max_message_), true};
    release_buffer_ = true;
    return Step::kFrame;
  }
  buffer_.append(rest);
  return Step::kNeedMore;
}

bool FrameDecoder::TakeUnterminated(Frame& frame) {
  if (state_ != State::kLine || release_buffer_ || buffer_.empty()) return false;
  frame = {std::string_view(buffer_).substr(0, max_message_), buffer_.size() > max_message_};
  release_buffer_ = true;
  return true;
}

void FrameDecoder::Reset() {
  buffer_.clear();
  release_buffer_ = false;
  count_ = 0;
  digits_ = 0;
  skip_ = 0;
  if (state_ != State::kFailed) state_ = State::kStart;
}

}  // namespace gs::collector::syslog
