// SigV4: AWS Signature Version 4 for a request signed in its Authorization header (the EC2
// Query API and the other non-S3 services), with OpenSSL's SHA-256 and HMAC. Also the AWS
// credentials value the signer and the credential chain share.
//
// Pure functions of their arguments; safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gs::collector::inventory {

// One set of AWS credentials. `session_token` is empty for long-term keys; `expiration` is set
// for temporary credentials (IMDS, STS).
struct AwsCredentials {
  std::string access_key_id, secret_access_key, session_token;
  std::optional<std::chrono::system_clock::time_point> expiration;
};

// A request as it will be sent.
struct SigV4Request {
  std::string method;
  std::string host;   // for the caller's URL; what is signed is the Host header
  std::string path;   // as sent (already percent-encoded, if at all); "/" when empty
  std::string query;  // raw query string as sent (may be unsorted/unencoded per AWS rules)
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, any case/order, may repeat
  std::string payload;
};

// The signature and every intermediate the AWS documentation names, for tests and logs.
struct SigV4Signature {
  std::string canonical_request, string_to_sign, signature, authorization;
  std::string amz_date;  // YYYYMMDDTHHMMSSZ
};

// `now` as the X-Amz-Date header wants it: "20150830T123600Z" (UTC, seconds precision).
std::string AmzDate(std::chrono::system_clock::time_point now);

// Signs `request` for `region` and `service` at `now`; `authorization` is the whole value of
// the Authorization header ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...").
// Every header in `request.headers` is signed, so X-Amz-Security-Token is when the caller put
// it there (credentials.session_token, which SignV4 itself does not read; AWS recommends
// signing it, and the suite's post-sts-header-after shows it may also be added afterwards).
// REQUIRES: the headers already contain Host and X-Amz-Date == AmzDate(now): SignV4 adds
// nothing, so that what is signed is exactly what is sent.
SigV4Signature SignV4(const SigV4Request& request, const AwsCredentials& credentials,
                      std::string_view region, std::string_view service,
                      std::chrono::system_clock::time_point now);

// The building blocks, public so that tests (and the fake EC2 endpoint's parity checks) can
// pin each rule down on its own.

// RFC 3986 encoding as SigV4 wants it: A-Za-z0-9-_.~ kept, every other byte as %XX (upper
// case hex), so a space is %20 and '%' itself is %25; '/' is kept when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

// The canonical URI for non-S3 services: dot segments removed and runs of '/' collapsed
// (a trailing '/' is kept), then every segment encoded once more with UriEncode.
// "" and "//" -> "/", "/example space/" -> "/example%20space/", "/a%20b" -> "/a%2520b".
std::string CanonicalPath(std::string_view path);

// The canonical query string: parameters split on '&' and the first '=', each name and value
// percent-decoded (valid %XX only; '+' is a literal plus) and re-encoded with UriEncode, then
// sorted by encoded name and value. "b=2&a" -> "a=&b=2", "\xE1\x88\xB4=bar" and "%e1%88%b4=bar"
// -> "%E1%88%B4=bar".
std::string CanonicalQuery(std::string_view query);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace gs::collector::inventory
