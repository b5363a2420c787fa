// FrameDecoder: splits a syslog TCP/TLS byte stream into messages (RFC 6587). The framing is
// detected per message: a leading digit means octet counting ("LEN SP MSG"), anything else
// non-transparent framing ended by LF (CRLF and NUL accepted too). Frames may be split across
// reads and many may arrive in one read. Memory is bounded: a message longer than the
// maximum is delivered cut to the maximum (truncated = true) and the rest skipped. A bogus
// octet count (digits not followed by SP, more than 9 digits, zero) makes the stream
// unrecoverable: Feed returns false and the caller closes the connection. Sans-I/O; one
// instance per connection; not thread-safe.
//
// Details of the contract:
// - Between messages, LF, CR and NUL are skipped (empty frames).
// - Octet counting: "LEN SP" with LEN = 1..9 digits, no leading zero; the LEN bytes that follow
//   are the message, whatever they contain (a counted trailing LF reaches the sink).
// - Non-transparent: the message ends at LF or NUL; one CR right before the LF is dropped.
// - A message longer than max_message reaches the sink once, cut to max_message bytes, with
//   truncated = true; the rest is skipped (octet counting stays in sync through the count).
// - The view points into `data` when the whole message lies in one Feed call (zero copy);
//   only a message split across calls is assembled in the internal buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gs::collector::syslog {

inline constexpr std::size_t kDefaultMaxMessage = 64 * 1024;

class FrameDecoder {
 public:
  // A max_message of 0 is taken as 1.
  explicit FrameDecoder(std::size_t max_message = kDefaultMaxMessage);

  // Calls sink(std::string_view message, bool truncated) for each complete message in order;
  // the view is valid only during the call. Returns false once the stream is unrecoverable.
  template <typename Sink>
  bool Feed(std::string_view data, Sink&& sink);

  // End of stream: delivers a last non-transparent message that had no trailer (cut and
  // flagged if longer than the maximum). An octet-counted message with fewer bytes than its
  // count is dropped: the sender died mid-frame and the bytes are not a whole message. The
  // decoder is then ready for a new stream, unless it failed.
  template <typename Sink>
  void Finish(Sink&& sink);

  // Bytes held for an incomplete message; never more than max_message + 16.
  [[nodiscard]] std::size_t buffered() const;
  [[nodiscard]] bool failed() const;

 private:
  enum class State : std::uint8_t {
    kStart,       // between messages
    kCount,       // reading the digits of an octet count
    kOctets,      // reading the counted bytes
    kSkipOctets,  // skipping the counted bytes beyond max_message
    kLine,        // reading a non-transparent message
    kSkipLine,    // skipping a non-transparent message beyond max_message
    kFailed,      // bogus octet count: the stream is lost
  };
  enum class Step : std::uint8_t { kFrame, kNeedMore, kFailed };
  struct Frame {
    std::string_view message;
    bool truncated = false;
  };

  // Consumes data from `pos` until a message is complete (kFrame: `frame` views `data` or
  // buffer_, valid until the next call), the data is used up (kNeedMore) or the stream
  // fails (kFailed). Keeps the state machine out of the header.
  Step Next(std::string_view data, std::size_t& pos, Frame& frame);
  Step NextOctets(std::string_view data, std::size_t& pos, Frame& frame);
  Step NextLine(std::string_view data, std::size_t& pos, Frame& frame);
  Step Fail();
  // The message Finish delivers, if any.
  bool TakeUnterminated(Frame& frame);
  void Reset();

  std::size_t max_message_;
  std::string buffer_;           // the start of a message split across Feed calls
  std::size_t count_ = 0;        // kCount: value so far; kOctets: the frame's octet count
  std::size_t digits_ = 0;       // kCount: digits read
  std::size_t skip_ = 0;         // kSkipOctets: bytes still to skip
  bool release_buffer_ = false;  // buffer_ was handed to the sink: clear it on the next step
  State state_ = State::kStart;
};

template <typename Sink>
bool FrameDecoder::Feed(std::string_view data, Sink&& sink) {
  std::size_t pos = 0;
  Frame frame;
  for (;;) {
    switch (Next(data, pos, frame)) {
      case Step::kFrame:
        sink(frame.message, frame.truncated);
        break;
      case Step::kNeedMore:
        return true;
      case Step::kFailed:
        return false;
    }
  }
}

template <typename Sink>
void FrameDecoder::Finish(Sink&& sink) {
  Frame frame;
  if (TakeUnterminated(frame)) sink(frame.message, frame.truncated);
  Reset();
}

}  // namespace gs::collector::syslog
