package openstack

import (
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

func TestUserDomain(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		name           string
		ao             gophercloud.AuthOptions
		env            map[string]string
		wantID, wantNm string
	}{
		{"VK openrc: user domain name", gophercloud.AuthOptions{}, map[string]string{"OS_USER_DOMAIN_NAME": "users"}, "", "users"},
		{"user domain id wins", gophercloud.AuthOptions{}, map[string]string{"OS_USER_DOMAIN_ID": "default", "OS_USER_DOMAIN_NAME": "Default"}, "default", ""},
		{"OS_DOMAIN_NAME kept", gophercloud.AuthOptions{DomainName: "corp"}, map[string]string{"OS_USER_DOMAIN_NAME": "users"}, "", "corp"},
		{"nothing set", gophercloud.AuthOptions{}, nil, "", ""},
	} {
		ao := c.ao
		userDomain(&ao, env(c.env))
		if ao.DomainID != c.wantID || ao.DomainName != c.wantNm {
			t.Errorf("%s: domain id %q name %q, want %q %q", c.name, ao.DomainID, ao.DomainName, c.wantID, c.wantNm)
		}
	}
}

func TestCollector_authOptions(t *testing.T) {
	c := &Collector{Auth: &gophercloud.AuthOptions{IdentityEndpoint: "https://keystone.example/v3", Username: "u", Password: "p"}}
	ao, err := c.authOptions("https://infra.example:35357/v3/")
	if err != nil {
		t.Fatal(err)
	}
	if ao.IdentityEndpoint != "https://infra.example:35357/v3/" || !ao.AllowReauth {
		t.Errorf("endpoint %q reauth %v; want the override and reauth", ao.IdentityEndpoint, ao.AllowReauth)
	}
	if c.Auth.IdentityEndpoint != "https://keystone.example/v3" {
		t.Error("authOptions changed the Collector's options")
	}
	c.Auth = &gophercloud.AuthOptions{TokenID: "gAAAA", TenantID: "p1", IdentityEndpoint: "https://k/v3"}
	if ao, _ := c.authOptions(""); ao.AllowReauth {
		t.Error("a passed-through token asked to reauthenticate")
	}
	c.Auth = &gophercloud.AuthOptions{Username: "u"}
	if _, err := c.authOptions(""); err == nil {
		t.Error("no identity endpoint accepted")
	}
}
