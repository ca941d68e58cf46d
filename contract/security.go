package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// redacted marks a secret removed by a recorder; its shape cannot be checked, only its place.
func redacted(v string) bool { return strings.HasPrefix(v, "REDACTED") }

// authenticate checks that credentials of a scheme are present and well formed. It cannot
// check that they are valid: that is the server's job, and recordings carry redacted values.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header
	s := in.SecurityScheme
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		auth := h.Get("Authorization")
		if auth == "" {
			return errors.New("no Authorization header")
		}
		scheme, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return fmt.Errorf("Authorization uses the %q scheme; Cerb accepts only Bearer (and answers 401)", scheme)
		}
		if strings.TrimSpace(token) == "" {
			return errors.New("Authorization: Bearer has an empty token")
		}
		return nil
	case s.Type == "apiKey" && s.In == "header":
		// Each legacy header name is its own scheme in the document (cerbAuth: Cerb-Auth,
		// cerb5Auth: Cerb5-Auth), so a header is accepted only under a name the spec
		// declares, as any other validator of the spec does.
		v := h.Get(s.Name)
		if v == "" {
			return fmt.Errorf("no %s header", s.Name)
		}
		if h.Get("Authorization") != "" {
			return fmt.Errorf("%s is ignored by Cerb when an Authorization header is present", s.Name)
		}
		if strings.EqualFold(s.Name, "Cerb5-Auth") && len(h.Values("Cerb-Auth")) > 0 {
			return fmt.Errorf("%s is ignored by Cerb when a Cerb-Auth header is present", s.Name)
		}
		if !redacted(v) {
			key, sig, ok := strings.Cut(v, ":")
			if !ok || key == "" || sig == "" {
				return fmt.Errorf("%s must be <access_key>:<signature>", s.Name)
			}
		}
		date := h.Get("X-Date")
		if date == "" {
			date = h.Get("Date")
		}
		if date == "" {
			return fmt.Errorf("%s needs an X-Date or Date header", s.Name)
		}
		if _, err := http.ParseTime(date); err != nil {
			return fmt.Errorf("%s: unparsable date %q (want RFC 1123, e.g. %q)", s.Name, date, "Wed, 08 Feb 2017 19:53:35 GMT")
		}
		return nil
	}
	return fmt.Errorf("security scheme %q (%s) is not supported by the checker", in.SecuritySchemeName, s.Type)
}

// securityProblem turns openapi3filter's per-requirement errors into one readable problem.
func securityProblem(err *openapi3filter.SecurityRequirementsError) Problem {
	var parts []string
	for i, e := range err.Errors {
		name := fmt.Sprintf("requirement %d", i)
		if i < len(err.SecurityRequirements) {
			var names []string
			for n := range err.SecurityRequirements[i] {
				names = append(names, n)
			}
			name = strings.Join(names, "+")
		}
		msg := e.Error()
		var se *openapi3filter.SecurityRequirementsError
		if !errors.As(e, &se) {
			msg = innermost(e)
		}
		parts = append(parts, name+": "+msg)
	}
	return Problem{Where: "security", Message: "no accepted credentials (" + strings.Join(parts, "; ") + ")"}
}

// innermost returns the message of the deepest wrapped error.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// credentialWarnings warns of a legacy Cerb-Auth or Cerb5-Auth header sent beside an
// Authorization header: Cerb reads the bearer token and ignores the other, so the request
// works, but the secret went out twice. A client's auth callback that answers every
// security scheme does this (@hey-api/openapi-ts with auth: () => token sends the OAuth
// token in all three headers). The values are never repeated.
func credentialWarnings(h http.Header) []Problem {
	scheme, token, _ := strings.Cut(h.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil // no bearer credentials: the security check says what is wrong
	}
	var out []Problem
	for _, name := range []string{"Cerb-Auth", "Cerb5-Auth"} {
		if len(h.Values(name)) > 0 {
			out = append(out, Problem{Where: "header", Pointer: "/" + name, Severity: SeverityWarning,
				Message: name + " sent beside Authorization: Cerb reads only the bearer token and ignores it, but the secret went out twice (an auth callback that answers every security scheme does this: answer only the bearer scheme)"})
		}
	}
	return out
}
