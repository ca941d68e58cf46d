// Package expect compares a contract check's verdicts with a manifest of expected verdicts.
//
// A team that keeps deliberate negative recordings (a request the server refuses, a field
// the spec forbids) cannot ask "does everything conform?": it asks "is every verdict the one
// we expect?". A manifest answers that. It is a JSON object that maps each HAR file, by its
// path relative to the manifest's folder, to the expected verdict on each of its entries:
//
//	{"compose.har": [
//	  {"entry": 0, "case": "compose-minimal", "operation": "composeTicket", "request": [], "response": []},
//	  {"entry": 1, "case": "compose-status-9", "operation": "composeTicket", "request": ["body /status"], "response": []}
//	]}
//
// A verdict is compared by operation and by the places of its problems ("where pointer"),
// not by their wording, so a clearer message does not break a manifest. An entry the manifest
// expects but the check never saw (a file cut short or missing) is a difference too, and so
// is an entry the manifest does not list.
package expect
