package har

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// sidecarHAR is a HAR whose bodies are in sidecar files, as Playwright's recordHar writes
// with content "attach".
const sidecarHAR = `{"log":{"version":"1.2","creator":{"name":"Playwright","version":"1.65.0"},"entries":[
{"startedDateTime":"2026-12-02T10:00:00Z","time":1,
 "request":{"method":"POST","url":"http://127.0.0.1:8081/rest/tickets/reply.json","httpVersion":"HTTP/1.1","cookies":[],"headers":[],"queryString":[],
  "postData":{"mimeType":"application/x-www-form-urlencoded","_file":"req.dat"},"headersSize":-1,"bodySize":12},
 "response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","cookies":[],"headers":[],
  "content":{"size":2,"mimeType":"application/json","_file":"sub/resp.json"},"redirectURL":"","headersSize":-1,"bodySize":2},
 "cache":{},"timings":{"send":0,"wait":0,"receive":0}}]}}`

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func deflate(t *testing.T, kind string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch kind {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "zlib":
		w = zlib.NewWriter(&buf)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readLoaded opens path, reads its one entry and loads its sidecar files.
func readLoaded(t *testing.T, path string) (*File, Entry, error) {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		return nil, Entry{}, err
	}
	defer f.Close()
	e, _, err := NewReader(f, path).Next()
	if err != nil {
		return f, Entry{}, err
	}
	return f, e, e.LoadFiles(f.Sidecars)
}

func TestOpenContainers(t *testing.T) {
	// Every container is told by its content: the names below lie on purpose.
	tests := []struct {
		name      string
		write     func(t *testing.T, dir string) string
		container string
	}{
		{"plain with sidecars", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, "req.dat"), []byte("message_id=1"))
			writeFile(t, filepath.Join(dir, "sub", "resp.json"), []byte("{}"))
			p := filepath.Join(dir, "rec.zip")
			writeFile(t, p, []byte(sidecarHAR))
			return p
		}, ""},
		{"gzip", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, "req.dat"), []byte("message_id=1"))
			writeFile(t, filepath.Join(dir, "sub", "resp.json"), []byte("{}"))
			p := filepath.Join(dir, "rec.har")
			writeFile(t, p, deflate(t, "gzip", []byte(sidecarHAR)))
			return p
		}, "gzip"},
		{"zlib (mitmproxy .zhar)", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, "req.dat"), []byte("message_id=1"))
			writeFile(t, filepath.Join(dir, "sub", "resp.json"), []byte("{}"))
			p := filepath.Join(dir, "rec.json")
			writeFile(t, p, deflate(t, "zlib", []byte(sidecarHAR)))
			return p
		}, "zlib"},
		{"zip with the HAR and its sidecars in a folder", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "rec.har")
			writeFile(t, p, zipOf(t, map[string]string{"out/trace.har": sidecarHAR, "out/req.dat": "message_id=1", "out/sub/resp.json": "{}", "other.txt": "x"}))
			return p
		}, "zip"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, e, err := readLoaded(t, tc.write(t, t.TempDir()))
			if err != nil {
				t.Fatal(err)
			}
			if f.Container != tc.container {
				t.Errorf("container %q, want %q", f.Container, tc.container)
			}
			req, _ := e.Request.Body()
			resp, _ := e.Response.Body()
			if string(req) != "message_id=1" || string(resp) != "{}" || e.Request.PostData.File != "" || e.Response.Content.File != "" {
				t.Errorf("bodies %q and %q (files %q, %q), want the sidecars' contents", req, resp, e.Request.PostData.File, e.Response.Content.File)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	gz := deflate(t, "gzip", []byte(sidecarHAR))
	tests := []struct {
		name string
		data []byte
		want string // in the error of Open, or else of reading the entry
	}{
		{"zip without a HAR", zipOf(t, map[string]string{"a.txt": "x", "b.json": "{}"}), "a zip archive with no .har file in it (it holds "},
		{"zip with two HARs", zipOf(t, map[string]string{"a.har": sidecarHAR, "b/c.HAR": sidecarHAR}), "a zip archive with 2 .har files (a.har, b/c.HAR)"},
		{"broken zip", []byte("PK\x03\x04 not really"), "zip: "},
		{"gzip cut short", gz[:len(gz)/2], "file ends early (truncated HAR)"},
		{"gzip with corrupt data", append(append([]byte{}, gz[:10]...), 0xff, 0xff, 0xff, 0xff), "gzip: flate: corrupt input"},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0}, "gzip: "},
		{"sidecar missing", []byte(sidecarHAR), `request body (postData._file): file "req.dat": open req.dat: `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.har")
			writeFile(t, p, tc.data)
			_, _, err := readLoaded(t, p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(tc.name, "cut short") && !errors.Is(err, ErrTruncated) {
				t.Errorf("%v is not ErrTruncated", err)
			}
		})
	}
}

func TestLoadFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"bin.dat": {Data: []byte{0xff, 0xfe, 'a'}},
		"big.dat": {Data: []byte("x")},
	}
	entry := func(file string) Entry {
		return Entry{Request: &Request{Method: "POST", PostData: &PostData{File: file}}, Response: &Response{}}
	}
	t.Run("binary body kept exactly", func(t *testing.T) {
		e := entry("bin.dat")
		if err := e.LoadFiles(fsys); err != nil {
			t.Fatal(err)
		}
		if b, _ := e.Request.Body(); !bytes.Equal(b, []byte{0xff, 0xfe, 'a'}) || e.Request.PostData.Encoding != "base64" {
			t.Errorf("body %q encoding %q", b, e.Request.PostData.Encoding)
		}
	})
	for _, name := range []string{"../secret", "/etc/passwd", "a/../../b"} {
		t.Run("outside "+name, func(t *testing.T) {
			e := entry(name)
			err := e.LoadFiles(fsys)
			if err == nil || !strings.Contains(err.Error(), "not a path inside the HAR's folder") {
				t.Fatalf("error %v", err)
			}
		})
	}
	t.Run("from a stream", func(t *testing.T) {
		e := entry("bin.dat")
		if err := e.LoadFiles(nil); err == nil || !strings.Contains(err.Error(), "read from a stream") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("no sidecars is a no-op", func(t *testing.T) {
		e := Entry{Request: &Request{PostData: &PostData{Text: "a=1"}}, Response: &Response{Content: Content{Text: "{}"}}}
		if err := e.LoadFiles(nil); err != nil || e.Request.PostData.Text != "a=1" || e.Response.Content.Text != "{}" {
			t.Fatalf("err %v, entry changed: %+v", err, e)
		}
	})
}

// FuzzOpen: any bytes, in any container, are either read or refused with an error naming
// the file; never a panic, and never a sidecar read from outside the HAR's folder.
func FuzzOpen(f *testing.F) {
	seed := []byte(sidecarHAR)
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("a/x.har")
	w.Write(seed)
	w, _ = zw.Create("a/req.dat")
	w.Write([]byte("message_id=1"))
	zw.Close()
	for _, b := range [][]byte{seed, zipped.Bytes(), {0x1f, 0x8b}, {0x78, 0x9c}, []byte("PK\x05\x06")} {
		f.Add(b)
	}
	var gz, zl bytes.Buffer
	g := gzip.NewWriter(&gz)
	g.Write(seed)
	g.Close()
	z := zlib.NewWriter(&zl)
	z.Write(seed)
	z.Close()
	f.Add(gz.Bytes())
	f.Add(zl.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		// In memory: the folder holds a file "outside" that no sidecar name may reach.
		fsys := fstest.MapFS{"outside": {Data: []byte("secret")}, "in/req.dat": {Data: []byte("message_id=1")}}
		sub, _ := fs.Sub(fsys, "in")
		const p = "in/x.har"
		hf, err := open(p, bytes.NewReader(data), int64(len(data)), sub)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		defer hf.Close()
		r := NewReader(hf, p)
		for i := 0; i < 1000; i++ {
			e, _, err := r.Next()
			if err == io.EOF {
				return
			}
			var ee *EntryError
			if errors.As(err, &ee) {
				continue
			}
			if err != nil {
				if !strings.Contains(err.Error(), p) {
					t.Fatalf("error does not name the file: %v", err)
				}
				return
			}
			if err := e.LoadFiles(hf.Sidecars); err == nil {
				var texts []string
				if e.Request.PostData != nil {
					texts = append(texts, e.Request.PostData.Text)
				}
				texts = append(texts, e.Response.Content.Text)
				for _, b := range texts {
					if strings.Contains(b, "secret") {
						t.Fatalf("a sidecar outside the HAR's folder was read")
					}
				}
			}
		}
	})
}
