package contract

import (
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// requestProblems maps openapi3filter's request errors (security, parameters, headers).
func (c *Checker) requestProblems(err error) []Problem {
	if me, ok := err.(openapi3.MultiError); ok {
		var out []Problem
		for _, e := range me {
			out = append(out, c.requestProblems(e)...)
		}
		return out
	}
	var sre *openapi3filter.SecurityRequirementsError
	if errors.As(err, &sre) {
		return []Problem{securityProblem(sre)}
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Parameter != nil {
		where := re.Parameter.In
		ptr := pointer(re.Parameter.Name)
		var se *openapi3.SchemaError
		var me openapi3.MultiError
		if errors.As(re.Err, &se) || errors.As(re.Err, &me) {
			var out []Problem
			for _, p := range c.schemaProblems(where, re.Err) {
				p.Pointer = ptr + p.Pointer
				out = append(out, p)
			}
			return out
		}
		msg := re.Reason
		if re.Err != nil {
			msg = parseMessage(re.Err)
		}
		return []Problem{{Where: where, Pointer: ptr, Message: msg}}
	}
	return []Problem{{Where: "request", Message: fmt.Sprint(err)}}
}
