package api

import (
	"errors"
	"net/url"
)

// EncodeForm is the form encoder the generated client calls (see templates/client.tmpl).
// Placeholder until the PHP-compatible encoder lands: it refuses rather than drop fields.
func EncodeForm(body any) (url.Values, error) {
	return nil, errors.New("api: EncodeForm not implemented yet")
}
