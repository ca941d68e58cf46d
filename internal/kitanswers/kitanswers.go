// Package kitanswers replays what the test kit's Cerb 10.4.10 (../shared/cerb-server)
// answered to the GETs customfields.Fetch makes, so that tests of fields, overlays and
// helpers run without a server. answers/ holds the bodies byte for byte (see its README);
// livetest's TestLiveCustomFieldsFetch checks that the live kit still answers the same.
package kitanswers

import (
	"embed"
	"net/http"
)

//go:embed answers/*.json
var answers embed.FS

// Base is the REST root the answers were recorded under (the kit's default port); an
// overlay written from them names it.
const Base = "http://127.0.0.1:8081/rest"

// paths maps the request paths to the recorded bodies.
var paths = map[string]string{
	"/rest/customfields/tickets.json":    "customfields-tickets.json",
	"/rest/records/custom_field/10.json": "records-custom_field-10.json",
	"/rest/records/workers/search.json":  "records-workers-search-page-1.json", // one page: the kit has 2 workers
}

// Handler answers as the kit did, under /rest, to a GET with "Authorization: Bearer
// token" (any request when token is ""). override replaces the body of a path. Anything
// else gets Cerb's error envelope: a wrong token a 401, another method or a worker page
// after the first an error, an unknown path Cerb's "Unknown command".
func Handler(token string, override map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fail := func(status int, msg string) {
			w.WriteHeader(status)
			w.Write([]byte(`{"__status":"error","message":"` + msg + `"}`))
		}
		switch {
		case token != "" && r.Header.Get("Authorization") != "Bearer "+token:
			fail(http.StatusUnauthorized, "Access denied! (Invalid token)")
			return
		case r.Method != http.MethodGet:
			fail(http.StatusOK, "not recorded: only GETs were")
			return
		case r.URL.Path == "/rest/records/workers/search.json" && r.URL.Query().Get("page") != "1":
			fail(http.StatusOK, "not recorded: the kit has one page of workers")
			return
		}
		if body, ok := override[r.URL.Path]; ok {
			w.Write([]byte(body))
			return
		}
		name, ok := paths[r.URL.Path]
		if !ok {
			fail(http.StatusOK, "Unknown command")
			return
		}
		b, err := answers.ReadFile("answers/" + name)
		if err != nil {
			fail(http.StatusInternalServerError, "kitanswers: "+name)
			return
		}
		w.Write(b)
	})
}
