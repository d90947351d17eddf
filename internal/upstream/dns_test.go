package upstream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/osism/image-crawler/internal/source"
)

// A host that does not resolve is asked once: offline, retrying only
// multiplies the wait. A DNS timeout may pass, so it is retried.
func TestDNSFailureIsNotRetried(t *testing.T) {
	tests := []struct {
		name  string
		err   *net.DNSError
		tries int64
	}{
		{"no such host", &net.DNSError{Err: "no such host", Name: "mirror.example", IsNotFound: true}, 1},
		{"server misbehaving", &net.DNSError{Err: "server misbehaving", Name: "mirror.example", IsTemporary: true}, 1},
		{"timeout", &net.DNSError{Err: "i/o timeout", Name: "mirror.example", IsTimeout: true}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			c := testClient(Options{Retries: 2, Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
				calls.Add(1)
				return nil, tt.err
			})})
			_, err := c.Get(context.Background(), "https://mirror.example/x")
			var derr *net.DNSError
			if !errors.As(err, &derr) {
				t.Fatalf("error %v, want a *net.DNSError in its chain", err)
			}
			if got := calls.Load(); got != tt.tries {
				t.Fatalf("%d requests, want %d", got, tt.tries)
			}
		})
	}
}

// Progress is told one image at a time, numbered in the order it is told:
// the callback appends without a lock, which -race flags if two calls
// overlap.
func TestCrawlProgressInOrder(t *testing.T) {
	var imgs []source.Image
	for i := range 40 {
		imgs = append(imgs, source.Image{Name: fmt.Sprintf("Image %d", i), Type: "no-such-type"})
	}
	var got []int
	Crawl(context.Background(), testClient(Options{}), imgs, nil, 16, func(done, total int, o Outcome) {
		if total != len(imgs) || o.Err == nil {
			t.Errorf("total %d, err %v", total, o.Err)
		}
		got = append(got, done)
	})
	for i, d := range got {
		if d != i+1 {
			t.Fatalf("progress numbers %v, want 1..%d in order", got, len(imgs))
		}
	}
	if len(got) != len(imgs) {
		t.Fatalf("%d calls, want %d", len(got), len(imgs))
	}
}
