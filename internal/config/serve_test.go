package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
)

func TestServe_Parse(t *testing.T) {
	const doc = `serve:
  listen: ":8443"
  instance: eu-1
  tokens: [{name: pipeline, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}]
  tls: {cert: c.pem, key: k.pem}
  hold: 2m
  tail: /var/log/trails
  accounts: {VKCloud: 5e1f0a9c}
  sinks:
    - name: hook
      type: webhook
      url: https://hooks.example.ru/x
      secret: s3
      min_severity: high
      retry: {max_attempts: 3, backoff: 1s}
      headers: {Authorization: "Bearer x"}
    - {name: siem, type: cef, address: "siem:6514", protocol: tls, tls: {ca_file: ca.pem, insecure_skip_verify: false}}
`
	c, err := config.Parse(strings.NewReader(doc), "s.yaml")
	if err == nil {
		err = c.Validate()
	}
	if err != nil {
		t.Fatal(err)
	}
	s := c.Serve
	if s.Listen != ":8443" || s.Instance != "eu-1" || len(s.Tokens) != 1 || s.TLS.Key != "k.pem" || s.Hold != 2*time.Minute ||
		len(s.Tail) != 1 || s.Accounts["vkcloud"] != "5e1f0a9c" || s.Checkpoint != 5*time.Second || s.PairWait != 2*time.Minute {
		t.Fatalf("serve %+v", s)
	}
	if len(s.Sinks) != 2 || s.Sinks[0].Retry.Backoff != time.Second || s.Sinks[0].Headers["Authorization"] != "Bearer x" ||
		s.Sinks[1].TLS == nil || s.Sinks[1].TLS.CAFile != "ca.pem" || s.Sinks[0].MinSeverity != "high" {
		t.Fatalf("sinks %+v", s.Sinks)
	}
}

func TestServe_Invalid(t *testing.T) {
	const doc = `serve:
  listen: "8080"
  tokens: [{name: a, sha256: abc}, {name: a, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}]
  tls: {cert: c.pem}
  retention: 1h
  min_severity: urgent
  sinks: [{name: x, type: webhook, min_severity: loud}, {name: x, type: cef}]
`
	c, err := config.Parse(strings.NewReader(doc), "s.yaml")
	if err == nil {
		err = c.Validate()
	}
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"s.yaml:2:11: serve.listen", "serve.tokens[0].sha256", "serve.tokens[1].name: repeated", "serve.tls",
		"serve.retention", "serve.min_severity", "serve.sinks[0].min_severity", "serve.sinks[1].name: repeated"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

func TestServe_SinkTypes(t *testing.T) {
	_, err := config.Parse(strings.NewReader("serve:\n  sinks: [{name: x, type: cef, tls: {insecure_skip_verify: yes please}}]\n"), "s.yaml")
	if err == nil || !strings.Contains(err.Error(), "s.yaml:2:60: serve.sinks[0].tls.insecure_skip_verify: want true or false") {
		t.Fatalf("error %v", err)
	}
}
