// Package redact removes secrets from recorded HTTP traffic before it is written anywhere.
//
// What it replaces, with the marker REDACTED (the contract checker treats any value that
// starts with REDACTED as a credential that was present but cannot be shown):
//
//   - Authorization and Proxy-Authorization: the credentials after the scheme
//     ("Bearer REDACTED", "Basic REDACTED"); an empty token stays empty, because the checker
//     must still be able to say "empty token".
//   - Cerb-Auth, Cerb5-Auth, X-Api-Key, X-Auth-Token: the whole value.
//   - Cookie and Set-Cookie: every cookie value; names and attributes (Path, HttpOnly, …) stay.
//   - The OAuth fields client_secret, access_token, refresh_token, id_token and password, in
//     query strings and URL fragments, url-encoded and multipart form bodies and JSON bodies.
//   - Anything shaped like a JWT (eyJ….….…) or a Defuse ciphertext (def50200…, the shape of
//     Cerb's refresh tokens), anywhere in a header, URL or body.
//   - Within one pair (Entry), every value found in the places above, in the request or the
//     response, wherever else it appears in that pair: a server that echoes what it received
//     (a debug page, an OAuth error, a page that prints the request) puts the client's
//     credentials in its answer. Each value is searched for as it was sent and decoded
//     (the password inside Basic credentials too), raw, URL-encoded (query and path forms,
//     a space as "+" or "%20", upper- or lower-case hex), JSON-escaped (as Go, PHP or
//     JavaScript write it) and HTML-escaped. Values shorter than MinSecretLen (8 bytes) are not searched for: a
//     password "a" would wipe every "a" of the page.
//
// Everything else is left byte for byte as it was, so a redacted pair gets the same contract
// verdict as the original (unless a secret also stands for something else in the pair).
// Redaction cannot know every secret: a password sent in a field with an unlisted name, or in
// a custom header, is kept, and so is an echo in an encoding not listed above (base64 of a
// longer text, say) or of a secret shorter than MinSecretLen.
package redact
