// ParseDescribeInstances and ParseEc2Error on pages shaped like the DescribeInstances example
// of the Amazon EC2 API Reference (API version 2016-11-15) and on AWS error documents.
#include "collector/inventory/ec2_xml.h"

#include <gtest/gtest.h>

#include <string>

namespace gs::collector::inventory {
namespace {

// Two reservations, three instances: a running web server with a public address and two
// network interfaces (the secondary one listed first), a stopped database without public
// address or DNS names, and a pending worker. Paginated: nextToken is set.
constexpr std::string_view kPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
    <reservationSet>
        <item>
            <reservationId>r-1234567890abcdef0</reservationId>
            <ownerId>123456789012</ownerId>
            <groupSet/>
            <instancesSet>
                <item>
                    <instanceId>i-1234567890abcdef0</instanceId>
                    <imageId>ami-bff32ccc</imageId>
                    <instanceState>
                        <code>16</code>
                        <name>running</name>
                    </instanceState>
                    <privateDnsName>ip-192-168-1-88.eu-west-1.compute.internal</privateDnsName>
                    <dnsName>ec2-54-194-252-215.eu-west-1.compute.amazonaws.com</dnsName>
                    <reason/>
                    <keyName>my_keypair</keyName>
                    <amiLaunchIndex>0</amiLaunchIndex>
                    <productCodes/>
                    <instanceType>t2.micro</instanceType>
                    <launchTime>2018-05-08T16:46:19.000Z</launchTime>
                    <placement>
                        <availabilityZone>eu-west-1c</availabilityZone>
                        <groupName/>
                        <tenancy>default</tenancy>
                    </placement>
                    <monitoring>
                        <state>disabled</state>
                    </monitoring>
                    <subnetId>subnet-56f5f633</subnetId>
                    <vpcId>vpc-11112222</vpcId>
                    <networkInterfaceSet>
                        <item>
                            <networkInterfaceId>eni-0f1e2d3c4b5a69788</networkInterfaceId>
                            <privateIpAddress>192.168.2.17</privateIpAddress>
                            <privateDnsName>ip-192-168-2-17.eu-west-1.compute.internal</privateDnsName>
                            <association>
                                <publicIp>34.251.10.20</publicIp>
                                <ipOwnerId>amazon</ipOwnerId>
                            </association>
                        </item>
                        <item>
                            <networkInterfaceId>eni-551ba033</networkInterfaceId>
                            <privateIpAddress>192.168.1.88</privateIpAddress>
                            <association>
                                <publicIp>54.194.252.215</publicIp>
                                <publicDnsName>ec2-54-194-252-215.eu-west-1.compute.amazonaws.com</publicDnsName>
                                <ipOwnerId>amazon</ipOwnerId>
                            </association>
                        </item>
                    </networkInterfaceSet>
                    <privateIpAddress>192.168.1.88</privateIpAddress>
                    <ipAddress>54.194.252.215</ipAddress>
                    <sourceDestCheck>true</sourceDestCheck>
                    <architecture>x86_64</architecture>
                    <rootDeviceType>ebs</rootDeviceType>
                    <rootDeviceName>/dev/xvda</rootDeviceName>
                    <blockDeviceMapping>
                        <item>
                            <deviceName>/dev/xvda</deviceName>
                            <ebs>
                                <volumeId>vol-1234567890abcdef0</volumeId>
                                <status>attached</status>
                                <attachTime>2018-05-08T16:46:20.000Z</attachTime>
                                <deleteOnTermination>true</deleteOnTermination>
                            </ebs>
                        </item>
                    </blockDeviceMapping>
                    <virtualizationType>hvm</virtualizationType>
                    <clientToken/>
                    <tagSet>
                        <item>
                            <key>Name</key>
                            <value>web-1</value>
                        </item>
                        <item>
                            <key>role</key>
                            <value>web</value>
                        </item>
                    </tagSet>
                    <hypervisor>xen</hypervisor>
                </item>
                <item>
                    <instanceId>i-0598c7d356eba48d7</instanceId>
                    <instanceState>
                        <code>80</code>
                        <name>stopped</name>
                    </instanceState>
                    <privateDnsName/>
                    <dnsName/>
                    <instanceType>r5.large</instanceType>
                    <placement>
                        <availabilityZone>eu-west-1a</availabilityZone>
                    </placement>
                    <privateIpAddress>192.168.1.20</privateIpAddress>
                    <tagSet>
                        <item>
                            <key>Name</key>
                            <value>db-1</value>
                        </item>
                        <item>
                            <key>backup</key>
                            <value/>
                        </item>
                        <item>
                            <key>owner</key>
                            <value></value>
                        </item>
                    </tagSet>
                </item>
            </instancesSet>
        </item>
        <item>
            <reservationId>r-0a1b2c3d4e5f67890</reservationId>
            <ownerId>123456789012</ownerId>
            <instancesSet>
                <item>
                    <instanceId>i-0abcdef1234567890</instanceId>
                    <instanceState>
                        <code>0</code>
                        <name>pending</name>
                    </instanceState>
                    <instanceType>c5.xlarge</instanceType>
                    <placement>
                        <availabilityZone>eu-west-1b</availabilityZone>
                    </placement>
                    <privateIpAddress>192.168.3.5</privateIpAddress>
                </item>
            </instancesSet>
        </item>
    </reservationSet>
    <nextToken>eyJ2IjoiMiIsImMiOiJleGFtcGxlIn0=</nextToken>
</DescribeInstancesResponse>
)";

std::string ErrorDocument(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code +
         "</Code><Message>" + message +
         "</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID>"
         "</Response>";
}

TEST(Ec2XmlTest, ParsesEveryInstanceOfARealisticPageAcrossReservations) {
  const Result<Ec2Page> page = ParseDescribeInstances(kPage);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->instances.size(), 3U);
  const Ec2Instance& web = page->instances[0];
  EXPECT_EQ(web.id, "i-1234567890abcdef0");
  EXPECT_EQ(web.type, "t2.micro");
  EXPECT_EQ(web.availability_zone, "eu-west-1c");
  EXPECT_EQ(web.state, "running");
  EXPECT_EQ(web.public_dns, "ec2-54-194-252-215.eu-west-1.compute.amazonaws.com");
  EXPECT_EQ(web.tags, (probes::Tags{{"Name", "web-1"}, {"role", "web"}}));
  EXPECT_EQ(page->instances[1].state, "stopped");
  EXPECT_EQ(page->instances[2].id, "i-0abcdef1234567890");
  EXPECT_EQ(page->instances[2].state, "pending");
  EXPECT_EQ(page->instances[2].availability_zone, "eu-west-1b");
  EXPECT_TRUE(page->instances[2].tags.empty());
}

TEST(Ec2XmlTest, NestedNetworkInterfacesDoNotReplaceTheInstancesOwnAddresses) {
  const Result<Ec2Page> page = ParseDescribeInstances(kPage);
  ASSERT_TRUE(page) << page.error().message;
  const Ec2Instance& web = page->instances[0];
  EXPECT_EQ(web.private_ip, "192.168.1.88");   // not the first interface's 192.168.2.17
  EXPECT_EQ(web.public_ip, "54.194.252.215");  // not its 34.251.10.20
  EXPECT_EQ(web.private_dns, "ip-192-168-1-88.eu-west-1.compute.internal");
}

TEST(Ec2XmlTest, AnInstanceWithoutPublicAddressHasEmptyPublicFields) {
  const Result<Ec2Page> page = ParseDescribeInstances(kPage);
  ASSERT_TRUE(page) << page.error().message;
  const Ec2Instance& db = page->instances[1];
  EXPECT_EQ(db.private_ip, "192.168.1.20");
  EXPECT_EQ(db.public_ip, "");
  EXPECT_EQ(db.public_dns, "");
  EXPECT_EQ(db.private_dns, "");
  EXPECT_EQ(page->instances[2].public_ip, "");
}

TEST(Ec2XmlTest, TagsWithEmptyValuesAreKept) {
  const Result<Ec2Page> page = ParseDescribeInstances(kPage);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->instances[1].tags,
            (probes::Tags{{"Name", "db-1"}, {"backup", ""}, {"owner", ""}}));
}

TEST(Ec2XmlTest, TheNextTokenIsKeptAndTheLastPageHasNone) {
  const Result<Ec2Page> page = ParseDescribeInstances(kPage);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->next_token, "eyJ2IjoiMiIsImMiOiJleGFtcGxlIn0=");

  const Result<Ec2Page> last = ParseDescribeInstances(
      "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      "<requestId>x</requestId><reservationSet/></DescribeInstancesResponse>");
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_TRUE(last->instances.empty());
  EXPECT_EQ(last->next_token, "");
}

TEST(Ec2XmlTest, NamespacePrefixesAreIgnored) {
  const Result<Ec2Page> page = ParseDescribeInstances(
      "<ec2:DescribeInstancesResponse xmlns:ec2=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      "<ec2:reservationSet><ec2:item><ec2:instancesSet><ec2:item>"
      "<ec2:instanceId>i-1</ec2:instanceId><ec2:instanceState><ec2:name>running</ec2:name>"
      "</ec2:instanceState><ec2:tagSet><ec2:item><ec2:key>k</ec2:key><ec2:value>v</ec2:value>"
      "</ec2:item></ec2:tagSet></ec2:item></ec2:instancesSet></ec2:item></ec2:reservationSet>"
      "<ec2:nextToken>t2</ec2:nextToken></ec2:DescribeInstancesResponse>");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->instances.size(), 1U);
  EXPECT_EQ(page->instances[0].id, "i-1");
  EXPECT_EQ(page->instances[0].state, "running");
  EXPECT_EQ(page->instances[0].tags, (probes::Tags{{"k", "v"}}));
  EXPECT_EQ(page->next_token, "t2");
}

TEST(Ec2XmlTest, ErrorDocumentsBecomeErrorsNamingTheCodeAndMessage) {
  const struct {
    std::string code, message;
  } kCases[] = {
      {"RequestLimitExceeded", "Request limit exceeded."},
      {"AuthFailure", "AWS was not able to validate the provided access credentials"},
      {"UnauthorizedOperation", "You are not authorized to perform this operation."},
  };
  for (const auto& c : kCases) {
    const std::string xml = ErrorDocument(c.code, c.message);
    const std::optional<Ec2Error> error = ParseEc2Error(xml);
    ASSERT_TRUE(error) << c.code;
    EXPECT_EQ(error->code, c.code);
    EXPECT_EQ(error->message, c.message);
    const Result<Ec2Page> page = ParseDescribeInstances(xml);
    ASSERT_FALSE(page) << c.code;
    EXPECT_EQ(page.error().message, "EC2 error " + c.code + ": " + c.message);
  }
}

TEST(Ec2XmlTest, TheOtherQueryApisErrorResponseIsRecognisedToo) {
  const std::optional<Ec2Error> error = ParseEc2Error(
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender"
      "</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
      "<RequestId>x</RequestId></ErrorResponse>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "Throttling");
  EXPECT_EQ(error->message, "Rate exceeded");
}

TEST(Ec2XmlTest, APageOrMalformedTextIsNotAnErrorDocument) {
  EXPECT_FALSE(ParseEc2Error(kPage));
  EXPECT_FALSE(ParseEc2Error("<Response><Errors>"));
  EXPECT_FALSE(ParseEc2Error(""));
  EXPECT_FALSE(ParseEc2Error("<Response/>"));
}

TEST(Ec2XmlTest, MalformedXmlIsAnErrorSayingWhatIsWrong) {
  const struct {
    std::string_view xml;
    std::string_view says;
  } kCases[] = {
      {"", "No document element found"},
      {"service unavailable", "No document element found"},
      {"<DescribeInstancesResponse><reservationSet>", "Start-end tags mismatch"},
      {"<DescribeInstancesResponse></Response>", "Start-end tags mismatch"},
      {"<DescribeInstancesResponse a=\"1></DescribeInstancesResponse>", "attribute"},
  };
  for (const auto& c : kCases) {
    const Result<Ec2Page> page = ParseDescribeInstances(c.xml);
    ASSERT_FALSE(page) << c.xml;
    EXPECT_TRUE(page.error().message.starts_with("DescribeInstances answer is not well-formed XML"))
        << page.error().message;
    EXPECT_NE(page.error().message.find(c.says), std::string::npos) << page.error().message;
  }
}

TEST(Ec2XmlTest, AnotherRootElementIsAnErrorNamingIt) {
  const Result<Ec2Page> page =
      ParseDescribeInstances("<DescribeVolumesResponse><volumeSet/></DescribeVolumesResponse>");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().message,
            "DescribeInstances answer has root element <DescribeVolumesResponse>, not "
            "<DescribeInstancesResponse>");
}

TEST(Ec2XmlTest, AnInstanceWithoutIdIsAnError) {
  const Result<Ec2Page> page = ParseDescribeInstances(
      "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-1"
      "</instanceId></item><item><instanceType>t3.nano</instanceType></item></instancesSet>"
      "</item></reservationSet></DescribeInstancesResponse>");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().message,
            "DescribeInstances answer: instance 2 of reservation 1 has no instanceId");
}

}  // namespace
}  // namespace gs::collector::inventory
