#include "collector/inventory/ec2_xml.h"

#include <pugixml.hpp>
#include <utility>

namespace gs::collector::inventory {
namespace {

// The element name without its namespace prefix ("ec2:item" -> "item").
std::string_view LocalName(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The first child element called `name` (any prefix); an empty node when there is none.
pugi::xml_node Child(const pugi::xml_node& node, std::string_view name) {
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child) == name) return child;
  }
  return {};
}

// Calls `visit` on each child element called `name`.
template <typename Visit>
void ForEachChild(const pugi::xml_node& node, std::string_view name, Visit&& visit) {
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child) == name) visit(child);
  }
}

// The element's text (PCDATA or CDATA) as it is.
std::string RawText(const pugi::xml_node& node) { return node.text().get(); }

// The element's text without surrounding whitespace (a pretty-printed answer).
std::string Text(const pugi::xml_node& node) {
  std::string_view text = node.text().get();
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const std::size_t last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

struct Parsed {
  pugi::xml_document document;
  pugi::xml_parse_result result;
};

void Load(std::string_view xml, Parsed& parsed) {
  parsed.result = parsed.document.load_buffer(xml.data(), xml.size(), pugi::parse_default);
}

std::optional<Ec2Error> ErrorOf(const pugi::xml_node& root) {
  pugi::xml_node error;
  if (LocalName(root) == "Response") {
    error = Child(Child(root, "Errors"), "Error");
  } else if (LocalName(root) == "ErrorResponse") {
    error = Child(root, "Error");
  }
  if (!error) return std::nullopt;
  return Ec2Error{Text(Child(error, "Code")), Text(Child(error, "Message"))};
}

Ec2Instance InstanceOf(const pugi::xml_node& item) {
  Ec2Instance out;
  out.id = Text(Child(item, "instanceId"));
  out.type = Text(Child(item, "instanceType"));
  out.availability_zone = Text(Child(Child(item, "placement"), "availabilityZone"));
  out.state = Text(Child(Child(item, "instanceState"), "name"));
  out.private_ip = Text(Child(item, "privateIpAddress"));
  out.public_ip = Text(Child(item, "ipAddress"));
  out.private_dns = Text(Child(item, "privateDnsName"));
  out.public_dns = Text(Child(item, "dnsName"));
  ForEachChild(Child(item, "tagSet"), "item", [&](const pugi::xml_node& tag) {
    out.tags.insert_or_assign(RawText(Child(tag, "key")), RawText(Child(tag, "value")));
  });
  return out;
}

}  // namespace

std::optional<Ec2Error> ParseEc2Error(std::string_view xml) {
  Parsed parsed;
  Load(xml, parsed);
  if (!parsed.result) return std::nullopt;
  return ErrorOf(parsed.document.document_element());
}

Result<Ec2Page> ParseDescribeInstances(std::string_view xml) {
  Parsed parsed;
  Load(xml, parsed);
  if (!parsed.result) {
    return Fail(std::string("DescribeInstances answer is not well-formed XML: ") +
                parsed.result.description() + " at byte " + std::to_string(parsed.result.offset));
  }
  const pugi::xml_node root = parsed.document.document_element();
  if (const std::optional<Ec2Error> error = ErrorOf(root)) {
    return Fail("EC2 error " + error->code + ": " + error->message);
  }
  if (LocalName(root) != "DescribeInstancesResponse") {
    return Fail("DescribeInstances answer has root element <" + std::string(root.name()) +
                ">, not <DescribeInstancesResponse>");
  }
  Ec2Page page;
  std::string missing_id;
  std::size_t reservation = 0;
  ForEachChild(Child(root, "reservationSet"), "item", [&](const pugi::xml_node& item) {
    ++reservation;
    std::size_t index = 0;
    ForEachChild(Child(item, "instancesSet"), "item", [&](const pugi::xml_node& instance) {
      ++index;
      Ec2Instance parsed_instance = InstanceOf(instance);
      if (parsed_instance.id.empty() && missing_id.empty()) {
        missing_id = "instance " + std::to_string(index) + " of reservation " +
                     std::to_string(reservation) + " has no instanceId";
      }
      page.instances.push_back(std::move(parsed_instance));
    });
  });
  if (!missing_id.empty()) return Fail("DescribeInstances answer: " + missing_id);
  page.next_token = Text(Child(root, "nextToken"));
  return page;
}

}  // namespace gs::collector::inventory
