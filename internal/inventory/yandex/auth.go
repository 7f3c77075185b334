package yandex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// DefaultMetadataURL is the VM metadata service, which hands out the IAM
// token of the service account attached to the VM (GCE-style API).
const DefaultMetadataURL = "http://169.254.169.254"

const (
	metadataTokenPath = "/computeMetadata/v1/instance/service-accounts/default/token"
	// metadataTimeout keeps a run off a VM from hanging on an address that
	// never answers.
	metadataTimeout = 3 * time.Second
	iamTokensPath   = "/iam/v1/tokens"
)

// ErrNoCredentials is returned when no step of the credential chain yields
// a token.
var ErrNoCredentials = errors.New("no Yandex Cloud credentials: set YC_TOKEN (an IAM or OAuth token) or run on a VM with a service account")

// token resolves the bearer IAM token: Token, OAuthToken exchanged, YC_TOKEN
// (exchanged when it is an OAuth token), then the metadata service. Errors
// never quote a token.
func (c *Collector) token(ctx context.Context, cl *client) (string, error) {
	if c.Token != "" {
		return c.Token, nil
	}
	if c.OAuthToken != "" {
		return exchange(ctx, cl, c.OAuthToken)
	}
	getenv := c.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if t := strings.TrimSpace(getenv("YC_TOKEN")); t != "" {
		if isOAuth(t) {
			return exchange(ctx, cl, t)
		}
		return t, nil
	}
	t, err := c.metadataToken(ctx, cl.http)
	if err != nil {
		return "", fmt.Errorf("%w (metadata service: %v)", ErrNoCredentials, err)
	}
	return t, nil
}

// isOAuth tells a Yandex ID OAuth token (y0_…, or the older AQAAAA…) from an
// IAM token (t1.…): only IAM tokens are accepted as bearer tokens.
func isOAuth(t string) bool {
	if strings.HasPrefix(t, "AQAAAA") {
		return true
	}
	return len(t) > 3 && t[0] == 'y' && t[1] >= '0' && t[1] <= '9' && t[2] == '_'
}

// exchange trades an OAuth token for an IAM token (IAM API
// POST /iam/v1/tokens).
func exchange(ctx context.Context, cl *client, oauth string) (string, error) {
	body, err := json.Marshal(map[string]string{"yandexPassportOauthToken": oauth})
	if err != nil {
		return "", err
	}
	var out struct {
		IAMToken string `json:"iamToken"`
	}
	if err := cl.do(ctx, http.MethodPost, iamHost, iamTokensPath, nil, body, &out); err != nil {
		return "", fmt.Errorf("exchange OAuth token for an IAM token: %w", err)
	}
	if out.IAMToken == "" {
		return "", errors.New("exchange OAuth token for an IAM token: empty answer")
	}
	return out.IAMToken, nil
}

// metadataToken asks the metadata service for the attached service
// account's token.
func (c *Collector) metadataToken(ctx context.Context, hc *http.Client) (string, error) {
	base := c.MetadataURL
	if base == "" {
		base = DefaultMetadataURL
	}
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+metadataTokenPath, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Metadata-Flavor", "Google")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&out); err != nil {
		return "", fmt.Errorf("decode token: %w", err)
	}
	if out.AccessToken == "" {
		return "", errors.New("empty token")
	}
	return out.AccessToken, nil
}
