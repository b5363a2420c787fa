// Ec2Xml: parses one page of an EC2 DescribeInstances answer (Query API XML, any namespace
// version) and AWS error documents, with pugixml. Input is untrusted: every failure is a value
// naming what was wrong, and memory is bounded by pugixml's DOM of the input.
//
// Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/result.h"
#include "probes/target.h"

namespace gs::collector::inventory {

// The fields of one instance that discovery uses; "" when the answer has none (an instance
// without a public IP, a stopped instance without addresses).
struct Ec2Instance {
  std::string id, type, availability_zone, state;  // state: instanceState/name
  std::string private_ip, public_ip, private_dns, public_dns;
  probes::Tags tags;
  friend bool operator==(const Ec2Instance&, const Ec2Instance&) = default;
};

struct Ec2Page {
  std::vector<Ec2Instance> instances;
  std::string next_token;  // "" on the last page
};

// One page: DescribeInstancesResponse/reservationSet/item/instancesSet/item. Only an instance
// item's own children count (privateIpAddress inside networkInterfaceSet and the like is
// ignored); tags come from its tagSet/item/key,value. An AWS error document gives
// Fail("EC2 error CODE: MESSAGE"); malformed XML, another root element or an instance without
// instanceId give a Fail that says which.
Result<Ec2Page> ParseDescribeInstances(std::string_view xml);

// An AWS error document, <Response><Errors><Error><Code>..</Code><Message>..</Message> (EC2) or
// <ErrorResponse><Error><Code>.. (the other Query APIs); nullopt when `xml` is not one.
struct Ec2Error {
  std::string code, message;
};
std::optional<Ec2Error> ParseEc2Error(std::string_view xml);

}  // namespace gs::collector::inventory
