package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// Token is an API token known by the SHA-256 of its text.
type Token struct {
	Name string
	Hash [sha256.Size]byte
}

// HashToken returns the hex SHA-256 a configuration or the store keeps
// for token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// ParseToken reads a named hex SHA-256.
func ParseToken(name, hexHash string) (Token, error) {
	b, err := hex.DecodeString(hexHash)
	if err != nil || len(b) != sha256.Size {
		return Token{}, fmt.Errorf("token %q: want its SHA-256 as 64 hex digits", name)
	}
	t := Token{Name: name}
	copy(t.Hash[:], b)
	return t, nil
}

// NewToken makes a random token (32 bytes, hex).
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "sw_" + hex.EncodeToString(b), nil
}

// TokensFromEnv reads SNAPWARDEN_TOKENS: comma-separated NAME=TOKEN or
// TOKEN (named env1, env2…).
func TokensFromEnv(v string) []Token {
	var out []Token
	for i, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, tok, ok := strings.Cut(item, "=")
		if !ok {
			name, tok = fmt.Sprintf("env%d", i+1), item
		}
		out = append(out, Token{Name: name, Hash: sha256.Sum256([]byte(tok))})
	}
	return out
}

// authenticator checks bearer tokens. Every known hash is compared in
// constant time, whichever matches, so the time taken tells nothing.
type authenticator struct{ tokens []Token }

func (a *authenticator) check(token string) (string, bool) {
	h := sha256.Sum256([]byte(token))
	name, found := "", 0
	for _, t := range a.tokens {
		if subtle.ConstantTimeCompare(h[:], t.Hash[:]) == 1 {
			name, found = t.Name, 1
		}
	}
	return name, found == 1
}

type tokenKey struct{}

// whoKey holds a *string the request log reads the token's name from.
type whoKey struct{}

// TokenName returns the name of the token that authenticated r ("" none).
func TokenName(r *http.Request) string {
	name, _ := r.Context().Value(tokenKey{}).(string)
	return name
}

// require lets through requests with a known bearer token.
func (a *authenticator) require(next http.Handler, refused func(reason string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			refused("auth")
			w.Header().Set("WWW-Authenticate", `Bearer realm="snapwarden"`)
			writeError(w, http.StatusUnauthorized, "missing bearer token: send Authorization: Bearer <token>")
			return
		}
		name, ok := a.check(strings.TrimSpace(tok))
		if !ok {
			refused("auth")
			w.Header().Set("WWW-Authenticate", `Bearer realm="snapwarden", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "unknown token")
			return
		}
		if who, ok := r.Context().Value(whoKey{}).(*string); ok {
			*who = name
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, name)))
	})
}

// Checker returns the check of bearer tokens the API uses (constant time
// over every token), for the web console's Options.Token.
func Checker(tokens []Token) func(token string) (name string, ok bool) {
	return (&authenticator{tokens: tokens}).check
}
