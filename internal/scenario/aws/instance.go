package aws

import (
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// appendAccountID appends an id of the account's network (its VPC, subnet,
// base AMI): the same for every record of the account.
func appendAccountID(b []byte, prefix, account, what string) []byte {
	s := streamOf(account + "/" + what)
	b = append(b, prefix...)
	b = append(b, '-', '0')
	return appendHex(b, &s, 16)
}

// runInstances launches one instance (op.Created) into the security group
// op.Net, from op.Source when it is an AMI or a snapshot (booted through a
// block device mapping), else from the account's base AMI.
func (r *rec) runInstances() error {
	op := r.op
	acct := op.Account.ID
	r.begin(&apiRunInstances, "arn:aws:ec2:"+op.Region+":"+acct+":instance/*")
	var ami []byte
	if strings.HasPrefix(op.Source, "ami-") {
		ami = append(ami, op.Source...)
	} else {
		ami = appendAccountID(ami, "ami", acct, "base-image")
	}
	typ := instanceTypes[hashOf(op.Created)%uint64(len(instanceTypes))]
	key := op.Actor.Name + "-key"
	group := r.w.cloud.nameOf(op.Net)
	if group == "" {
		group = "default"
	}
	if r.request() {
		b := append(r.b, `{"instancesSet":{"items":[{"imageId":"`...)
		b = append(b, ami...)
		b = append(b, `","minCount":1,"maxCount":1,"keyName":`...)
		b = scenario.AppendString(b, key)
		b = append(b, `}]}`...)
		if op.Net != "" {
			b = append(b, `,"groupSet":{"items":[{"groupId":`...)
			b = append(scenario.AppendString(b, op.Net), `}]}`...)
		}
		b = appendField(b, "instanceType", typ)
		b = append(b, `,"blockDeviceMapping":`...)
		if strings.HasPrefix(op.Source, "snap-") {
			b = append(b, `{"items":[{"deviceName":"/dev/xvda","ebs":{"snapshotId":`...)
			b = append(scenario.AppendString(b, op.Source), `,"deleteOnTermination":true,"volumeType":"gp3"}}]}`...)
		} else {
			b = append(b, `{}`...)
		}
		b = append(b, `,"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"`...)
		b = appendUUID(b, &r.s)
		b = append(b, `","subnetId":"`...)
		b = appendAccountID(b, "subnet", acct, "subnet")
		b = append(b, '"')
		r.b = append(r.appendNewTags(b, op.Created, "instance", true), '}')
	}
	if r.response() {
		ip := r.s.next()
		b := append(r.b, `{"requestId":`...)
		b = r.appendRequestID(b)
		b = append(b, `,"reservationId":"r-0`...)
		b = append(appendHex(b, &r.s, 16), '"')
		b = appendField(b, "ownerId", acct)
		b = append(b, `,"groupSet":{},"instancesSet":{"items":[{"instanceId":`...)
		b = scenario.AppendString(b, op.Created)
		b = append(b, `,"imageId":"`...)
		b = append(b, ami...)
		b = append(b, `","currentInstanceBootMode":"legacy-bios","instanceState":{"code":0,"name":"pending"},"privateDnsName":"`...)
		b = appendPrivateDNS(b, ip, op.Region)
		b = append(b, `","keyName":`...)
		b = scenario.AppendString(b, key)
		b = append(b, `,"amiLaunchIndex":0,"productCodes":{}`...)
		b = appendField(b, "instanceType", typ)
		b = strconv.AppendInt(append(b, `,"launchTime":`...), millis(op.Time), 10)
		b = r.appendZone(append(b, `,"placement":{"availabilityZone":`...), op.Created)
		b = append(b, `,"tenancy":"default"},"monitoring":{"state":"disabled"},"subnetId":"`...)
		b = appendAccountID(b, "subnet", acct, "subnet")
		b = append(b, `","vpcId":"`...)
		b = appendAccountID(b, "vpc", acct, "vpc")
		b = append(b, `","privateIpAddress":"`...)
		b = appendPrivateIP(b, ip)
		b = append(b, `","stateReason":{"code":"pending","message":"pending"},"architecture":"x86_64","rootDeviceType":"ebs","rootDeviceName":"/dev/xvda","blockDeviceMapping":{},"virtualizationType":"hvm","hypervisor":"xen","groupSet":`...)
		b = r.appendGroupSet(b, op.Net, group)
		b = append(b, `,"sourceDestCheck":true,"networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-0`...)
		b = appendHex(b, &r.s, 16)
		b = append(b, `","subnetId":"`...)
		b = appendAccountID(b, "subnet", acct, "subnet")
		b = append(b, `","vpcId":"`...)
		b = append(appendAccountID(b, "vpc", acct, "vpc"), '"')
		b = appendField(b, "ownerId", acct)
		b = append(b, `,"status":"in-use","privateIpAddress":"`...)
		b = appendPrivateIP(b, ip)
		b = append(b, `","privateDnsName":"`...)
		b = appendPrivateDNS(b, ip, op.Region)
		b = append(b, `","sourceDestCheck":true,"interfaceType":"interface","groupSet":`...)
		b = r.appendGroupSet(b, op.Net, group)
		b = append(b, `,"attachment":{"attachmentId":"eni-attach-0`...)
		b = appendHex(b, &r.s, 16)
		b = append(b, `","deviceIndex":0,"networkCardIndex":0,"status":"attaching","attachTime":`...)
		b = strconv.AppendInt(b, millis(op.Time), 10)
		b = append(b, `,"deleteOnTermination":true},"privateIpAddressesSet":{"item":[{"privateIpAddress":"`...)
		b = appendPrivateIP(b, ip)
		b = append(b, `","privateDnsName":"`...)
		b = appendPrivateDNS(b, ip, op.Region)
		b = append(b, `","primary":true}]},"ipv6AddressesSet":{},"tagSet":{}}]},"ebsOptimized":false,"enaSupport":true,"cpuOptions":{"coreCount":1,"threadsPerCore":2},"capacityReservationSpecification":{"capacityReservationPreference":"open"},"enclaveOptions":{"enabled":false},"metadataOptions":{"state":"pending","httpTokens":"required","httpPutResponseHopLimit":2,"httpEndpoint":"enabled","httpProtocolIpv4":"enabled","httpProtocolIpv6":"disabled","instanceMetadataTags":"disabled"},"maintenanceOptions":{"autoRecovery":"default"},"privateDnsNameOptions":{"hostnameType":"ip-name","enableResourceNameDnsARecord":false,"enableResourceNameDnsAAAARecord":false}`...)
		b = r.appendNewTags(b, op.Created, "instance", false)
		r.b = append(b, `}]}}`...)
	}
	r.end()
	return nil
}

// appendGroupSet appends an instance's groupSet: its security group.
func (r *rec) appendGroupSet(b []byte, net, name string) []byte {
	if net == "" {
		return append(b, `{}`...)
	}
	b = scenario.AppendString(append(b, `{"items":[{"groupId":`...), net)
	b = appendField(b, "groupName", name)
	return append(b, `}]}`...)
}

// appendPrivateIP appends an address of the VPC's 10.0.0.0/16.
func appendPrivateIP(b []byte, v uint64) []byte {
	b = append(b, "10.0."...)
	b = strconv.AppendUint(b, v>>8&0xff, 10)
	b = append(b, '.')
	return strconv.AppendUint(b, 4+v%250, 10)
}

// appendPrivateDNS appends the instance's private host name,
// ip-10-0-1-23.REGION.compute.internal.
func appendPrivateDNS(b []byte, v uint64, region string) []byte {
	b = append(b, "ip-10-0-"...)
	b = strconv.AppendUint(b, v>>8&0xff, 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, 4+v%250, 10)
	b = append(b, '.')
	b = append(b, region...)
	return append(b, ".compute.internal"...)
}

// authorizeIngress opens op.Port (all traffic when 0) on the security
// group op.Target to op.CIDR, as the CLI and console log it: the nested
// ipPermissions request, and the rules made in securityGroupRuleSet.
func (r *rec) authorizeIngress() error {
	op := r.op
	r.begin(&apiAuthorizeIngress, r.ec2(op.Target))
	proto, port := "tcp", int64(op.Port)
	if op.Port <= 0 {
		proto, port = "-1", -1
	}
	v6 := strings.Contains(op.CIDR, ":")
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"groupId":`...), op.Target)
		b = append(b, `,"ipPermissions":{"items":[{"ipProtocol":"`...)
		b = append(b, proto...)
		b = append(b, '"')
		if port >= 0 {
			b = appendInt(b, "fromPort", port)
			b = appendInt(b, "toPort", port)
		}
		b = append(b, `,"groups":{}`...)
		if v6 {
			b = append(b, `,"ipRanges":{},"ipv6Ranges":{"items":[{"cidrIpv6":`...)
		} else {
			b = append(b, `,"ipRanges":{"items":[{"cidrIp":`...)
		}
		b = scenario.AppendString(b, op.CIDR)
		if v6 {
			b = append(b, `}]}`...)
		} else {
			b = append(b, `}]},"ipv6Ranges":{}`...)
		}
		r.b = append(b, `,"prefixListIds":{}}]}}`...)
	}
	if r.response() {
		b := append(r.b, `{"requestId":`...)
		b = r.appendRequestID(b)
		b = append(b, `,"_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"`...)
		b = append(b, op.Account.ID...)
		b = append(b, `","groupId":`...)
		b = scenario.AppendString(b, op.Target)
		b = append(b, `,"securityGroupRuleId":"sgr-0`...)
		b = appendHex(b, &r.s, 16)
		b = append(b, `","isEgress":false,"ipProtocol":"`...)
		b = append(b, proto...)
		b = append(b, '"')
		b = appendInt(b, "fromPort", port)
		b = appendInt(b, "toPort", port)
		if v6 {
			b = appendField(b, "cidrIpv6", op.CIDR)
		} else {
			b = appendField(b, "cidrIpv4", op.CIDR)
		}
		r.b = append(b, `}]}}`...)
	}
	r.end()
	return nil
}
