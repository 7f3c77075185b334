// Package openstack decodes OpenStack audit records: oslo.messaging
// notifications (flat messaging v1 objects, messagingv2 envelopes whose
// "oslo.message" holds the notification as a JSON string, and nova's
// versioned payloads under "nova_object.data") and CADF events (raw
// keystonemiddleware/Hermes events, the same wrapped as audit.http.request /
// audit.http.response notifications, and keystone identity.* notifications).
//
// Pairing. A CADF audit.http.request (outcome pending) and its
// audit.http.response share the payload id: they are joined into one event
// whose outcome is the response's; a lone request has outcome unknown.
// Notifications <op>.start and <op>.end (or <op>.error) of one request are
// joined too, on the request id, the operation and, for nova and cinder, the
// instance, volume, snapshot or backup id (one request may act on several):
// one event per operation, outcome from the closing record (.end success,
// .error failure), a lone .start unknown. Notifications without a request id,
// and those without a phase suffix (glance image.*, keystone identity.*,
// trove.instance.*), stand alone.
//
// Operation names. A notification's operation is its event_type (the closing
// record's for a pair, e.g. "snapshot.create.end"). A CADF event's operation
// is its action followed by its target typeURI ("update/createImage
// service/compute/servers/server/action"), or the action alone when there is
// no typeURI; a keystone CADF notification keeps its event_type.
//
// What a CADF event cannot tell: it carries no request body, and its target
// id is the service endpoint, so resources come from the ids in requestPath
// only. A created volume's source, an opened rule's ports and CIDR, and an
// image member's project are unknown there: the event keeps its action and
// leaves those empty (network.ingress.open with no Ingress).
//
// Mapping notes. instance.shelve is image.create (shelving snapshots an
// image-backed instance, the image id is not in the payload);
// instance.shelve_offload only frees the host and has no action. Cinder's
// backup.restore payload describes the backup, so its volume_id (the
// backup's origin) is not reported as the restored volume. Of a volume
// transfer only the accept is volume.transfer, shared with the accepting
// project. Neutron port notifications carry no action but tie a port and its
// instance to security groups, for the chain from an opened group to an
// instance. Service is one of compute, volume, image, network, identity,
// database (or the CADF target's service type, e.g. load-balancer); Region is
// the publisher's host, the closest thing a notification has to a place.
package openstack
