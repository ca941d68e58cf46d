package contract_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/har"
)

func collect(t *testing.T, c *contract.Checker, name string, data []byte) ([]contract.EntryResult, error) {
	t.Helper()
	var out []contract.EntryResult
	err := c.CheckHAR(context.Background(), name, bytes.NewReader(data), func(r contract.EntryResult) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// TestCheckHARParallelIsDeterministic: any number of workers gives the verdicts of one worker,
// in file order.
func TestCheckHARParallelIsDeterministic(t *testing.T) {
	data, err := os.ReadFile("../contract_test/testdata/compose-ok.har")
	if err != nil {
		t.Fatal(err)
	}
	one, err := contract.NewChecker(context.Background(), contract.WithWorkers(1))
	if err != nil {
		t.Fatal(err)
	}
	want, err := collect(t, one, "compose-ok.har", data)
	if err != nil || len(want) == 0 {
		t.Fatalf("sequential: %d results, %v", len(want), err)
	}
	for _, n := range []int{2, 8, 64} {
		c, err := contract.NewChecker(context.Background(), contract.WithWorkers(n))
		if err != nil {
			t.Fatal(err)
		}
		got, err := collect(t, c, "compose-ok.har", data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d workers: verdicts differ from one worker's", n)
		}
		for i, r := range got {
			if r.Entry != i {
				t.Fatalf("%d workers: result %d is entry %d", n, i, r.Entry)
			}
		}
	}
}

// TestCheckHARTruncated: the entries before the cut get their verdicts, then the error.
func TestCheckHARTruncated(t *testing.T) {
	data, err := os.ReadFile("../contract_test/testdata/reply-ok.har")
	if err != nil {
		t.Fatal(err)
	}
	cut := data[:len(data)/2]
	got, err := collect(t, newChecker(t), "reply-ok.har", cut)
	if !errors.Is(err, har.ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	if len(got) == 0 {
		t.Fatal("no verdicts for the entries before the cut")
	}
	for i, r := range got {
		if r.Entry != i || r.Err != nil {
			t.Errorf("result %d: entry %d, err %v", i, r.Entry, r.Err)
		}
	}
}

// TestCheckHARStopsOnCallbackError: an error from fn ends the check and is returned as is.
func TestCheckHARStopsOnCallbackError(t *testing.T) {
	data, err := os.ReadFile("../contract_test/testdata/reply-ok.har")
	if err != nil {
		t.Fatal(err)
	}
	stop := fmt.Errorf("disk full")
	n := 0
	err = newChecker(t).CheckHAR(context.Background(), "reply-ok.har", bytes.NewReader(data), func(contract.EntryResult) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want %v", err, stop)
	}
	if n != 3 {
		t.Errorf("fn called %d times after its error, want 3 in all", n)
	}
}
