// Result<T>: the value-or-error type every stage returns for expected failures.
// Header-only; safe from any thread.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace gs {

// An expected failure: a human-readable message that names what went wrong and where.
struct Error {
  std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

// Builds the unexpected branch of a Result: `return Fail("no such file: " + path);`
inline tl::unexpected<Error> Fail(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message)});
}

}  // namespace gs
