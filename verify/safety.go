package verify

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
)

// safe refuses a request that could reach anybody or anything but this run's own
// tickets, whatever the spec and the plan say: every request carries dont_send=1 once,
// every address is at example.com (reserved, never delivered), a reply goes to a
// message of a ticket this run created (or to an id that cannot exist), and a subject is
// this run's marker first, so every ticket it makes can be found.
func (r *runner) safe(c Case, msgID int64) error {
	unsafe := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrUnsafe, c.Name, fmt.Sprintf(format, args...))
	}
	dontSend := 0
	for _, f := range c.Form {
		switch f.Key {
		case "dont_send":
			if f.Value != "1" {
				return unsafe("dont_send=%q", f.Value)
			}
			dontSend++
		case "to", "cc", "bcc":
			if err := exampleOnly(f.Value); err != nil {
				return unsafe("%s: %v", f.Key, err)
			}
		case "subject":
			if f.Value != "" && !strings.HasPrefix(f.Value, r.report.Marker) {
				return unsafe("subject %q does not start with %q", f.Value, r.report.Marker)
			}
		case "message_id":
			id := msgID
			if f.Value != msgRef {
				id, _ = strconv.ParseInt(strings.TrimSpace(f.Value), 10, 64) // as PHP's intval, near enough
			}
			if id > 0 && id < 4294967295 && !r.ours(id) {
				return unsafe("message_id %d is not a message of a ticket this run created", id)
			}
		}
	}
	if dontSend != 1 {
		return unsafe("dont_send=1 sent %d times, want once", dontSend)
	}
	for _, f := range c.Query {
		if f.Key == "dont_send" || f.Key == "to" || f.Key == "cc" || f.Key == "bcc" || f.Key == "message_id" {
			return unsafe("%s in the query string", f.Key)
		}
	}
	return nil
}

func (r *runner) ours(message int64) bool {
	for _, t := range r.tickets {
		if t.message == message {
			return true
		}
	}
	return false
}

// exampleOnly accepts an address list whose every address is @example.com. A value
// without any @ names nobody (Cerb drops it), so it passes.
func exampleOnly(v string) error {
	if !strings.Contains(v, "@") {
		return nil
	}
	list, err := mail.ParseAddressList(strings.ReplaceAll(v, ";", ","))
	if err != nil {
		return fmt.Errorf("%q: %v", v, err)
	}
	for _, a := range list {
		if !strings.HasSuffix(strings.ToLower(a.Address), "@example.com") {
			return fmt.Errorf("%s is not at example.com", a.Address)
		}
	}
	return nil
}
