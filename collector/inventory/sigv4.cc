#include "collector/inventory/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <map>

namespace gs::collector::inventory {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

using Digest = std::array<unsigned char, 32>;

std::string Hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

Digest HmacSha256(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int size = 0;
  // Cannot fail with SHA-256 and in-memory buffers short of an allocation failure, in which
  // case the all-zero digest gives a signature AWS rejects (never a crash).
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
  return out;
}

std::string_view AsView(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes valid %XX escapes; anything else (a lone '%', '+') is kept as it is.
std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// One header value as SigV4 canonicalises it: each line (a folded value has several) trimmed
// and its runs of spaces collapsed to one; the lines are joined by ",".
std::string CanonicalValue(std::string_view value) {
  std::string out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find('\n', start);
    if (end == std::string_view::npos) end = value.size();
    std::string line;
    for (std::size_t i = start; i < end; ++i) {
      const char c = IsSpace(value[i]) ? ' ' : value[i];
      if (c == ' ' && (line.empty() || line.back() == ' ')) continue;
      line.push_back(c);
    }
    if (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) out += out.empty() ? line : "," + line;
    start = end + 1;
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;         // "name:value\n" for each header, sorted
  std::string signed_names;  // "host;x-amz-date"
};

CanonicalHeaders BuildHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::map<std::string, std::string> merged;  // sorted by lower-case name
  for (const auto& [name, value] : headers) {
    const std::string key = Lower(CanonicalValue(name));
    const std::string canonical = CanonicalValue(value);
    const auto [it, inserted] = merged.try_emplace(key, canonical);
    if (!inserted) it->second += "," + canonical;
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.block += name + ":" + value + "\n";
    out.signed_names += (out.signed_names.empty() ? "" : ";") + name;
  }
  return out;
}

}  // namespace

std::string AmzDate(std::chrono::system_clock::time_point now) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> text{};
  const std::size_t n = std::strftime(text.data(), text.size(), "%Y%m%dT%H%M%SZ", &utc);
  return std::string(text.data(), n);
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (IsUnreserved(byte) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kDigits[byte >> 4]);
      out.push_back(kDigits[byte & 0x0f]);
    }
  }
  return out;
}

std::string CanonicalPath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  std::string_view last;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    last = path.substr(start, end - start);
    if (last == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!last.empty() && last != ".") {
      segments.push_back(last);
    }
    start = end + 1;
  }
  const bool trailing_slash = last.empty() || last == "." || last == "..";
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += UriEncode(segments[i], false);
  }
  if (trailing_slash && !segments.empty()) out += '/';
  return out;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> parameters;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view part = query.substr(start, end - start);
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      const std::string_view name = part.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
      parameters.emplace_back(UriEncode(PercentDecode(name), false),
                              UriEncode(PercentDecode(value), false));
    }
    start = end + 1;
  }
  std::sort(parameters.begin(), parameters.end());
  std::string out;
  for (const auto& [name, value] : parameters) {
    out += (out.empty() ? "" : "&") + name + "=" + value;
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  Digest digest{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return Hex(digest.data(), digest.size());
}

SigV4Signature SignV4(const SigV4Request& request, const AwsCredentials& credentials,
                      std::string_view region, std::string_view service,
                      std::chrono::system_clock::time_point now) {
  SigV4Signature out;
  out.amz_date = AmzDate(now);
  const std::string date = out.amz_date.substr(0, 8);
  const CanonicalHeaders headers = BuildHeaders(request.headers);
  out.canonical_request = request.method + "\n" + CanonicalPath(request.path) + "\n" +
                          CanonicalQuery(request.query) + "\n" + headers.block + "\n" +
                          headers.signed_names + "\n" + Sha256Hex(request.payload);
  const std::string scope =
      date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  out.string_to_sign = std::string(kAlgorithm) + "\n" + out.amz_date + "\n" + scope + "\n" +
                       Sha256Hex(out.canonical_request);
  const Digest date_key = HmacSha256("AWS4" + credentials.secret_access_key, date);
  const Digest region_key = HmacSha256(AsView(date_key), region);
  const Digest service_key = HmacSha256(AsView(region_key), service);
  const Digest signing_key = HmacSha256(AsView(service_key), "aws4_request");
  const Digest signature = HmacSha256(AsView(signing_key), out.string_to_sign);
  out.signature = Hex(signature.data(), signature.size());
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                      scope + ", SignedHeaders=" + headers.signed_names +
                      ", Signature=" + out.signature;
  return out;
}

}  // namespace gs::collector::inventory
