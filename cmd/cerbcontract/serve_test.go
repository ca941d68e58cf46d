package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// served is a running `cerbcontract serve`.
type served struct {
	base   string // http://ADDR/rest
	stderr *syncBuf
	stop   func() int // interrupts it and returns its exit status
}

// startServe runs `cerbcontract serve --listen 127.0.0.1:0 args…` until stop.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	stderr := &syncBuf{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), w, stderr)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	go io.Copy(io.Discard, out)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		cancel()
		t.Fatalf("first line %q (%v), stderr %s", line, err, stderr.String())
	}
	stop := func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
	t.Cleanup(func() { cancel() })
	return &served{base: base, stderr: stderr, stop: stop}
}

// compose posts a compose form to it with a bearer token and returns the body.
func (s *served) compose(t *testing.T, form url.Values) []byte {
	t.Helper()
	req, _ := http.NewRequest("POST", s.base+"/tickets/compose.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer any")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

func TestServe(t *testing.T) {
	s := startServe(t)
	b := s.compose(t, url.Values{"group_id": {"5"}, "subject": {"s"}, "content": {"c"}})
	if !bytes.Contains(b, []byte(`"bucket_id":6,`)) || !bytes.Contains(b, []byte(`"group_id":5,`)) {
		t.Errorf("compose into group 5: %.300s", b)
	}
	if c := s.stop(); c != exitOK {
		t.Errorf("exit %d after an interrupt, want 0; stderr %s", c, s.stderr.String())
	}
}

func TestServeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--fixtures", "testdata/nope.yaml"}, "no such file"},
		{[]string{"serve", "extra"}, "unexpected argument"},
		{[]string{"serve", "--listen", "256.0.0.1:1"}, "serve:"},
	} {
		var stdout, stderr bytes.Buffer
		if c := run(context.Background(), tc.args, &stdout, &stderr); c != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, c, stderr.String(), tc.want)
		}
	}
}
