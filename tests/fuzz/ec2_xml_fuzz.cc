// Fuzzes the EC2 DescribeInstances page parser and the AWS error document parser with the
// whole input as one HTTP answer body.
//
// Invariants (std::abort on violation):
// - an input that is an error document is never a page, and its error names the code;
// - a page's instances all have an id;
// - parsing is deterministic (the same input gives the same page or the same error).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "collector/inventory/ec2_xml.h"

namespace {

using gs::collector::inventory::Ec2Error;
using gs::collector::inventory::Ec2Page;
using gs::collector::inventory::ParseDescribeInstances;
using gs::collector::inventory::ParseEc2Error;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const std::optional<Ec2Error> error = ParseEc2Error(xml);
  const gs::Result<Ec2Page> page = ParseDescribeInstances(xml);
  if (error) {
    Check(!page);
    Check(page.error().message == "EC2 error " + error->code + ": " + error->message);
  }
  const gs::Result<Ec2Page> again = ParseDescribeInstances(xml);
  Check(page.has_value() == again.has_value());
  if (!page) {
    Check(!page.error().message.empty() && page.error().message == again.error().message);
    return 0;
  }
  Check(page->next_token == again->next_token && page->instances == again->instances);
  for (const auto& instance : page->instances) Check(!instance.id.empty());
  return 0;
}
