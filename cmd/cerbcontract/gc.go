package main

import "github.com/cerb-openapi/cerb-openapi/internal/gcpolicy"

// tuneGC sets the collector for a batch run (see gcpolicy); GOGC or GOMEMLIMIT in the
// environment take precedence.
func tuneGC() { gcpolicy.Apply() }
