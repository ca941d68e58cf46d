package standin

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Fixtures are the records a stand-in starts with: what a Cerb install has before the
// API creates tickets. Default is the test kit's (../shared/cerb-server).
type Fixtures struct {
	// BaseURL is the site root in record URLs (record_url, url); default
	// http://127.0.0.1:8080, the recordings' server.
	BaseURL       string        `json:"base_url,omitempty" yaml:"base_url,omitempty"`
	Workers       []Worker      `json:"workers" yaml:"workers"`
	Groups        []Group       `json:"groups" yaml:"groups"`
	Buckets       []Bucket      `json:"buckets" yaml:"buckets"`
	Orgs          []Org         `json:"orgs" yaml:"orgs"`
	HTMLTemplates []Named       `json:"html_templates" yaml:"html_templates"`
	Attachments   []Attachment  `json:"attachments" yaml:"attachments"`
	CustomFields  []CustomField `json:"custom_fields" yaml:"custom_fields"`
	// Tokens are the OAuth2 bearer tokens accepted. With none, any non-empty bearer
	// token acts as worker 1 with scope api.
	Tokens []Token `json:"tokens,omitempty" yaml:"tokens,omitempty"`
	// APIKeys are the legacy Cerb-Auth keys accepted.
	APIKeys []APIKey `json:"api_keys,omitempty" yaml:"api_keys,omitempty"`
}

// Worker is a Cerb worker; Superuser sees and writes every group, the others only the
// groups they are members of.
type Worker struct {
	ID        int64   `json:"id" yaml:"id"`
	Name      string  `json:"name" yaml:"name"`
	Email     string  `json:"email" yaml:"email"`
	Superuser bool    `json:"superuser,omitempty" yaml:"superuser,omitempty"`
	Groups    []int64 `json:"groups,omitempty" yaml:"groups,omitempty"`
}

// Group is a group; Default marks the install's default group (replies fall back to it).
type Group struct {
	ID            int64  `json:"id" yaml:"id"`
	Name          string `json:"name" yaml:"name"`
	DefaultBucket int64  `json:"default_bucket" yaml:"default_bucket"`
	Default       bool   `json:"default,omitempty" yaml:"default,omitempty"`
}

// Bucket is a bucket of a group.
type Bucket struct {
	ID      int64  `json:"id" yaml:"id"`
	Name    string `json:"name" yaml:"name"`
	GroupID int64  `json:"group_id" yaml:"group_id"`
}

// Org is an organization.
type Org struct {
	ID   int64  `json:"id" yaml:"id"`
	Name string `json:"name" yaml:"name"`
}

// Named is a record known by id and name (HTML templates).
type Named struct {
	ID   int64  `json:"id" yaml:"id"`
	Name string `json:"name" yaml:"name"`
}

// Attachment is an uploaded file that file_id[] may name.
type Attachment struct {
	ID       int64  `json:"id" yaml:"id"`
	FileName string `json:"file_name" yaml:"file_name"`
	FileType string `json:"file_type" yaml:"file_type"`
	FileSize int64  `json:"file_size" yaml:"file_size"`
}

// CustomField is a ticket custom field. Type is Cerb's type code: S single line, T
// multi-line, N number, E date, D picklist, C checkbox, X multiple checkboxes, U URL,
// W worker, O decimal (DecimalAt places).
type CustomField struct {
	ID        int64    `json:"id" yaml:"id"`
	Name      string   `json:"name" yaml:"name"`
	Type      string   `json:"type" yaml:"type"`
	Options   []string `json:"options,omitempty" yaml:"options,omitempty"`
	DecimalAt int      `json:"decimal_at,omitempty" yaml:"decimal_at,omitempty"`
}

// Token is an accepted bearer token. Scope "api:read-only" allows GET only: a POST gets
// Cerb's HTTP 200 scope error.
type Token struct {
	Token    string `json:"token" yaml:"token"`
	WorkerID int64  `json:"worker_id" yaml:"worker_id"`
	Scope    string `json:"scope,omitempty" yaml:"scope,omitempty"`
}

// APIKey is a legacy Cerb-Auth key pair of a worker.
type APIKey struct {
	AccessKey string `json:"access_key" yaml:"access_key"`
	Secret    string `json:"secret" yaml:"secret"`
	WorkerID  int64  `json:"worker_id" yaml:"worker_id"`
}

// Scopes of a Token.
const (
	ScopeAPI      = "api"
	ScopeReadOnly = "api:read-only"
)

// Custom field type codes.
const (
	FieldSingleLine = "S"
	FieldMultiLine  = "T"
	FieldNumber     = "N"
	FieldDate       = "E"
	FieldPicklist   = "D"
	FieldCheckbox   = "C"
	FieldMulti      = "X"
	FieldURL        = "U"
	FieldWorker     = "W"
	FieldDecimal    = "O"
)

// Default returns the records of the recordings and the test kit: workers 1 (admin) and 2
// (Jane, member of groups 1 and 5), groups 1-5, buckets 1-7, orgs 1-3, HTML templates
// 1-2, attachments 1-2 and ticket custom fields 1-10.
func Default() Fixtures {
	return Fixtures{
		BaseURL: "http://127.0.0.1:8080",
		Workers: []Worker{
			{ID: 1, Name: "Admin User", Email: "admin@cerb.example", Superuser: true, Groups: []int64{1, 5}},
			{ID: 2, Name: "Jane Agent", Email: "jane.agent@cerb.example", Groups: []int64{1, 5}},
		},
		Groups: []Group{
			{ID: 1, Name: "Support", DefaultBucket: 1, Default: true},
			{ID: 2, Name: "Sales", DefaultBucket: 2},
			{ID: 3, Name: "Development", DefaultBucket: 3},
			{ID: 4, Name: "Billing", DefaultBucket: 4},
			{ID: 5, Name: "API Test", DefaultBucket: 6},
		},
		Buckets: []Bucket{
			{ID: 1, Name: "Inbox", GroupID: 1}, {ID: 2, Name: "Inbox", GroupID: 2}, {ID: 3, Name: "Inbox", GroupID: 3},
			{ID: 4, Name: "Inbox", GroupID: 4}, {ID: 5, Name: "Waiting", GroupID: 1}, {ID: 6, Name: "Inbox", GroupID: 5},
			{ID: 7, Name: "Escalated", GroupID: 5},
		},
		Orgs:          []Org{{ID: 1, Name: "Webgroup Media, LLC."}, {ID: 2, Name: "Example, Inc."}, {ID: 3, Name: "Acme Corp"}},
		HTMLTemplates: []Named{{ID: 1, Name: "Default"}, {ID: 2, Name: "Recorder HTML template"}},
		Attachments: []Attachment{
			{ID: 1, FileName: "notes.txt", FileType: "text/plain", FileSize: 40},
			{ID: 2, FileName: "pixel.png", FileType: "image/png", FileSize: 68},
		},
		CustomFields: []CustomField{
			{ID: 1, Name: "Order Ref", Type: FieldSingleLine},
			{ID: 2, Name: "Priority Score", Type: FieldNumber},
			{ID: 3, Name: "Due Date", Type: FieldDate},
			{ID: 4, Name: "Severity", Type: FieldPicklist, Options: []string{"Low", "Medium", "High", "Critical"}},
			{ID: 5, Name: "Internal Notes", Type: FieldMultiLine},
			{ID: 6, Name: "VIP", Type: FieldCheckbox},
			{ID: 7, Name: "Topics", Type: FieldMulti, Options: []string{"billing", "bug", "feature"}},
			{ID: 8, Name: "Docs Link", Type: FieldURL},
			{ID: 9, Name: "Escalation Worker", Type: FieldWorker},
			{ID: 10, Name: "Refund Amount", Type: FieldDecimal, DecimalAt: 2},
		},
	}
}

// LoadFixtures reads fixtures from a YAML or JSON file (JSON is YAML). Unknown keys are
// an error, so a misspelled section is not silently empty.
func LoadFixtures(path string) (Fixtures, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Fixtures{}, fmt.Errorf("fixtures: %w", err)
	}
	var f Fixtures
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Fixtures{}, fmt.Errorf("fixtures %s: %w", path, err)
	}
	if f.BaseURL == "" {
		f.BaseURL = Default().BaseURL
	}
	if err := f.Validate(); err != nil {
		return Fixtures{}, fmt.Errorf("fixtures %s: %w", path, err)
	}
	return f, nil
}

// Validate reports records that refer to records that do not exist.
func (f Fixtures) Validate() error {
	var errs []error
	if len(f.Groups) == 0 {
		errs = append(errs, errors.New("no groups"))
	}
	bucketGroup := map[int64]int64{}
	for _, b := range f.Buckets {
		bucketGroup[b.ID] = b.GroupID
	}
	groups := map[int64]bool{}
	for _, g := range f.Groups {
		groups[g.ID] = true
		if bucketGroup[g.DefaultBucket] != g.ID {
			errs = append(errs, fmt.Errorf("group %d: default_bucket %d is not one of its buckets", g.ID, g.DefaultBucket))
		}
	}
	for _, b := range f.Buckets {
		if !groups[b.GroupID] {
			errs = append(errs, fmt.Errorf("bucket %d: no group %d", b.ID, b.GroupID))
		}
	}
	workers := map[int64]bool{}
	for _, w := range f.Workers {
		workers[w.ID] = true
	}
	for _, t := range f.Tokens {
		if t.Token == "" || !workers[t.WorkerID] || !slices.Contains([]string{"", ScopeAPI, ScopeReadOnly}, t.Scope) {
			errs = append(errs, fmt.Errorf("token of worker %d: empty, unknown worker or scope %q", t.WorkerID, t.Scope))
		}
	}
	for _, k := range f.APIKeys {
		if k.AccessKey == "" || k.Secret == "" || !workers[k.WorkerID] {
			errs = append(errs, fmt.Errorf("api key of worker %d: empty or unknown worker", k.WorkerID))
		}
	}
	for _, c := range f.CustomFields {
		if !slices.Contains([]string{"S", "T", "N", "E", "D", "C", "X", "U", "W", "O"}, c.Type) {
			errs = append(errs, fmt.Errorf("custom field %d: unknown type %q", c.ID, c.Type))
		}
	}
	if len(f.Workers) == 0 {
		errs = append(errs, errors.New("no workers"))
	}
	return errors.Join(errs...)
}
