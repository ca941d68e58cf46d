// Package customfields describes one Cerb installation's ticket custom fields to the
// tools that check, generate and serve its traffic.
//
// The project's openapi.yaml can only say that a ticket custom field is a form field
// custom_<id> holding a string or a list: which fields exist, and what each accepts,
// differs from one installation to the next. Cerb never refuses a custom-field value: it
// drops, clears or stores without an error what it cannot use (a picklist value that is
// not an option, a date it cannot read). Fetch reads an installation's fields (and its
// workers, the values of worker fields); Overlay writes them as an OpenAPI Overlay 1.0
// document that types each custom_<id> for that installation, with what Cerb does with a
// value outside the schema in x-cerb-server-accepts; GoHelpers writes typed Go helpers for
// the cerb client. FromDocument reads the fields back from an overlaid document.
package customfields
