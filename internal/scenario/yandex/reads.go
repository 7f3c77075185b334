package yandex

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Background reads are data events: Audit Trails logs no management Get or
// List call, but it does log the use of keys, secrets and certificates,
// database metadata reads, Kubernetes API reads and OS Login checks. Each is
// one DONE record; the decoder gives them no action.

// readSpec is one read operation and the services that log it.
type readSpec struct {
	name     string
	variants []evType // one is drawn per op, or the cluster's engine's
	details  func(b []byte, c *call) []byte
	// perEngine: variants are mdbEngines' and the cluster read says which.
	perEngine bool
}

type evType struct{ src, typ string }

func kms(sub, name string) []evType {
	return []evType{{"kms", "kms." + sub + name}}
}

// mdbEngines are the managed databases whose data events hold reads; a
// cluster's engine is its index here.
var mdbEngines = []string{"mdb.postgresql", "mdb.mysql", "mdb.mongodb"}

func mdb(name string) []evType {
	out := make([]evType, len(mdbEngines))
	for i, e := range mdbEngines {
		out[i] = evType{e, e + "." + name}
	}
	return out
}

func k8s(name string) []evType { return []evType{{"k8s", "k8s.apiserver." + name}} }

var readSpecs = []readSpec{
	{"Decrypt", kms("", "Decrypt"), symmetricKeyUse, false},
	{"Encrypt", kms("", "Encrypt"), symmetricKeyUse, false},
	{"GenerateDataKey", kms("", "GenerateDataKey"), symmetricKeyUse, false},
	{"ReEncrypt", kms("", "ReEncrypt"), symmetricKeyUse, false},
	{"AsymmetricGetPublicKey", kms("asymmetricsignature.", "AsymmetricGetPublicKey"), asymmetricKeyUse, false},
	{"AsymmetricDecrypt", kms("asymmetricencryption.", "AsymmetricDecrypt"), asymmetricKeyUse, false},
	{"GetPayload", []evType{{"lockbox", "lockbox.GetPayload"}}, secretRead, false},
	{"GetPayloadEx", []evType{{"lockbox", "lockbox.GetPayloadEx"}}, secretRead, false},
	{"GetCertificateContent", []evType{{"certificatemanager", "certificatemanager.GetCertificateContent"}}, certificateRead, false},
	{"CheckSshPolicy", []evType{{"iam", "iam.oslogin.CheckSshPolicy"}}, sshPolicyCheck, false},
	{"GetDatabase", mdb("GetDatabase"), databaseRead, true},
	{"ListDatabases", mdb("ListDatabases"), clusterRead, true},
	{"GetUser", mdb("GetUser"), userRead, true},
	{"ListUsers", mdb("ListUsers"), clusterRead, true},
	{"ApiServerGet", k8s("ApiServerGet"), kubeRead("get", "Metadata"), false},
	{"ApiServerList", k8s("ApiServerList"), kubeRead("list", "Metadata"), false},
	{"ApiServerWatch", k8s("ApiServerWatch"), kubeRead("watch", "Metadata"), false},
	{"ApiServerHead", k8s("ApiServerHead"), kubeRead("head", "Metadata"), false},
	{"GetDatabaseStructure", []evType{{"websql", "websql.GetDatabaseStructure"}}, webSQL, false},
	{"GenerateSql", []evType{{"websql", "websql.GenerateSql"}}, webSQL, false},
}

// readsByName indexes readSpecs.
var readsByName = func() map[string]*readSpec {
	m := make(map[string]*readSpec, len(readSpecs))
	for i := range readSpecs {
		m[readSpecs[i].name] = &readSpecs[i]
	}
	return m
}()

var errUnknownRead = errors.New("yandex: unknown read operation")

// read renders a read op as one data event.
func (w *writer) read(c *call) error {
	spec := readsByName[c.op.Name]
	if spec == nil {
		return errUnknownRead
	}
	t := c.at(c.op.Time, 0)
	b, err := w.start(c.f.tf, t)
	if err != nil {
		return err
	}
	return w.commit(c.f.tf, c.readEvent(b, spec, t))
}

// readEvent appends the data event of a read at t.
func (c *call) readEvent(b []byte, spec *readSpec, t time.Time) []byte {
	v := spec.variants[int(c.h>>3%uint64(len(spec.variants)))]
	if spec.perEngine {
		v = spec.variants[c.cluster().engine]
	}
	c.src, c.typ = v.src, v.typ
	status := statusDone
	if c.op.Failed {
		status = statusError
	}
	b = c.head(b, c.op.ID, t, status)
	b = append(b, `,"details":{`...)
	b = spec.details(b, c)
	return append(b, '}', '}')
}

// pick returns one of s, chosen by the op.
func pick(s []named, c *call, salt uint) named { return s[int(c.h>>(salt*5)%uint64(len(s)))] }

func symmetricKeyUse(b []byte, c *call) []byte {
	k := pick(c.f.resources().keys, c, 2)
	b = append(b, `"key_id":`...)
	b = scenario.AppendString(b, k.id)
	b = appendField(b, "key_name", k.name)
	return appendField(b, "version_id", derive(prefixKMS, k.id, 1))
}

func asymmetricKeyUse(b []byte, c *call) []byte {
	k := pick(c.f.resources().keys, c, 2)
	b = append(b, `"key_id":`...)
	b = scenario.AppendString(b, k.id)
	return appendField(b, "key_name", k.name)
}

func secretRead(b []byte, c *call) []byte {
	s := pick(c.f.resources().secrets, c, 2)
	b = append(b, `"secret_id":`...)
	b = scenario.AppendString(b, s.id)
	b = appendField(b, "secret_name", s.name)
	return appendField(b, "version_id", derive(prefixLockbox, s.id, 1))
}

func certificateRead(b []byte, c *call) []byte {
	s := pick(c.f.resources().certs, c, 2)
	b = append(b, `"certificate_id":`...)
	b = scenario.AppendString(b, s.id)
	return appendField(b, "certificate_name", s.name)
}

func sshPolicyCheck(b []byte, c *call) []byte {
	in := pick(c.f.resources().instances, c, 2)
	b = append(b, `"subject_id":`...)
	b = scenario.AppendString(b, c.a.id)
	b = appendField(b, "instance_id", in.id)
	b = appendField(b, "folder_id", c.f.f.id)
	return append(b, `,"ssh_policy":"LOGIN","success":true`...)
}

// cluster is the database cluster a read touches.
func (c *call) cluster() named { return pick(c.f.resources().clusters, c, 2) }

func clusterRead(b []byte, c *call) []byte {
	cl := c.cluster()
	b = append(b, `"cluster_id":`...)
	b = scenario.AppendString(b, cl.id)
	return appendField(b, "cluster_name", cl.name)
}

var databases = []string{"orders", "billing", "inventory", "analytics", "sessions"}
var dbUsers = []string{"app", "reporting", "migrator", "readonly", "grafana"}

func databaseRead(b []byte, c *call) []byte {
	b = clusterRead(b, c)
	return appendField(b, "database_name", databases[c.h>>20%uint64(len(databases))])
}

func userRead(b []byte, c *call) []byte {
	b = clusterRead(b, c)
	return appendField(b, "user_name", dbUsers[c.h>>20%uint64(len(dbUsers))])
}

var kubeURIs = []string{"/api/v1/namespaces/prod/pods", "/api/v1/namespaces/prod/configmaps",
	"/apis/apps/v1/namespaces/prod/deployments", "/api/v1/nodes", "/api/v1/namespaces/monitoring/services",
	"/apis/batch/v1/namespaces/prod/jobs"}

// kubeRead renders a Kubernetes API read as the API server's own audit
// event wrapped in the cluster's id.
func kubeRead(verb, level string) func(b []byte, c *call) []byte {
	return func(b []byte, c *call) []byte {
		cl := pick(c.f.resources().kube, c, 2)
		t := c.at(c.op.Time, 0)
		b = append(b, `"native_api_server_event":{"api_version":"audit.k8s.io/v1","kind":"Event","level":"`...)
		b = append(b, level...)
		b = append(b, `","audit_id":"`...)
		b = appendUUID(b, c.h2, c.h)
		b = append(b, `","stage":"ResponseComplete"`...)
		b = appendField(b, "request_uri", kubeURIs[c.h>>24%uint64(len(kubeURIs))])
		b = appendField(b, "verb", verb)
		b = append(b, `,"user":{"username":`...)
		b = scenario.AppendString(b, c.a.id)
		b = append(b, `,"groups":["system:authenticated"]},"source_ips":[`...)
		b = scenario.AppendString(b, clientIP(c))
		b = append(b, `],"user_agent":"kubectl/v1.30.4 (linux/amd64) kubernetes/a51b3b7","response_status":{"code":"200"},"request_received_timestamp":"`...)
		b = appendTime(b, t, false)
		b = append(b, `","stage_timestamp":"`...)
		b = appendTime(b, t.Add(spread(c.h2, 40e6)), false)
		b = append(b, `"},"cluster_id":`...)
		return scenario.AppendString(b, cl.id)
	}
}

// webSQL is a WebSQL call on a managed database connection.
func webSQL(b []byte, c *call) []byte {
	cl := c.cluster()
	b = append(b, `"connection_id":`...)
	b = scenario.AppendString(b, derive("e4u", cl.id, 1))
	b = appendField(b, "cluster_id", cl.id)
	return appendField(b, "database_name", databases[c.h>>20%uint64(len(databases))])
}

// named is a resource and its name (and a cluster's engine).
type named struct {
	id, name string
	engine   int
}

// pool is what a folder's data events touch: made once per folder from its
// id, so it does not depend on the order of ops.
type pool struct {
	keys, secrets, certs, clusters, kube, instances []named
	image                                           named
}

func (fo *folderOut) resources() *pool {
	if fo.pool != nil {
		return fo.pool
	}
	r := rand.New(rand.NewPCG(hash(fo.f.id, 11), hash(fo.f.id, 12)))
	p := &pool{image: named{id: newID(r, prefixGlobal), name: "ubuntu-2204-lts"}}
	for _, n := range []string{"app-secrets", "backup-encryption", "tfstate", "s3-sse"} {
		p.keys = append(p.keys, named{id: newID(r, prefixKMS), name: n})
	}
	for _, n := range []string{"db-credentials", "api-tokens", "smtp-relay", "ci-deploy-key", "grafana-admin"} {
		p.secrets = append(p.secrets, named{id: newID(r, prefixLockbox), name: n})
	}
	for _, n := range []string{"www-wildcard", "api-gateway"} {
		p.certs = append(p.certs, named{id: newID(r, prefixCert), name: n})
	}
	for _, n := range []string{"prod-k8s", "tools-k8s"} {
		p.kube = append(p.kube, named{id: newID(r, prefixK8s), name: n})
	}
	for i := range 6 {
		p.instances = append(p.instances, named{id: newID(r, prefixZoneA), name: "web-" + string(rune('1'+i))})
	}
	// The folder's PostgreSQL clusters the run made (or two of its own),
	// and a MySQL and a MongoDB one.
	p.clusters = append([]named(nil), fo.clusters...)
	if len(p.clusters) == 0 {
		for _, n := range []string{"orders-pg", "billing-pg"} {
			p.clusters = append(p.clusters, named{id: newID(r, prefixMDB), name: n})
		}
	}
	p.clusters = append(p.clusters, named{id: newID(r, prefixMDB), name: "shop-mysql", engine: 1},
		named{id: newID(r, prefixMDB), name: "events-mongo", engine: 2})
	fo.pool = p
	return p
}

func (fo *folderOut) images() named { return fo.resources().image }

// clientIP is the caller's address, or for a console user (whose calls
// come from "cloud.yandex") the address of their workstation.
func clientIP(c *call) string {
	if ip := c.op.Actor.IP; ip != "" && (ip[0] >= '0' && ip[0] <= '9' || strings.Contains(ip, ":")) {
		return ip
	}
	return ispPrefixes[c.h2%uint64(len(ispPrefixes))] + strconv.Itoa(int(c.h2>>8&255)) + "." + strconv.Itoa(int(1+c.h2>>16%254))
}
