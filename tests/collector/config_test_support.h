// Helpers shared by the config tests: load YAML text that must be accepted, or check that it
// is refused with a given error. Header-only; test thread only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "collector/config/loader.h"

namespace gs::collector {

// The config of `yaml`; a test failure listing every error when it is refused.
inline Config Load(const std::string& yaml) {
  auto r = LoadConfigText(yaml, "test.yaml");
  if (!r) {
    std::string all;
    for (const auto& e : r.error()) all += "\n  " + e.ToString();
    ADD_FAILURE() << "config refused:" << all;
    return Config{};
  }
  return std::move(*r);
}

// Success when `yaml` is refused with an error line containing `needle`.
inline ::testing::AssertionResult Refused(const std::string& yaml, std::string_view needle) {
  auto r = LoadConfigText(yaml, "test.yaml");
  if (r) return ::testing::AssertionFailure() << "accepted";
  std::string all;
  for (const auto& e : r.error()) {
    if (e.ToString().find(needle) != std::string::npos) return ::testing::AssertionSuccess();
    all += "\n  " + e.ToString();
  }
  return ::testing::AssertionFailure() << "no error containing \"" << needle << "\" in:" << all;
}

}  // namespace gs::collector
