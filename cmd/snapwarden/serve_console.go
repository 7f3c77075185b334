package main

import (
	"crypto/sha256"
	"log/slog"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/serve"
	"github.com/snapwarden/snapwarden/internal/server"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/web"
)

// serveConsole builds the web console: serve.users log in with their
// passwords, automation with the API's tokens. Sessions are signed with
// serve.session_key when set (they survive restarts and are good on every
// instance with the key), else with a key made at each start. Behind
// serve.trusted_proxies the console sees browsers through X-Forwarded-*.
func serveConsole(cfg *config.Config, st *store.Store, tokens []server.Token, p *serve.Pipeline, log *slog.Logger) (*web.Console, error) {
	sc, m := cfg.Serve, cfg.Matchers()
	proxies, err := sc.Proxies()
	if err != nil {
		return nil, usageErr("snapwarden config check FILE", "%v", err)
	}
	users := make([]web.User, 0, len(sc.Users))
	for _, u := range sc.Users {
		users = append(users, web.User{Name: u.Name, PasswordHash: []byte(u.PasswordBcrypt)})
	}
	sessions := "random per start: a restart logs everyone out"
	if sc.SessionKey != "" {
		sessions = "configured: logins survive restarts"
	}
	log.Info("console", "session_key", sessions, "trusted_proxies", len(proxies))
	return web.New(web.Options{
		Store: st, Users: users, Token: server.Checker(tokens), Logger: log,
		SessionKey: sessionKey(sc.SessionKey), TrustedProxies: proxies,
		Trust: web.Trust{Account: m.TrustedAccount, Principal: m.TrustedPrincipal},
		Health: func() web.Health {
			h := web.GatherHealth(p.Metrics().Registry)
			h.Ready, h.LastCheckpoint = p.Ready(), p.LastCheckpoint()
			return h
		},
	})
}

// sessionKey turns serve.session_key into the console's signing key, nil
// (a random one per start) when none is set. Hashing gives a key of one
// length whatever the secret's, and one of this use only.
func sessionKey(secret string) []byte {
	if secret == "" {
		return nil
	}
	k := sha256.Sum256([]byte("snapwarden console sessions\x00" + secret))
	return k[:]
}

// sessionKeyFromEnv puts SNAPWARDEN_SESSION_KEY (v), when set, in place of
// serve.session_key: the environment wins over the file, and keeps the
// secret out of it. The secret is never quoted.
func sessionKeyFromEnv(cfg *config.Config, v string) error {
	if v == "" {
		return nil
	}
	if err := config.CheckSessionKey(v); err != nil {
		return usageErr(`export SNAPWARDEN_SESSION_KEY="$(openssl rand -base64 32)"`, "SNAPWARDEN_SESSION_KEY: %v", err)
	}
	cfg.Serve.SessionKey = v
	return nil
}
