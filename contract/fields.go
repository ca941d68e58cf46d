package contract

import (
	"errors"
	"fmt"
	"mime"
)

// FormField is one field of a form body, in body order.
type FormField struct {
	Key, Value string
}

// ErrNotForm is returned by FormFields for a body Cerb does not read as a form.
var ErrNotForm = errors.New("not a form body")

// FormFields decodes a request body as the checker does, so that other tools (coverage) see
// the same fields: application/x-www-form-urlencoded split on '&' as PHP does, and
// multipart/form-data by part name. It returns every field it could decode; the error says
// what it could not (a malformed pair or part), or wraps ErrNotForm when contentType is not
// one of the two. An empty Content-Type with an empty body is the empty form.
func FormFields(contentType string, body []byte) ([]FormField, error) {
	if contentType == "" && len(body) == 0 {
		return nil, nil
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("%w: Content-Type %q: %v", ErrNotForm, contentType, err)
	}
	var fields []formField
	var problems []Problem
	switch mediaType {
	case formURLEncoded:
		fields, problems = parseURLEncoded(body)
	case "multipart/form-data":
		fields, problems = parseMultipart(body, params["boundary"])
	default:
		return nil, fmt.Errorf("%w: %s", ErrNotForm, mediaType)
	}
	out := make([]FormField, len(fields))
	for i, f := range fields {
		out[i] = FormField{Key: f.key, Value: f.value}
	}
	if len(problems) > 0 {
		err = errors.New(problems[0].String())
		if len(problems) > 1 {
			err = fmt.Errorf("%w (and %d more problems)", err, len(problems)-1)
		}
	}
	return out, err
}
