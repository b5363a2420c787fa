// Facility and severity names of RFC 5424 section 6.2.1, with the aliases rsyslog accepts.
#include "collector/syslog/log_record.h"

#include <array>
#include <cstddef>
#include <string_view>

namespace gs::collector::syslog {
namespace {

constexpr std::array<std::string_view, 24> kFacilities = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};

constexpr std::array<std::string_view, 8> kSeverities = {"emerg",   "alert",  "crit", "err",
                                                         "warning", "notice", "info", "debug"};

struct Alias {
  std::string_view name;
  int value;
};

// rsyslog's deprecated spellings (syslogFacNames / syslogPriNames).
constexpr std::array<Alias, 1> kFacilityAliases = {{{"security", 4}}};
constexpr std::array<Alias, 3> kSeverityAliases = {{{"panic", 0}, {"error", 3}, {"warn", 4}}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// A decimal number 0..limit without sign or leading zeros (except "0"); -1 otherwise.
int ParseSmallNumber(std::string_view text, int limit) {
  if (text.empty() || text.size() > 2 || (text.size() == 2 && text[0] == '0')) return -1;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value <= limit ? value : -1;
}

template <std::size_t N, std::size_t M>
int Lookup(std::string_view name, const std::array<std::string_view, N>& names,
           const std::array<Alias, M>& aliases) {
  for (std::size_t i = 0; i < N; ++i) {
    if (EqualsIgnoreCase(name, names[i])) return static_cast<int>(i);
  }
  for (const Alias& alias : aliases) {
    if (EqualsIgnoreCase(name, alias.name)) return alias.value;
  }
  return ParseSmallNumber(name, static_cast<int>(N) - 1);
}

}  // namespace

std::string_view FacilityName(int facility) {
  if (facility < 0 || facility >= static_cast<int>(kFacilities.size())) return {};
  return kFacilities[static_cast<std::size_t>(facility)];
}

std::string_view SeverityName(int severity) {
  if (severity < 0 || severity >= static_cast<int>(kSeverities.size())) return {};
  return kSeverities[static_cast<std::size_t>(severity)];
}

int ParseFacility(std::string_view name) { return Lookup(name, kFacilities, kFacilityAliases); }

int ParseSeverity(std::string_view name) { return Lookup(name, kSeverities, kSeverityAliases); }

}  // namespace gs::collector::syslog
