// PrometheusText: builds one scrape body in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Families are written in declaration order with HELP and TYPE once each, whatever order
// their samples arrive in. Names are validated and invalid input is dropped and described in
// errors() rather than thrown: a bad label never takes /metrics down.
// Thread-safety: none; use one instance per scrape from one thread.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gs::collector::web {

// The Content-Type to serve the output with.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved for Prometheus itself).
bool IsValidLabelName(std::string_view name);
// Integers (|v| < 2^53) without exponent or decimals, "+Inf", "-Inf", "NaN", otherwise the
// shortest text that reads back as the same double.
std::string FormatSampleValue(double value);
// Escapes \ " and newline for a label value.
std::string EscapeLabelValue(std::string_view value);
// Escapes \ and newline for HELP text.
std::string EscapeHelp(std::string_view help);

class PrometheusText {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // Declares a family. `type` is "counter" or "gauge". Declaring a name twice, an invalid
  // name or another type is an error (the declaration is ignored).
  void Family(std::string_view name, std::string_view help, std::string_view type);

  // Adds a sample to the declared family `name`. Dropped (with an error) if the family was
  // not declared, a label name is invalid or repeated.
  void Sample(std::string_view name, const Labels& labels, double value);

  // The exposition text of everything added so far; resets the writer (errors stay).
  [[nodiscard]] std::string Take();

  // One line per dropped declaration or sample, for the caller to log.
  [[nodiscard]] const std::vector<std::string>& errors() const { return errors_; }

 private:
  struct FamilyText {
    std::string header;   // # HELP and # TYPE lines
    std::string samples;  // sample lines
  };

  std::vector<FamilyText> families_;
  std::unordered_map<std::string, std::size_t> index_;  // name -> families_ position
  std::vector<std::string> errors_;
};

}  // namespace gs::collector::web
