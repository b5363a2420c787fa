#include "probes/http_evaluate.h"

#include <charconv>
#include <cstdio>
#include <cstring>

#include "probes/http_regex.h"

namespace gs::probes {

namespace {

State StatusState(const HttpCheckSpec& spec, long status) {
  if (spec.expect_status.empty()) {
    if (status >= 100 && status < 400) return State::kOk;
    if (status >= 400 && status < 500) return State::kWarning;
    return State::kCritical;
  }
  for (const StatusRange& r : spec.expect_status) {
    if (status >= r.low && status <= r.high) return State::kOk;
  }
  return State::kCritical;
}

std::string StatusText(const HttpMeasurements& m) {
  std::string_view reason = m.reason.empty() ? StandardReason(m.status) : m.reason;
  // As "%.3f" (both round exactly), without printf's format parsing on every check.
  char seconds[32];
  const auto formatted =
      std::to_chars(seconds, seconds + sizeof seconds, m.time_total, std::chars_format::fixed, 3);
  std::string text = std::to_string(m.status);
  if (!reason.empty()) {
    text += ' ';
    text += reason;
  }
  text += " in ";
  text.append(seconds, formatted.ptr);
  text += " s";
  return text;
}

std::string CertText(std::int64_t days) {
  if (days < 0) return "certificate expired " + std::to_string(-days) + " days ago";
  return "certificate expires in " + std::to_string(days) + (days == 1 ? " day" : " days");
}

// Applies the certificate thresholds: days < crit is CRITICAL, days < warn WARNING.
State CertState(const HttpCheckSpec& spec, const HttpMeasurements& m, std::string& text) {
  if (!m.tls || (!spec.cert_warn_days && !spec.cert_crit_days)) return State::kOk;
  if (!m.cert_days_left) {
    text += " - certificate expiry unknown";
    return State::kUnknown;
  }
  const std::int64_t days = *m.cert_days_left;
  State state = State::kOk;
  if (spec.cert_crit_days && days < *spec.cert_crit_days) {
    state = State::kCritical;
  } else if (spec.cert_warn_days && days < *spec.cert_warn_days) {
    state = State::kWarning;
  }
  if (state != State::kOk) text += " - " + CertText(days);
  return state;
}

std::string DaysThreshold(const std::optional<int>& days) {
  return days ? std::to_string(*days) + ":" : std::string();
}

std::vector<Perfdata> HttpPerfdata(const HttpCheckSpec& spec, const HttpMeasurements& m) {
  std::vector<Perfdata> perf;
  perf.reserve(7);
  // Constructed in place (C++20 parenthesised aggregate initialisation): this runs per check.
  perf.emplace_back("time_total", m.time_total, "s", spec.warn_time.text(), spec.crit_time.text(),
                    0.0, std::nullopt);
  perf.emplace_back("time_dns", m.time_dns, "s", "", "", 0.0, std::nullopt);
  perf.emplace_back("time_connect", m.time_connect, "s", "", "", 0.0, std::nullopt);
  perf.emplace_back("time_tls", m.time_tls, "s", "", "", 0.0, std::nullopt);
  perf.emplace_back("time_ttfb", m.time_ttfb, "s", "", "", 0.0, std::nullopt);
  perf.emplace_back("size", static_cast<double>(m.size), "B", "", "", 0.0, std::nullopt);
  if (m.tls && m.cert_days_left) {
    perf.emplace_back("cert_days_left", static_cast<double>(*m.cert_days_left), "",
                      DaysThreshold(spec.cert_warn_days), DaysThreshold(spec.cert_crit_days),
                      std::nullopt, std::nullopt);
  }
  return perf;
}

}  // namespace

CheckResult EvaluateHttp(const HttpCheckSpec& spec, const HttpMeasurements& m) {
  CheckResult result;
  if (!m.transfer_ok) {
    result.state = State::kCritical;
    result.text = m.error.empty() ? "HTTP transfer failed" : m.error;
    return result;
  }
  result.text = StatusText(m);
  State state = StatusState(spec, m.status);
  if (state != State::kOk && !spec.expect_status.empty()) {
    result.text += " - expected " + FormatStatusRanges(spec.expect_status);
  }
  if (spec.crit_time.Alerts(m.time_total)) {
    state = Worst(state, State::kCritical);
  } else if (spec.warn_time.Alerts(m.time_total)) {
    state = Worst(state, State::kWarning);
  }
  if (!m.regex_error.empty()) {
    state = Worst(state, State::kUnknown);
    result.text += " - " + m.regex_error;
  } else if (m.body_matched == false) {
    state = Worst(state, State::kCritical);
    result.text += " - pattern not found";
  }
  state = Worst(state, CertState(spec, m, result.text));
  result.state = state;
  result.perfdata = HttpPerfdata(spec, m);
  return result;
}

CheckResult EvaluateHttpResponse(const HttpCheckSpec& spec, HttpMeasurements m,
                                 std::string_view body, BodyRegex* regex) {
  if (regex != nullptr && m.transfer_ok) {
    Result<bool> matched = regex->Matches(body);
    if (matched) {
      m.body_matched = *matched;
    } else {
      m.regex_error = matched.error().message;
    }
  }
  return EvaluateHttp(spec, m);
}

std::string FormatStatusRanges(const std::vector<StatusRange>& ranges) {
  std::string out;
  for (const StatusRange& r : ranges) {
    if (!out.empty()) out += ',';
    out += std::to_string(r.low);
    if (r.high != r.low) out += '-' + std::to_string(r.high);
  }
  return out;
}

std::string_view StandardReason(long status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

std::optional<std::chrono::system_clock::time_point> ParseCertDate(std::string_view text) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string s(text.substr(0, 64));
  char month[4] = {};
  int day = 0, hour = 0, minute = 0, second = 0, year = 0, consumed = 0;
  if (std::sscanf(s.c_str(), "%3s %d %d:%d:%d %d GMT%n", month, &day, &hour, &minute, &second,
                  &year, &consumed) != 6 ||
      consumed == 0) {
    return std::nullopt;
  }
  unsigned m = 0;
  while (m < 12 && std::strcmp(month, kMonths[m]) != 0) ++m;
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{m + 1},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (m == 12 || !ymd.ok() || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0 ||
      second < 0) {
    return std::nullopt;
  }
  return std::chrono::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

std::int64_t DaysLeft(std::chrono::system_clock::time_point expiry,
                      std::chrono::system_clock::time_point now) {
  return std::chrono::floor<std::chrono::days>(expiry - now).count();
}

}  // namespace gs::probes
