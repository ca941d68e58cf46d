package cerb

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Auth adds credentials to a request whose body is final. The implementations in this
// package never print their secret: String, GoString, every fmt verb and slog show
// "REDACTED".
type Auth interface {
	Authenticate(ctx context.Context, req *http.Request) error
}

// Bearer authenticates with a fixed OAuth2 access token: Authorization: Bearer <token>.
// Cerb's tokens live one hour; use BearerTokenSource to refresh them.
func Bearer(token string) Auth {
	return &bearerAuth{src: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})}
}

// BearerTokenSource authenticates with tokens from ts (for example an oauth2.Config's
// TokenSource with the refresh_token grant, which Cerb supports; client_credentials is
// not enabled in Cerb).
func BearerTokenSource(ts oauth2.TokenSource) Auth { return &bearerAuth{src: ts} }

type bearerAuth struct{ src oauth2.TokenSource }

var errEmptyToken = errors.New("cerb: bearer token is empty")

func (a *bearerAuth) Authenticate(_ context.Context, req *http.Request) error {
	if a.src == nil {
		return errEmptyToken
	}
	tok, err := a.src.Token()
	if err != nil {
		return fmt.Errorf("cerb: get bearer token: %w", err)
	}
	if tok == nil || tok.AccessToken == "" {
		return errEmptyToken
	}
	// Any Authorization header makes Cerb ignore Cerb-Auth, and vice versa we never mix.
	req.Header.Del("Cerb-Auth")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return nil
}

func (a *bearerAuth) String() string               { return "cerb.Bearer(REDACTED)" }
func (a *bearerAuth) GoString() string             { return a.String() }
func (a *bearerAuth) Format(f fmt.State, _ rune)   { io.WriteString(f, a.String()) }
func (a *bearerAuth) LogValue() slog.Value         { return slog.StringValue(a.String()) }
func (a *bearerAuth) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Legacy authenticates with a Cerb API key (access key + secret) by signing each request:
// it sets X-Date and Cerb-Auth: <access key>:<signature> (see LegacySignature). The
// server allows 600 s of clock difference. Only the secret's MD5 is kept in memory.
func Legacy(accessKey, secret string) Auth {
	return &legacyAuth{key: accessKey, secretMD5: md5hex([]byte(secret)), now: time.Now}
}

type legacyAuth struct {
	key       string
	secretMD5 string
	now       func() time.Time
}

func (a *legacyAuth) Authenticate(_ context.Context, req *http.Request) error {
	body, err := signedBody(req)
	if err != nil {
		return fmt.Errorf("cerb: Cerb-Auth: read body: %w", err)
	}
	date := a.now().UTC().Format(http.TimeFormat)
	sig := signature(req.Method, date, req.URL.EscapedPath(), req.URL.RawQuery, body, a.secretMD5)
	req.Header.Del("Authorization") // it would make Cerb ignore Cerb-Auth
	req.Header.Set("X-Date", date)
	req.Header.Set("Cerb-Auth", a.key+":"+sig)
	return nil
}

func (a *legacyAuth) String() string               { return "cerb.Legacy(REDACTED)" }
func (a *legacyAuth) GoString() string             { return a.String() }
func (a *legacyAuth) Format(f fmt.State, _ rune)   { io.WriteString(f, a.String()) }
func (a *legacyAuth) LogValue() slog.Value         { return slog.StringValue(a.String()) }
func (a *legacyAuth) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// signedBody returns the bytes the server hashes, leaving req.Body readable: the raw body,
// or nothing for multipart/form-data (the server signs an empty body there).
func signedBody(req *http.Request) ([]byte, error) {
	if mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return nil, nil
	}
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(strings.NewReader(string(b)))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(b))), nil }
	return b, nil
}

// LegacySignature returns the Cerb-Auth header value "<accessKey>:<signature>" for a
// request, where signature is the lowercase hex MD5 of
//
//	METHOD \n DATE \n PATH \n SORTED_QUERY \n BODY \n md5hex(secret) \n
//
// PATH is the path as sent (install prefix and .json included), rawQuery the query as sent
// (without "?"; its parts are sorted by name here), date the X-Date value (RFC 1123).
func LegacySignature(accessKey, secret, method, date, path, rawQuery string, body []byte) string {
	return accessKey + ":" + signature(method, date, path, rawQuery, body, md5hex([]byte(secret)))
}

func signature(method, date, path, rawQuery string, body []byte, secretMD5 string) string {
	var b strings.Builder
	for _, s := range []string{method, date, path, sortQuery(rawQuery), string(body), secretMD5} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return md5hex([]byte(b.String()))
}

// sortQuery keeps each &-separated part percent-encoded as sent and sorts the parts by
// name; parts with the same name keep their order.
func sortQuery(raw string) string {
	var parts []string
	for _, p := range strings.Split(raw, "&") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	name := func(p string) string { n, _, _ := strings.Cut(p, "="); return n }
	slices.SortStableFunc(parts, func(a, b string) int { return strings.Compare(name(a), name(b)) })
	return strings.Join(parts, "&")
}

func md5hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}
