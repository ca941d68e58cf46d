package har_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cerb-openapi/cerb-openapi/har"
)

// A HAR is opened by its content: here a zlib stream as mitmproxy writes to .zhar, with a
// response body in a sidecar file next to it, as Playwright's content "attach" writes them.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "har-example")
	defer os.RemoveAll(dir)
	const log = `{"log":{"version":"1.2","creator":{"name":"example","version":"1"},"entries":[
	  {"request":{"method":"POST","url":"https://cerb.example/rest/tickets/reply.json","headers":[],
	    "postData":{"mimeType":"application/x-www-form-urlencoded","text":"message_id=1&content=Hi"}},
	   "response":{"status":200,"headers":[],"content":{"size":21,"mimeType":"application/json","_file":"body.json"}}}]}}`
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(log))
	w.Close()
	os.WriteFile(filepath.Join(dir, "traffic.zhar"), z.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "body.json"), []byte(`{"__status":"success"}`), 0o644)

	f, err := har.Open(filepath.Join(dir, "traffic.zhar"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	fmt.Println("container:", f.Container)
	r := har.NewReader(f, f.Name)
	for {
		e, i, err := r.Next()
		if err == io.EOF {
			break
		}
		if err == nil {
			err = e.LoadFiles(f.Sidecars)
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := e.Response.Body()
		fmt.Printf("entry %d: %s → %d %s\n", i, e.Request.Method, e.Response.Status, body)
	}
	// Output:
	// container: zlib
	// entry 0: POST → 200 {"__status":"success"}
}
