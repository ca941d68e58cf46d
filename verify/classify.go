package verify

import (
	"regexp"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// Verdicts of a case.
const (
	VerdictOK = "ok" // the server did what the spec says
	// VerdictKnown: the server accepted a request the spec refuses, and the spec says so
	// with x-cerb-server-accepts.
	VerdictKnown = "known"
	// VerdictUnverified: a documented refusal of an id verify could not know exists
	// (html_template_id 1 on a server without it): nothing to compare.
	VerdictUnverified = "unverified"
	VerdictDrift      = "drift"
)

// Kinds of drift.
const (
	// DriftResponse: what the server answered breaks the spec.
	DriftResponse = "response"
	// DriftRefused: the spec allows the request, the server refused it.
	DriftRefused = "refused"
	// DriftAccepted: the spec refuses the request, the server accepted it, and no
	// x-cerb-server-accepts says that is known.
	DriftAccepted = "accepted"
)

// Drift is one way in which the server and the spec disagree.
type Drift struct {
	Kind      string `json:"kind"`
	Operation string `json:"operation"`
	// Field is the form field, query parameter or response key concerned.
	Field   string `json:"field"`
	Message string `json:"message"`
	Case    string `json:"case"`
	Seed    int64  `json:"seed"`
	// Replay is the command line that sends the case again (credentials from the
	// environment, as for the run).
	Replay string `json:"replay"`
	// Request is what was sent, credentials redacted and long values cut.
	Request *Redacted `json:"request"`
}

// Known is a request the spec refuses and the server accepts, marked in the spec.
type Known struct {
	Operation string `json:"operation"`
	Field     string `json:"field"`
	Keyword   string `json:"keyword"`
	Why       string `json:"why"`
}

// outcome is what the server made of a request.
type outcome struct {
	accepted bool   // __status success
	message  string // the error's message when refused
}

// classify compares the spec's verdict on a case (its request problems, its response
// problems) with what the server did.
func classify(o *operation, c Case, req []contract.Problem, resp []contract.Problem, out outcome) (verdict string, drifts []Drift, known []Known) {
	seen := map[string]bool{}
	for _, pr := range resp {
		f := fieldOf(pr.Pointer)
		if seen[f] {
			continue
		}
		seen[f] = true
		drifts = append(drifts, Drift{Kind: DriftResponse, Operation: o.id, Field: f,
			Message: "the response breaks the spec: " + pr.String()})
	}
	allowed := len(req) == 0
	switch {
	case allowed && !out.accepted:
		if c.UnknownID != "" && o.documented(out.message) && strings.Contains(out.message, "'"+c.UnknownID+"'") {
			switch {
			case len(drifts) > 0:
			case c.Violates == violUnknownID:
				return VerdictOK, nil, nil // refused as documented: what the probe is for
			default:
				return VerdictUnverified, nil, nil // an id verify assumed is not on this server
			}
			break
		}
		field := c.Field
		if m := quoted.FindStringSubmatch(out.message); m != nil {
			field = m[1]
		}
		drifts = append(drifts, Drift{Kind: DriftRefused, Operation: o.id, Field: field,
			Message: "the spec allows this request, the server refused it: " + quote(out.message)})
	case !allowed && out.accepted:
		for _, pr := range req {
			f := fieldOf(pr.Pointer)
			kw := keyword(c, pr)
			if why, ok := o.accepts(pr.Where, f, kw); ok {
				known = append(known, Known{Operation: o.id, Field: f, Keyword: kw, Why: why})
				continue
			}
			if f == "" {
				f = pr.Where
			}
			drifts = append(drifts, Drift{Kind: DriftAccepted, Operation: o.id, Field: f,
				Message: "the spec refuses this request (" + pr.String() + "), the server accepted it, and no " + ExtServerAccepts + " says why"})
		}
	}
	switch {
	case len(drifts) > 0:
		return VerdictDrift, drifts, nil
	case len(known) > 0:
		return VerdictKnown, nil, known
	}
	return VerdictOK, nil, nil
}

// quoted finds the field a Cerb error message names: The 'to' parameter is required.
var quoted = regexp.MustCompile(`'([a-z_]+(?:\[\])?)'`)

func quote(s string) string {
	if s == "" {
		return `""`
	}
	return `"` + s + `"`
}

// keyword is the JSON Schema keyword a request problem stands for: the one the case set
// out to break at its own field; a missing field is "required" wherever it is.
func keyword(c Case, pr contract.Problem) string {
	switch {
	case strings.Contains(pr.Message, "required field is missing"):
		return "required"
	case strings.HasPrefix(pr.Message, "undeclared form field"),
		strings.Contains(pr.Message, "is not a custom field of this installation"):
		return "additionalProperties"
	case pr.Where == "header" && pr.Pointer == "/Content-Type":
		return violContentType
	case fieldOf(pr.Pointer) == c.Field:
		return c.Violates
	}
	return ""
}

// accepts finds the x-cerb-server-accepts mark for a refused value of field: on the
// property (or query parameter) and what it is built from; for a missing field or an
// undeclared key, on the body schema itself.
func (o *operation) accepts(where, field, kw string) (string, bool) {
	if kw == "" {
		return "", false
	}
	switch where {
	case "query":
		if p := paramByName(o, field); p != nil {
			if why, ok := mark(p.Extensions, kw); ok {
				return why, true
			}
			if p.Schema != nil {
				return accepts(p.Schema.Value, kw)
			}
		}
		return "", false
	case "body":
		if kw == "required" || kw == "additionalProperties" {
			return mark(o.body.Extensions, kw)
		}
		if s := o.property(field); s != nil {
			return accepts(s, kw)
		}
		if ap := o.body.AdditionalProperties.Schema; ap != nil {
			return accepts(ap.Value, kw)
		}
	}
	return "", false
}
