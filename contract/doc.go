// Package contract checks recorded HTTP request/response pairs against the Cerb OpenAPI
// document with kin-openapi's openapi3filter, and adds what openapi3filter does not check for
// form bodies: undeclared form fields (anything that is neither a declared property nor
// custom_<id> / custom_<id>[]), repeated scalar fields (PHP keeps the last value, validators
// read the first), and values that are not valid UTF-8.
//
// Every problem names where it is (route, security, header, query, body for requests;
// status, header, body for responses), a JSON pointer where one applies, and a message a
// person can act on. All problems of a pair are reported, not only the first.
package contract
