// HttpResponseParser: every way a body can end, interim responses, the bounds, and the same
// result whichever way the bytes are split across reads.
#include "probes/http_response_parser.h"

#include <gtest/gtest.h>

namespace gs::probes {
namespace {

using Status = HttpResponseParser::Status;

struct Parsed {
  Status status = Status::kNeedMore;
  int code = 0;
  std::string reason;
  std::uint64_t size = 0;
  std::string body;
  std::string error;
};

// Feeds `bytes` in pieces of `piece` bytes (0: all at once), then the end of the connection
// when `close` and the response is not complete yet.
Parsed Parse(std::string_view bytes, std::size_t piece = 0, bool close = true, bool head = false,
             std::size_t keep = 1 << 20) {
  HttpResponseParser p;
  Parsed out;
  p.Reset(head, &out.body, keep);
  if (piece == 0) piece = bytes.size() == 0 ? 1 : bytes.size();
  for (std::size_t at = 0; at < bytes.size() && p.status() == Status::kNeedMore; at += piece) {
    p.Feed(bytes.substr(at, piece));
  }
  if (close && p.status() == Status::kNeedMore) p.FeedEnd();
  out.status = p.status();
  out.code = p.status_code();
  out.reason = p.reason();
  out.size = p.body_size();
  out.error = p.error();
  return out;
}

// The result must not depend on where reads split the bytes.
void ExpectSameAtEverySplit(std::string_view bytes, bool close = true) {
  const Parsed whole = Parse(bytes, 0, close);
  for (std::size_t piece = 1; piece < 8; ++piece) {
    const Parsed split = Parse(bytes, piece, close);
    EXPECT_EQ(split.status, whole.status) << "pieces of " << piece;
    EXPECT_EQ(split.code, whole.code) << "pieces of " << piece;
    EXPECT_EQ(split.body, whole.body) << "pieces of " << piece;
    EXPECT_EQ(split.size, whole.size) << "pieces of " << piece;
    EXPECT_EQ(split.error, whole.error) << "pieces of " << piece;
  }
  // Two pieces, split at every byte.
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    HttpResponseParser p;
    std::string body;
    p.Reset(false, &body, 1 << 20);
    p.Feed(bytes.substr(0, cut));
    p.Feed(bytes.substr(cut));
    if (close) p.FeedEnd();
    EXPECT_EQ(p.status(), whole.status) << "cut at " << cut;
    EXPECT_EQ(body, whole.body) << "cut at " << cut;
  }
}

TEST(HttpResponseParserTest, ContentLengthEndsTheBody) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 6\r\n\r\nhello\nEXTRA";
  const Parsed r = Parse(response, 0, /*close=*/false);
  EXPECT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.body, "hello\n");
  EXPECT_EQ(r.size, 6u);
  ExpectSameAtEverySplit(response, false);
}

TEST(HttpResponseParserTest, ChunkedBodiesWithExtensionsAndTrailers) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n"
      "A\r\n0123456789\r\n"
      "0\r\nX-Trailer: 1\r\n\r\n";
  const Parsed r = Parse(response, 0, false);
  EXPECT_EQ(r.status, Status::kComplete) << r.error;
  EXPECT_EQ(r.body, "hello0123456789");
  EXPECT_EQ(r.size, 15u);
  ExpectSameAtEverySplit(response, false);
}

TEST(HttpResponseParserTest, TransferEncodingWinsOverContentLength) {
  const Parsed r = Parse(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n",
      0, false);
  EXPECT_EQ(r.status, Status::kComplete) << r.error;
  EXPECT_EQ(r.body, "abc");
  // A coding other than chunked last: the body runs until the connection closes.
  const Parsed gzip = Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc");
  EXPECT_EQ(gzip.status, Status::kComplete);
  EXPECT_EQ(gzip.body, "abc");
}

TEST(HttpResponseParserTest, WithoutALengthTheBodyEndsWithTheConnection) {
  const std::string response = "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of this";
  EXPECT_EQ(Parse(response, 0, false).status, Status::kNeedMore);
  const Parsed r = Parse(response);
  EXPECT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.body, "all of this");
  ExpectSameAtEverySplit(response);
}

TEST(HttpResponseParserTest, InterimResponsesAreSkipped) {
  const std::string response =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  const Parsed r = Parse(response, 0, false);
  EXPECT_EQ(r.status, Status::kComplete) << r.error;
  EXPECT_EQ(r.code, 201);
  EXPECT_EQ(r.reason, "Created");
  EXPECT_EQ(r.body, "ok");
  ExpectSameAtEverySplit(response, false);
}

TEST(HttpResponseParserTest, ResponsesWithoutABody) {
  const std::string with_length = "HTTP/1.1 200 OK\r\nContent-Length: 612\r\n\r\n";
  EXPECT_EQ(Parse(with_length, 0, false, /*head=*/true).status, Status::kComplete);
  EXPECT_EQ(Parse(with_length, 0, false, /*head=*/true).size, 0u);
  for (const char* status : {"204 No Content", "304 Not Modified"}) {
    const Parsed r =
        Parse(std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 10\r\n\r\n", 0, false);
    EXPECT_EQ(r.status, Status::kComplete) << status;
    EXPECT_EQ(r.size, 0u);
  }
  EXPECT_EQ(Parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, false).status,
            Status::kComplete);
}

TEST(HttpResponseParserTest, SloppyServersAreRead) {
  // Bare LF line ends, no reason phrase, a line without a colon, a folded header, odd case.
  const Parsed r =
      Parse("HTTP/1.1 503\nnot a header\nX-Folded: a\n  b\ncontent-LENGTH:  4 \n\nbusy", 0, false);
  EXPECT_EQ(r.status, Status::kComplete) << r.error;
  EXPECT_EQ(r.code, 503);
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(r.body, "busy");
  // Identical repeated lengths are one length.
  EXPECT_EQ(
      Parse("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok", 0, false)
          .status,
      Status::kComplete);
  const Parsed long_reason = Parse("HTTP/1.1 200 " + std::string(200, 'r') + "\r\n\r\n");
  EXPECT_EQ(long_reason.reason.size(), HttpResponseParser::kMaxReason);
}

TEST(HttpResponseParserTest, MalformedResponsesAreErrors) {
  const auto error = [](std::string_view bytes) {
    const Parsed r = Parse(bytes);
    EXPECT_EQ(r.status, Status::kError) << bytes;
    return r.error;
  };
  EXPECT_EQ(error("SSH-2.0-OpenSSH_9.2\r\n"), "invalid HTTP status line 'SSH-2.0-OpenSSH_9.2'");
  EXPECT_NE(error("HTTP/1.1 2000 OK\r\n\r\n").find("invalid HTTP status line"), std::string::npos);
  EXPECT_NE(error("HTTP/1.1 099 Low\r\n\r\n").find("invalid HTTP status code"), std::string::npos);
  EXPECT_NE(error("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc")
                .find("invalid Content-Length"),
            std::string::npos);
  EXPECT_NE(error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").find("invalid Content-Length"),
            std::string::npos);
  EXPECT_NE(error("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n")
                .find("invalid Content-Length"),
            std::string::npos);
  EXPECT_NE(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n")
                .find("invalid chunk size line"),
            std::string::npos);
  EXPECT_NE(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "1000000000000000\r\n")
                .find("invalid chunk size line"),
            std::string::npos);
  EXPECT_EQ(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n"),
            "chunk data not followed by CRLF");
}

TEST(HttpResponseParserTest, AResponseCutShortSaysHow) {
  EXPECT_EQ(Parse("").error, "Empty reply from server");
  EXPECT_EQ(Parse("HTTP/1.1 200 OK\r\nServ").error, "connection closed in the response headers");
  EXPECT_EQ(Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").error,
            "transfer closed with 7 bytes remaining to read");
  EXPECT_EQ(Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab").error,
            "transfer closed with outstanding read data remaining");
  const Parsed r = Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(r.code, 200) << "the status line was read";
  EXPECT_EQ(r.size, 3u);
}

TEST(HttpResponseParserTest, MemoryIsBounded) {
  // Headers past the budget fail, even when no line ever ends.
  const Parsed endless = Parse("HTTP/1.1 200 OK\r\nX: " + std::string(200'000, 'a'), 1000);
  EXPECT_EQ(endless.status, Status::kError);
  EXPECT_EQ(endless.error, "Too large response headers");
  std::string many = "HTTP/1.1 200 OK\r\n";
  while (many.size() < HttpResponseParser::kMaxHeaderBytes + 100) many += "X-A: b\r\n";
  EXPECT_EQ(Parse(many).error, "Too large response headers");
  const Parsed chunk_line =
      Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(5000, 'x'));
  EXPECT_EQ(chunk_line.error, "chunk size line too long");
  // Only `keep` bytes of the body are kept; all are counted.
  const Parsed kept =
      Parse("HTTP/1.1 200 OK\r\n\r\n" + std::string(1000, 'b'), 7, true, false, /*keep=*/100);
  EXPECT_EQ(kept.status, Status::kComplete);
  EXPECT_EQ(kept.body.size(), 100u);
  EXPECT_EQ(kept.size, 1000u);
}

TEST(HttpResponseParserTest, ResetStartsOver) {
  HttpResponseParser p;
  std::string body;
  p.Reset(false, &body, 100);
  EXPECT_EQ(p.Feed("garbage\r\n"), Status::kError);
  body.clear();
  p.Reset(false, &body, 100);
  EXPECT_EQ(p.Feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), Status::kComplete);
  EXPECT_EQ(p.error(), "");
  EXPECT_EQ(body, "x");
  // Without a body sink bytes are only counted.
  p.Reset(false, nullptr, 0);
  EXPECT_EQ(p.Feed("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"), Status::kComplete);
  EXPECT_EQ(p.body_size(), 3u);
}

}  // namespace
}  // namespace gs::probes
