// HttpResponseParser: an incremental (sans-I/O) parser of one HTTP/1.x response, as much of
// it as a monitoring check needs: the final status line, where the body ends (Content-Length,
// chunked transfer coding, or the end of the connection) and the body bytes, a bounded prefix
// of them kept for the regex and all of them counted. Interim 1xx responses are skipped.
//
// Bytes may arrive split anywhere; Feed() takes what one read returned. Memory is bounded:
// a partial line is buffered only up to the header budget (kMaxHeaderBytes for the status
// line, headers and trailers together, kMaxChunkLine for one chunk-size line) and the body
// only up to the `keep` bytes given to Reset(). Lenient where real servers are sloppy (bare
// LF line ends, header lines without a colon, obsolete line folding), strict where a wrong
// guess would misread the body (Content-Length values that disagree, bad chunk sizes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gs::probes {

class HttpResponseParser {
 public:
  // libcurl's limit for the response headers (CURL_MAX_HTTP_HEADER).
  static constexpr std::size_t kMaxHeaderBytes = 100 * 1024;
  static constexpr std::size_t kMaxChunkLine = 4096;
  static constexpr std::size_t kMaxReason = 64;

  enum class Status { kNeedMore, kComplete, kError };

  // Starts a new response. `head`: the request was HEAD, so the response has no body
  // whatever its headers say. Body bytes are appended to `body` (when not null) until it holds
  // `keep` bytes.
  void Reset(bool head, std::string* body, std::size_t keep);

  // Consumes the next bytes of the response. Bytes after a complete response are ignored.
  Status Feed(std::string_view bytes);
  // The peer closed the connection: completes a body that runs until the close, otherwise
  // the response was cut short (an error) unless it was already complete.
  Status FeedEnd();

  [[nodiscard]] Status status() const { return status_; }
  // The final status code and reason phrase (at most kMaxReason bytes); 0 and "" until the
  // final status line has been read.
  [[nodiscard]] int status_code() const { return code_; }
  [[nodiscard]] const std::string& reason() const { return reason_; }
  // Body bytes received so far (all of them, not only those kept).
  [[nodiscard]] std::uint64_t body_size() const { return body_size_; }
  // Any byte of the response has arrived.
  [[nodiscard]] bool received_any() const { return received_any_; }
  // What was wrong, in the words libcurl uses where it has them; empty unless kError.
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  enum class Phase {
    kStatusLine,
    kHeaders,
    kBodyLength,
    kBodyUntilClose,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kDone,
  };

  bool NextLine(std::string_view& in, std::string_view& line);
  bool OnStatusLine(std::string_view line);
  bool OnHeaderLine(std::string_view line);
  bool OnHeadersEnd();
  bool OnChunkSizeLine(std::string_view line);
  void TakeBody(std::string_view& in, std::uint64_t limit);
  Status Fail(std::string message);
  Status Complete();

  Phase phase_ = Phase::kStatusLine;
  Status status_ = Status::kNeedMore;
  bool head_ = false;
  std::string* body_ = nullptr;
  std::size_t keep_ = 0;
  std::string line_;        // a line that has not ended yet
  std::size_t budget_ = 0;  // bytes the current line (or header section) may still take
  int code_ = 0;
  std::string reason_;
  std::uint64_t body_size_ = 0;
  std::uint64_t remaining_ = 0;  // of the Content-Length body or the current chunk
  bool has_length_ = false;
  std::uint64_t length_ = 0;
  bool chunked_ = false;
  bool has_transfer_encoding_ = false;
  bool received_any_ = false;
  std::string error_;
};

}  // namespace gs::probes
