package config_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/config"
)

func TestServeUsers(t *testing.T) {
	const hash = "$2a$04$0yNrq8kQf1cJ6Yh0Q0c7Xe0C4E0mYyq0VhT3iYc1vJ8bJfJZp0h5e"
	cfg, err := config.Parse(strings.NewReader("serve:\n  users:\n    - {name: alice, password_bcrypt: \""+hash+"\"}\n"), "u.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if u := cfg.Serve.Users; len(u) != 1 || u[0].Name != "alice" || u[0].PasswordBcrypt != hash {
		t.Errorf("users %+v", u)
	}
	if d := config.Default(); d.Serve.Users == nil || len(d.Serve.Users) != 0 {
		t.Errorf("default users %#v", d.Serve.Users)
	}

	const bad = `serve:
  users:
    - {name: alice, password_bcrypt: "hunter2"}
    - {name: alice, password_bcrypt: "` + hash + `"}
    - {password_bcrypt: "` + hash + `"}
`
	cfg, err = config.Parse(strings.NewReader(bad), "u.yaml")
	if err == nil {
		err = cfg.Validate()
	}
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"serve.users[0].password_bcrypt: not a bcrypt hash", "serve.users[1].name: repeated", "serve.users[2].name"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Error("the error repeats what may be a password")
	}
	_, err = config.Parse(strings.NewReader("serve:\n  users: [{name: bob, password: x}]\n"), "u.yaml")
	if err == nil || !strings.Contains(err.Error(), "serve.users[0].password: unknown key (known: name, password_bcrypt)") {
		t.Errorf("a plain password key: %v", err)
	}
}
