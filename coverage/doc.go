// Package coverage says what recorded traffic exercised of an OpenAPI document, and what it
// never did. A green contract check only judges what was sent; coverage lists the rest: the
// operations without a pair, the form fields, enum values and custom-field forms never sent,
// and the response variants never seen.
//
// Everything is derived from the loaded document, so another document works too:
//
//   - fields are the properties of the operation's form request bodies
//     (application/x-www-form-urlencoded and multipart/form-data), read with the checker's own
//     form parser (contract.FormFields); query parameters are counted apart;
//   - enum values are those of each field's schema (through $ref and allOf), compared with
//     the value sent as text (0/1 flags, status 0/1/2, content_format …); values outside the
//     enum are listed as "other";
//   - custom-field forms are the keys of the vendor extension x-cerb-key-patterns (form name
//     → regular expression, e.g. custom_<id> and custom_<id>[]) on the body schema or on its
//     additionalProperties schema; without it every undeclared key is "undeclared";
//   - response variants are, per declared status code (not "default": what a proxy answers is
//     not a goal), the leaves of the response schema's oneOf/anyOf tree, named by their
//     component (200 Ticket, 200 Draft, 200 ScopeError). A leaf listed in the response's
//     vendor extension x-cerb-error-messages (schema name → known messages) is split into
//     one variant per message, matched against the body's "message" property:
//     "200 ApiError: The 'subject' parameter is required". Each
//     message is its own class because each is its own check on the server; a <name> in a
//     message matches any text (Invalid ticket id '<id>'). A message not listed is reported
//     as unlisted, not as a variant.
//
// A body is classified by the discriminators on its way down (__status, _context) and,
// where there is none, by the first branch it validates against.
//
// Fields are those the checker reads: the body text, or the form params a HAR writer kept
// instead of it. Pairs whose request body was sent but not recorded are counted apart and
// their fields are not counted; so are responses whose body was not recorded, pairs without
// a response (status 0 or -1), and CORS preflights, which are not calls of the API.
// Operations without an operationId are left out: verdicts name operations by it.
package coverage
