// Package verify tests a live Cerb against the OpenAPI document: it generates requests
// from the spec, sends them to the server, and reports drift, where server and spec
// disagree. It is what `cerbcontract verify` runs.
//
// The cases, all derived from the loaded document (another document works too):
//
//   - positive: the minimal request (the required fields and dont_send=1) in both media
//     types, then each optional field with each of its valid values (every enum value,
//     drafts through send_at, custom fields in the x-cerb-key-patterns forms, the query
//     parameters), unicode and long values, url-encoded and multipart; replies go to the
//     tickets the run created;
//   - random: Config.Count combinations of valid values, the same for the same seed;
//   - negative: the minimal request with one field made invalid: each required field
//     missing or empty, a non-number, the next number outside an enum, a value below the
//     minimum, a value outside the pattern, an undeclared field, a JSON body; and ids
//     that cannot exist. A candidate becomes a case only when the checker (package
//     contract) refuses it at that field, so the spec decides what is invalid.
//
// Every request and response goes through the checker. Drift is a response that breaks
// the spec, a request the spec allows that the server refuses, or a request the spec
// refuses that the server accepts, unless the schema of that field carries
// x-cerb-server-accepts for the keyword broken (then it is a known exception, listed with
// the reason). A refusal with one of the operation's x-cerb-error-messages of an id that
// cannot exist is what the probe expects.
//
// Safe on a real installation: every request carries dont_send=1 exactly once, every
// address is at example.com, a reply goes only to a ticket the run created, every subject
// starts with the run's marker, drafts are composed without recipients, ids that cannot
// exist (4294967295) stand in for records verify does not own, and a run is capped
// (MaxCount, HardCap). Each drift names the operation, the field, the request with its
// credentials redacted, and the command that replays it (seed and case name).
package verify
