package customfields

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

// ErrServer is wrapped by every error that comes from the server's answer (as opposed to
// the network or the arguments): an error envelope, an HTTP error, a body that is not the
// JSON Cerb sends.
var ErrServer = errors.New("cerb")

// maxBody bounds an answer read into memory.
const maxBody = 32 << 20

// workerPage is the page size of the worker listing; maxWorkers stops a listing that
// does not end.
const (
	workerPage = 250
	maxWorkers = 100_000
)

// Fetch reads the ticket custom fields of the Cerb whose REST root is baseURL
// (https://cerb.example/rest), with the details the listing leaves out (a decimal
// field's places), and its workers. Every request is a GET, so a read-only token is
// enough. A worker listing the token may not read is not an error: Workers is then nil.
func Fetch(ctx context.Context, hc *http.Client, baseURL string, auth cerb.Auth) (*Installation, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	base, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("base URL %q: want the REST root, such as https://cerb.example/rest", baseURL)
	}
	get := func(path string, q url.Values, into any) (envelope, error) {
		u := *base
		u.Path += path
		u.RawQuery = q.Encode()
		return getJSON(ctx, hc, auth, u.String(), into)
	}

	var listing map[string]json.RawMessage
	env, err := get("/customfields/tickets.json", nil, &listing)
	if err != nil {
		return nil, err
	}
	shown := *base
	shown.User = nil // a password in the URL is not written into an overlay
	inst := &Installation{Server: shown.String(), Version: env.Version}
	for key, raw := range listing {
		if !strings.HasPrefix(key, "custom_") {
			continue // the envelope keys
		}
		var f struct {
			ID         int64           `json:"id"`
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Pos        int             `json:"pos"`
			FieldsetID int64           `json:"custom_fieldset_id"`
			Options    json.RawMessage `json:"options"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("%w: customfields/tickets.json: %s: %v", ErrServer, key, err)
		}
		opts, err := options(f.Options)
		if err != nil {
			return nil, fmt.Errorf("%w: customfields/tickets.json: %s: options: %v", ErrServer, key, err)
		}
		if key != fmt.Sprintf("custom_%d", f.ID) {
			return nil, fmt.Errorf("%w: customfields/tickets.json: key %s holds field id %d", ErrServer, key, f.ID)
		}
		inst.Fields = append(inst.Fields, Field{ID: f.ID, Name: f.Name, Type: f.Type, Pos: f.Pos,
			FieldsetID: f.FieldsetID, Options: opts})
	}
	inst.Fields = sorted(inst.Fields)
	for i, f := range inst.Fields {
		if f.Type != Decimal {
			continue
		}
		// The listing has no params: the record has decimal_at.
		var rec struct {
			Params struct {
				DecimalAt json.Number `json:"decimal_at"`
			} `json:"params"`
		}
		if _, err := get(fmt.Sprintf("/records/custom_field/%d.json", f.ID), nil, &rec); err != nil {
			return nil, fmt.Errorf("decimal field %d: %w", f.ID, err)
		}
		n, err := rec.Params.DecimalAt.Int64()
		if err != nil && rec.Params.DecimalAt != "" {
			return nil, fmt.Errorf("%w: decimal field %d: decimal_at %q", ErrServer, f.ID, rec.Params.DecimalAt)
		}
		inst.Fields[i].DecimalAt = int(n)
	}
	if err := validate(inst.Fields); err != nil {
		return nil, err
	}

	workers, err := fetchWorkers(func(page int, into any) (envelope, error) {
		return get("/records/workers/search.json", url.Values{"limit": {fmt.Sprint(workerPage)}, "page": {fmt.Sprint(page)}}, into)
	})
	switch {
	case err == nil:
		inst.Workers = workers
	case errors.Is(err, ErrServer):
		// A token that cannot list workers still describes the fields.
	default:
		return nil, err
	}
	return inst, nil
}

func fetchWorkers(page func(int, any) (envelope, error)) ([]Worker, error) {
	var out []Worker
	for p := 1; ; p++ {
		var res struct {
			Total   int `json:"total"`
			Count   int `json:"count"`
			Results []struct {
				ID       int64  `json:"id"`
				Label    string `json:"_label"`
				Disabled int    `json:"is_disabled"`
			} `json:"results"`
		}
		if _, err := page(p, &res); err != nil {
			return nil, err
		}
		for _, r := range res.Results {
			out = append(out, Worker{ID: r.ID, Name: r.Label, Disabled: r.Disabled != 0})
		}
		if len(res.Results) < workerPage || len(out) >= res.Total || len(out) >= maxWorkers {
			return out, nil
		}
	}
}

// options reads a field's options: null, a list, or (PHP's json_encode of a list with
// gaps, after an option was deleted) an object keyed by position.
func options(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var byPos map[string]string
	if err := json.Unmarshal(raw, &byPos); err != nil {
		return nil, err
	}
	keys := make([]int, 0, len(byPos))
	for k := range byPos {
		n, err := strconv.Atoi(k)
		if err != nil {
			return nil, fmt.Errorf("key %q is not a position", k)
		}
		keys = append(keys, n)
	}
	slices.Sort(keys)
	for _, k := range keys {
		list = append(list, byPos[strconv.Itoa(k)])
	}
	return list, nil
}

type envelope struct {
	Status  string `json:"__status"`
	Version string `json:"__version"`
	Message string `json:"message"`
}

// getJSON GETs url and decodes Cerb's JSON answer into into, after checking the envelope.
func getJSON(ctx context.Context, hc *http.Client, auth cerb.Auth, u string, into any) (envelope, error) {
	var env envelope
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return env, err
	}
	req.Header.Set("Accept", "application/json")
	if auth != nil {
		if err := auth.Authenticate(ctx, req); err != nil {
			return env, fmt.Errorf("authenticate: %w", err)
		}
	}
	name := req.URL.Path
	resp, err := hc.Do(req)
	if err != nil {
		return env, fmt.Errorf("GET %s: %w", name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return env, fmt.Errorf("GET %s: read: %w", name, err)
	}
	if len(body) > maxBody {
		return env, fmt.Errorf("%w: GET %s: answer larger than %d bytes", ErrServer, name, maxBody)
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return env, fmt.Errorf("%w: GET %s: HTTP %d, not Cerb's JSON: %q", ErrServer, name, resp.StatusCode, snippet(body))
	}
	if resp.StatusCode != http.StatusOK || env.Status != "success" {
		msg := env.Message
		if msg == "" {
			msg = snippet(body)
		}
		return env, fmt.Errorf("%w: GET %s: HTTP %d: %s", ErrServer, name, resp.StatusCode, msg)
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(into); err != nil {
		return env, fmt.Errorf("%w: GET %s: %v", ErrServer, name, err)
	}
	return env, nil
}

func snippet(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
