// Ec2Client: EC2 discovery over the Query API: every page of DescribeInstances, signed with
// SigV4 and the credential chain, and the mapping of instances to inventory nodes.
//
// Thread-safety: thread-compatible; it blocks (libcurl easy, IMDS), so it belongs to the
// discovery worker thread, never to the io_context. ToNodes is a pure function.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "collector/inventory/aws_credentials.h"
#include "collector/inventory/ec2_xml.h"
#include "collector/inventory/node.h"
#include "probes/result.h"
#include "probes/target.h"

namespace gs::collector::inventory {

struct Ec2Options {
  std::string name;  // the source's name in config
  std::string region = "us-east-1";
  std::string endpoint;  // empty: https://ec2.REGION.amazonaws.com
  // e.g. {"tag:role", {"web"}}, {"instance-state-name", {"running", "pending"}}
  std::vector<std::pair<std::string, std::vector<std::string>>> filters;
  bool public_address = false;               // address: public (else private)
  std::string name_tag = "Name";             // node name from this tag; "" = always the instance id
  probes::Tags tags;                         // added to every node
  int page_size = 1000;                      // MaxResults (clamped to 5..1000)
  std::chrono::milliseconds timeout{10000};  // per page
  bool verify_tls = true;
  CredentialOptions credentials;
};

class Ec2Client {
 public:
  explicit Ec2Client(Ec2Options options);

  // Every page (NextToken), each a POST of Action=DescribeInstances&Version=2016-11-15
  // &MaxResults=N&Filter.1.Name=..&Filter.1.Value.1=.. (form-encoded body, SigV4-signed for
  // service "ec2"). Fails on missing credentials, a transport error, an HTTP error or AWS error
  // document (RequestLimitExceeded and Throttling are marked as throttling), a malformed page
  // and more than 1000 pages; the message names the source, the page and the code.
  Result<std::vector<Ec2Instance>> DescribeAll();

  // Instances to nodes. Name: the options.name_tag tag (else the instance id); instances that
  // share a name are all named "NAME-ID". Tags: the instance's tags, then options.tags, then
  // instance_id, instance_type, availability_zone and instance_state (later ones win).
  // Address: the public or private IP, "" when the instance has none (it is still listed, with
  // its lifecycle). Lifecycle: pending, running, stopping, stopped; shutting-down and terminated
  // are kTerminated; an unknown state is kPending (listed, not checked).
  // The instances' tags are moved into the nodes.
  static std::vector<DiscoveredNode> ToNodes(std::vector<Ec2Instance> instances,
                                             const Ec2Options& options);

  // The form body of one page request ("" token: the first page). Public for tests.
  static std::string FormBody(const Ec2Options& options, const std::string& next_token);

 private:
  // One page's POST, signed at the current time.
  AwsHttpRequest SignedRequest(const AwsCredentials& credentials,
                               const std::string& next_token) const;
  Result<Ec2Page> FetchPage(const AwsCredentials& credentials, const std::string& next_token,
                            int page);

  Ec2Options options_;
  CredentialProvider credentials_;
  std::string url_;   // the endpoint, with "/" added when it had no path
  std::string host_;  // the Host header: the endpoint's authority
  std::string path_;  // the endpoint's path, as signed
};

}  // namespace gs::collector::inventory
