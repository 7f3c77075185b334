package sink

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// clientTLS builds the client side of a TLS connection to host from t
// (nil: system roots, no client certificate). TLS 1.2 is the floor, as
// RFC 9662 asks of syslog over TLS.
func clientTLS(t *TLSConfig, host string) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	if t == nil {
		return c, nil
	}
	if t.ServerName != "" {
		c.ServerName = t.ServerName
	}
	c.InsecureSkipVerify = t.InsecureSkipVerify
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca_file: no PEM certificate in %s", t.CAFile)
		}
		c.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls.cert_file, tls.key_file: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

// verifyFailed reports whether err is a failed check of the server's
// certificate: retrying cannot fix it, only a change of configuration can.
func verifyFailed(err error) bool {
	var (
		v  *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		h  x509.HostnameError
		ci x509.CertificateInvalidError
	)
	return errors.As(err, &v) || errors.As(err, &ua) || errors.As(err, &h) || errors.As(err, &ci)
}
