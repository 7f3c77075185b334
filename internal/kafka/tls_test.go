package kafka_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/kafka"
)

// pki is a throwaway CA with a broker certificate (for kafka.test and
// 127.0.0.1) and a client certificate, as PEM files.
type pki struct {
	caFile, clientCert, clientKey string
	pool                          *x509.CertPool
	server                        tls.Certificate
}

func newPKI(t testing.TB) pki {
	t.Helper()
	dir := t.TempDir()
	caKey := newKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "snapwarden test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, usage x509.ExtKeyUsage, cn string) ([]byte, *ecdsa.PrivateKey) {
		key := newKey(t)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		}
		if usage == x509.ExtKeyUsageServerAuth {
			tmpl.DNSNames = []string{"kafka.test"}
			tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, key
	}
	p := pki{pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.caFile = writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER)
	srvDER, srvKey := issue(2, x509.ExtKeyUsageServerAuth, "kafka.test")
	p.server = tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}
	cliDER, cliKey := issue(3, x509.ExtKeyUsageClientAuth, "snapwarden")
	p.clientCert = writePEM(t, dir, "client.pem", "CERTIFICATE", cliDER)
	keyDER, err := x509.MarshalECPrivateKey(cliKey)
	if err != nil {
		t.Fatal(err)
	}
	p.clientKey = writePEM(t, dir, "client-key.pem", "EC PRIVATE KEY", keyDER)
	return p
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writePEM(t testing.TB, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestClientOptions_TLS runs kfake behind TLS that requires a client
// certificate, with SASL/PLAIN on top (Azure Event Hubs' shape, with a
// client certificate besides), and checks which settings get through.
func TestClientOptions_TLS(t *testing.T) {
	p := newPKI(t)
	const connString = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=k3y="
	serverTLS := &tls.Config{
		Certificates: []tls.Certificate{p.server},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.pool,
		MinVersion:   tls.VersionTLS12,
	}
	full := config.KafkaTLS{Enabled: true, CAFile: p.caFile, CertFile: p.clientCert, KeyFile: p.clientKey}
	tests := []struct {
		name string
		tls  config.KafkaTLS
		want string // in the error; "" connects
	}{
		{"ca and client certificate", full, ""},
		{"server name given", withTLS(full, func(c *config.KafkaTLS) { c.ServerName = "kafka.test" }), ""},
		{"insecure skip verify", withTLS(full, func(c *config.KafkaTLS) { c.CAFile, c.InsecureSkipVerify = "", true }), ""},
		{"system roots do not know the CA", withTLS(full, func(c *config.KafkaTLS) { c.CAFile = "" }), "certificate signed by unknown authority"},
		{"wrong server name", withTLS(full, func(c *config.KafkaTLS) { c.ServerName = "other.test" }), "certificate is valid for kafka.test, not other.test"},
		{"no client certificate", withTLS(full, func(c *config.KafkaTLS) { c.CertFile, c.KeyFile = "", "" }), "tls: certificate required"},
		{"plaintext to a TLS listener", config.KafkaTLS{}, "is TLS missing?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A cluster each, so each case reads only its own records.
			k := kafkaConfig(cluster(t, kfake.TLS(serverTLS), kfake.EnableSASL(), kfake.Superuser("PLAIN", config.EventHubsUser, connString)))
			k.TLS = tt.tls
			k.SASL = config.KafkaSASL{Mechanism: "plain", Username: config.EventHubsUser, Password: connString}
			if tt.want == "" {
				got, err := roundTrip(t, k, 12)
				if err != nil {
					t.Fatal(err)
				}
				checkRecords(t, got, 12)
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			cl, err := kafka.Connect(ctx, k)
			if err == nil {
				cl.Close()
				t.Fatalf("connected; want an error with %q", tt.want)
			}
			t.Logf("error: %v", err)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

func withTLS(c config.KafkaTLS, edit func(*config.KafkaTLS)) config.KafkaTLS {
	edit(&c)
	return c
}
