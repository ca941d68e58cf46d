package standin_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/internal/standin"
)

// A compose into bucket 7 lands in that bucket's group; a reply without status reopens
// the closed ticket, and the read-back shows the two messages.
func ExampleNew() {
	srv := httptest.NewServer(standin.New(standin.Default()))
	defer srv.Close()
	post := func(op string, form url.Values) map[string]any {
		req, _ := http.NewRequest("POST", srv.URL+"/rest/tickets/"+op+".json", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer any-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return m
	}
	t := post("compose", url.Values{"group_id": {"1"}, "bucket_id": {"7"}, "status": {"2"}, "subject": {"Printer on fire"}, "content": {"Hello"}})
	fmt.Println(t["status"], t["group_id"], t["bucket_id"])
	r := post("reply", url.Values{"message_id": {fmt.Sprint(t["initial_message_id"])}, "content": {"On it."}})
	fmt.Println(r["status"], r["num_messages"])
	e := post("reply", url.Values{"message_id": {"999"}, "content": {"x"}})
	fmt.Println(e["__status"], e["message"])
	// Output:
	// closed 5 7
	// open 2
	// error The given 'message_id' is invalid
}
