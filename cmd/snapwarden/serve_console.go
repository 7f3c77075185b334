package main

import (
	"log/slog"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/serve"
	"github.com/snapwarden/snapwarden/internal/server"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/web"
)

// serveConsole builds the web console: serve.users log in with their
// passwords, automation with the API's tokens. Sessions are signed with a
// key made at each start, so a restart logs everyone out.
func serveConsole(cfg *config.Config, st *store.Store, tokens []server.Token, p *serve.Pipeline, log *slog.Logger) (*web.Console, error) {
	sc, m := cfg.Serve, cfg.Matchers()
	users := make([]web.User, 0, len(sc.Users))
	for _, u := range sc.Users {
		users = append(users, web.User{Name: u.Name, PasswordHash: []byte(u.PasswordBcrypt)})
	}
	return web.New(web.Options{
		Store: st, Users: users, Token: server.Checker(tokens), Logger: log,
		Trust: web.Trust{Account: m.TrustedAccount, Principal: m.TrustedPrincipal},
		Health: func() web.Health {
			h := web.GatherHealth(p.Metrics().Registry)
			h.Ready, h.LastCheckpoint = p.Ready(), p.LastCheckpoint()
			return h
		},
	})
}
