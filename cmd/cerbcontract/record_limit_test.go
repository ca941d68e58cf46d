package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/har"
)

func TestByteSizeFlag(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0: an error
		str  string
	}{
		{"16MiB", 16 << 20, "16MiB"},
		{"1048576", 1 << 20, "1MiB"},
		{"1000", 1000, "1000"},
		{"512 KiB", 512 << 10, "512KiB"},
		{"2k", 2 << 10, "2KiB"},
		{"1G", 1 << 30, "1GiB"},
		{"3mb", 3 << 20, "3MiB"},
		{"1536KiB", 1536 << 10, "1536KiB"},
		{"0", 0, ""},
		{"", 0, ""},
		{"MiB", 0, ""},
		{"-1", 0, ""},
		{"1.5MiB", 0, ""},
		{"16 megabytes", 0, ""},
		{"9999999999999GiB", 0, ""},
		{"99999999999999999999", 0, ""},
	}
	for _, tt := range tests {
		var b byteSize
		err := b.Set(tt.in)
		switch {
		case tt.want == 0 && err == nil:
			t.Errorf("Set(%q) = %d, want an error", tt.in, b)
		case tt.want != 0 && (err != nil || int64(b) != tt.want || b.String() != tt.str):
			t.Errorf("Set(%q) = %d (%q), %v; want %d (%q)", tt.in, b, b.String(), err, tt.want, tt.str)
		}
	}
}

// TestRecordMaxBody: `record --max-body` passes a larger response through whole and records
// it without its text, says so on stderr, and still exits 0; a bad size is a usage error.
func TestRecordMaxBody(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 256) // 4 KiB
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	}))
	defer up.Close()

	var so, se bytes.Buffer
	if code := run(context.Background(), []string{"record", "--upstream", up.URL, "--out", filepath.Join(t.TempDir(), "x.har"), "--max-body", "0"}, &so, &se); code != exitUsage || !strings.Contains(se.String(), "max-body") {
		t.Errorf("--max-body 0: exit %d, stderr %q", code, se.String())
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	out := filepath.Join(t.TempDir(), "big.har")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncBuf{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"record", "--upstream", up.URL, "--listen", addr, "--out", out, "--max-body", "1KiB"}, io.Discard, stderr)
	}()
	var resp *http.Response
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/rest/tickets/56.json"); err == nil {
			break // the proxy listens
		}
	}
	if err != nil {
		t.Fatalf("proxy: %v\n%s", err, stderr.String())
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("client got %d bytes (%v), want the %d sent", len(got), err, len(body))
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d, want %d\n%s", code, exitOK, stderr.String())
	}
	if !strings.Contains(stderr.String(), "1 bodies over --max-body 1KiB recorded without their text") ||
		!strings.Contains(stderr.String(), "response body of 4096 bytes is over the 1024-byte recording limit") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	l, err := har.ReadAll(bytes.NewReader(data), out)
	if err != nil || len(l.Entries) != 1 {
		t.Fatalf("%d entries, %v", len(l.Entries), err)
	}
	if e := l.Entries[0]; e.Response.Content.Text != "" || e.Response.Content.Size != 4096 || e.Response.BodySize != 4096 ||
		!strings.Contains(e.Comment, "response body not recorded: 4096 bytes, over the recording limit of 1024 bytes") {
		t.Errorf("entry: comment %q, content %+v, bodySize %d", e.Comment, e.Response.Content, e.Response.BodySize)
	}
}
