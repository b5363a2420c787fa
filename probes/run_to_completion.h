// The blocking form of an asynchronous probe, for the command line: runs one check on a
// private io_context until it is done. Header-only; call from any thread that may block.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <utility>

#include "probes/check_result.h"

namespace gs::probes {

// `start(io, done)` starts the check on `io`; its result, or UNKNOWN should the loop run dry
// without one (a probe that broke its "done exactly once" contract).
template <typename Start>
CheckResult RunToCompletion(Start&& start) {
  boost::asio::io_context io;
  std::optional<CheckResult> result;
  std::forward<Start>(start)(
      io, std::function<void(CheckResult)>([&result](CheckResult r) { result = std::move(r); }));
  io.run();
  if (result) return std::move(*result);
  CheckResult unknown;
  unknown.state = State::kUnknown;
  unknown.text = "the probe ended without a result";
  return unknown;
}

}  // namespace gs::probes
