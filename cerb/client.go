package cerb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cerb-openapi/cerb-openapi/api"
	"github.com/cerb-openapi/cerb-openapi/internal/phpform"
)

// formContentType is the media type of the bodies Compose and Reply send.
const formContentType = "application/x-www-form-urlencoded"

// DefaultTimeout bounds a whole request (connect, send, read) when Config.HTTPClient is
// nil and Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// maxBody bounds what is read from a response; show_meta=1 tickets are ~120 KB.
const maxBody = 32 << 20

// Config configures New.
type Config struct {
	// BaseURL is the REST root with scheme and any install prefix, for example
	// https://cerb.example/rest or https://host/helpdesk/index.php/rest.
	BaseURL string

	// Auth is Bearer, BearerTokenSource or Legacy. Nil sends no credentials (Cerb answers 401).
	Auth Auth

	// HTTPClient sends the requests. Nil means an http.Client with Timeout (DefaultTimeout
	// if zero) that does not follow redirects: a redirected POST usually means a wrong base
	// URL (http -> https), and following a 301/302 would turn it into a GET.
	HTTPClient *http.Client

	// Timeout bounds a whole request (connect, send, read) of the default HTTP client;
	// zero means DefaultTimeout. With HTTPClient set, set its Timeout instead.
	Timeout time.Duration

	// RequestEditors run on every request, in order, before Auth (which signs the final
	// request): to add a header, for example.
	RequestEditors []func(ctx context.Context, req *http.Request) error

	UserAgent string // default "cerb-openapi-go"
}

// Client calls Cerb's compose and reply operations. Make one with New; it is safe for
// concurrent use.
//
// Client never retries compose or reply: neither is idempotent. A compose whose response
// was lost (timeout, reset connection, 502 from a proxy) may still have created the ticket
// and sent the mail; a retry would create a second ticket and mail the customer twice.
// Decide at the call site, e.g. after searching for the ticket.
type Client struct {
	gen     *api.ClientWithResponses
	baseURL string
	auth    Auth
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if err := checkBaseURL(cfg.BaseURL); err != nil {
		return nil, err
	}
	var doer api.HttpRequestDoer = cfg.HTTPClient
	if cfg.HTTPClient == nil {
		timeout := cfg.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		doer = &http.Client{
			Timeout:       timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "cerb-openapi-go"
	}
	opts := []api.ClientOption{api.WithHTTPClient(doer)}
	opts = append(opts, api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", ua)
		return nil
	}))
	for _, e := range cfg.RequestEditors {
		opts = append(opts, api.WithRequestEditorFn(e))
	}
	if cfg.Auth != nil {
		opts = append(opts, api.WithRequestEditorFn(cfg.Auth.Authenticate))
	}
	gen, err := api.NewClientWithResponses(cfg.BaseURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("cerb: %w", err)
	}
	return &Client{gen: gen, baseURL: cfg.BaseURL, auth: cfg.Auth}, nil
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return errors.New("cerb: base URL is empty (want e.g. https://cerb.example/rest)")
	case err != nil:
		return fmt.Errorf("cerb: base URL %q: %w", s, err)
	case u.Scheme == "" || u.Host == "" && u.Opaque != "" || u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("cerb: base URL %q has no http:// or https:// scheme (want e.g. https://cerb.example/rest)", s)
	case u.Host == "":
		return fmt.Errorf("cerb: base URL %q has no host", s)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("cerb: base URL %q must not have a query or fragment", s)
	case u.User != nil:
		return fmt.Errorf("cerb: base URL must not carry credentials; use Config.Auth")
	}
	return nil
}

// Generated returns the low-level client that oapi-codegen generated from openapi.yaml
// (package api), with this Client's HTTP client, Auth and request editors: every
// operation, raw responses. Its typed form methods encode as Compose and Reply do, but do
// not run their checks.
func (c *Client) Generated() *api.ClientWithResponses { return c.gen }

func (c *Client) String() string {
	return fmt.Sprintf("cerb.Client(%s, auth=%v)", c.baseURL, c.auth)
}
func (c *Client) GoString() string           { return c.String() }
func (c *Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }
func (c *Client) LogValue() slog.Value       { return slog.StringValue(c.String()) }

// Compose creates a ticket, or queues its first message as a draft when SendAt is in the
// future. Cerb errors come back as *APIError, non-Cerb answers as *UnexpectedResponseError,
// invalid input (nothing sent) as *FieldError. Not retried (see Client).
func (c *Client) Compose(ctx context.Context, r ComposeRequest) (*ComposeResult, error) {
	const op = "compose"
	params, form, err := r.form()
	if err != nil {
		return nil, fmt.Errorf("cerb: %s: %w", op, err)
	}
	if ctx == nil {
		return nil, fmt.Errorf("cerb: %s: nil context", op)
	}
	resp, err := c.gen.ComposeTicketWithBody(ctx, params, formContentType, strings.NewReader(form.Encode()))
	body, err := readEnvelope(op, resp, err)
	if err != nil {
		return nil, err
	}
	var head struct {
		Context string `json:"_context"`
	}
	_ = json.Unmarshal(body.raw, &head) // already known to be a JSON object
	switch head.Context {
	case contextTicket:
		t, err := decodeRecord[Ticket](op, body)
		if err != nil {
			return nil, err
		}
		return &ComposeResult{Ticket: t}, nil
	case contextDraft:
		d, err := decodeRecord[Draft](op, body)
		if err != nil {
			return nil, err
		}
		return &ComposeResult{Draft: d}, nil
	}
	return nil, body.unexpected(fmt.Errorf("success with unknown _context %q", head.Context))
}

// Reply replies to a message and returns the ticket after the reply (not the new message:
// read LatestMessageID). Without Status the server REOPENS the ticket. Not retried.
func (c *Client) Reply(ctx context.Context, r ReplyRequest) (*Ticket, error) {
	const op = "reply"
	params, form, err := r.form()
	if err != nil {
		return nil, fmt.Errorf("cerb: %s: %w", op, err)
	}
	if ctx == nil {
		return nil, fmt.Errorf("cerb: %s: nil context", op)
	}
	resp, err := c.gen.ReplyToTicketWithBody(ctx, params, formContentType, strings.NewReader(form.Encode()))
	body, err := readEnvelope(op, resp, err)
	if err != nil {
		return nil, err
	}
	var head struct {
		Context string `json:"_context"`
	}
	_ = json.Unmarshal(body.raw, &head)
	if head.Context != contextTicket {
		return nil, body.unexpected(fmt.Errorf("success with _context %q, want %q", head.Context, contextTicket))
	}
	return decodeRecord[Ticket](op, body)
}

type envelope struct {
	op          string
	status      int
	contentType string
	raw         []byte
}

func (e envelope) unexpected(err error) error {
	return &UnexpectedResponseError{Operation: e.op, HTTPStatus: e.status, ContentType: e.contentType, BodyStart: bodyStart(e.raw), Err: err}
}

// readEnvelope reads the response and decodes __status first: a Cerb error (HTTP 200 or
// 401) becomes *APIError; anything that is not a JSON success envelope becomes
// *UnexpectedResponseError.
func readEnvelope(op string, resp *http.Response, err error) (envelope, error) {
	if err != nil {
		// An encoding error, a context error or a transport error; never retried.
		var fe *phpform.FieldError
		if errors.As(err, &fe) {
			err = &FieldError{Field: fe.Field, Err: fe.Err}
		}
		return envelope{}, fmt.Errorf("cerb: %s: %w", op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	env := envelope{op: op, status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), raw: raw}
	if err != nil {
		// Cut short (connection reset, deadline mid-body): not a Cerb envelope either; say
		// which status and which bytes had arrived. The cause stays matchable (errors.Is).
		return env, env.unexpected(fmt.Errorf("read response: %w", err))
	}
	if mt, _, _ := mime.ParseMediaType(env.contentType); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return env, env.unexpected(errors.New("not JSON"))
	}
	var head struct {
		Status  *string `json:"__status"`
		Code    string  `json:"__error"`
		Message string  `json:"message"`
		Version string  `json:"__version"`
		Build   int64   `json:"__build"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return env, env.unexpected(err)
	}
	switch {
	case head.Status == nil:
		return env, env.unexpected(errors.New("no __status"))
	case *head.Status == "error":
		return env, &APIError{Operation: op, HTTPStatus: resp.StatusCode, Code: head.Code, Message: head.Message, Version: head.Version, Build: head.Build}
	case *head.Status != "success":
		return env, env.unexpected(fmt.Errorf("__status %q", *head.Status))
	case resp.StatusCode != http.StatusOK:
		return env, env.unexpected(errors.New("success envelope with a non-200 status"))
	}
	return env, nil
}

func decodeRecord[T any](op string, env envelope) (*T, error) {
	var v T
	if err := json.Unmarshal(env.raw, &v); err != nil {
		return nil, env.unexpected(err)
	}
	return &v, nil
}
