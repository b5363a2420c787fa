// The seam between Boost.Beast's parser and our Request: parser set-up with our limits, the
// mapping of Beast parse errors to HTTP statuses, and message -> Request conversion.
// Internal to collector/web; pure functions, safe from any thread.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "collector/web/http_request.h"

namespace gs::collector::web {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Applies header and body limits to a fresh parser.
void ApplyLimits(const RequestLimits& limits, BeastParser& parser);

// 431 for header_limit/buffer_overflow, 413 for body_limit, 400 for anything else.
RequestError ErrorForParse(const boost::beast::error_code& ec);

// Validates a parsed message (target, Authorization) into a Request; moves the body out.
RequestResult<Request> FromBeast(BeastRequest&& message, const RequestLimits& limits,
                                 std::string remote);

}  // namespace gs::collector::web
