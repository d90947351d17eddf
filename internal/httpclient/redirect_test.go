package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// A redirect to another host (here another loopback port, standing in for
// an internal address or cloud metadata) is refused unless the sources file
// or --mirror names that host, and nothing of its answer reaches the error.
func TestRedirectsStayOnNamedHosts(t *testing.T) {
	const secret = "AKIAIOSFODNN7EXAMPLE-metadata-secret"
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, secret)
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/target", http.StatusFound)
		case "/target":
			io.WriteString(w, "fine")
		default:
			http.Redirect(w, r, other.URL+"/latest/meta-data", http.StatusFound)
		}
	}))
	defer origin.Close()
	tests := []struct {
		name    string
		opts    Options
		allow   []string
		path    string
		want    string
		wantErr string
	}{
		{"same host", Options{}, nil, "/same", "fine", ""},
		{"another port", Options{}, nil, "/away", "", "to another host, " + strings.TrimPrefix(other.URL, "http://") + ", refused"},
		{"named by the sources file", Options{}, []string{other.URL + "/"}, "/away", secret, ""},
		{"named as a redirect host option", Options{RedirectHosts: []string{other.URL}}, nil, "/away", secret, ""},
		{"a --mirror target", Options{Mirrors: []Mirror{{From: "https://example.org/", To: other.URL + "/"}}}, nil, "/away", secret, ""},
		{"same name, other port", Options{}, []string{"127.0.0.1"}, "/away", "", "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Retries = -1
			c := NewClient(tt.opts)
			c.AllowRedirects(tt.allow...)
			resp, err := c.Get(context.Background(), origin.URL+tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("the other host's answer reached the error: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != tt.want {
				t.Fatalf("body %q, want %q", resp.Body, tt.want)
			}
		})
	}
}

// A redirect to a host nobody named is followed only over https to an
// address that is public: never to this machine, its network or a cloud's
// metadata service, whatever name points there.
func TestRedirectToPublicHTTPSOnly(t *testing.T) {
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", true}, {"2001:4860:4860::8888", true}, {"195.135.221.134", true},
		{"127.0.0.1", false}, {"::1", false}, {"10.1.2.3", false}, {"172.16.0.1", false}, {"192.168.1.1", false},
		{"169.254.169.254", false}, {"fe80::1", false}, {"fd00:ec2::254", false}, {"100.64.0.1", false},
		{"0.0.0.0", false}, {"224.0.0.1", false}, {"::ffff:127.0.0.1", false},
	} {
		if got := publicAddr(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("publicAddr(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metadata":
			http.Redirect(w, r, "https://169.254.169.254/latest/meta-data", http.StatusFound)
		case "/loopback":
			http.Redirect(w, r, "https://127.0.0.1:1/x", http.StatusFound)
		case "/plain":
			http.Redirect(w, r, "http://195.135.221.134/x", http.StatusFound)
		}
	}))
	defer origin.Close()
	c := NewClient(Options{Retries: -1})
	for _, p := range []string{"/metadata", "/loopback", "/plain"} {
		if _, err := c.Get(context.Background(), origin.URL+p); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: %v, want the redirect refused", p, err)
		}
	}
}

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

// The client remembers at most MaxCachedBytes of bodies; past that answers
// are fetched again rather than kept.
func TestClientCacheBounded(t *testing.T) {
	m := mirror.New(t)
	big := make([]byte, 10<<20)
	n := int(MaxCachedBytes/int64(len(big))) + 3
	for i := range n {
		m.File(fmt.Sprintf("/f%d", i), big, time.Time{})
	}
	c := NewClient(Options{Retries: -1, MaxBody: 32 << 20})
	for i := range n {
		if _, err := c.Get(context.Background(), fmt.Sprintf("%s/f%d", m.URL, i)); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	cached := c.cached
	c.mu.Unlock()
	if cached > MaxCachedBytes {
		t.Fatalf("%d bytes cached, more than %d", cached, MaxCachedBytes)
	}
	// The first file is remembered: asking again costs no request.
	before := m.CountPath("GET", "/f0")
	if _, err := c.Get(context.Background(), m.URL+"/f0"); err != nil {
		t.Fatal(err)
	}
	if m.CountPath("GET", "/f0") != before {
		t.Fatal("a remembered body was fetched again")
	}
	last := fmt.Sprintf("/f%d", n-1)
	before = m.CountPath("GET", last)
	if _, err := c.Get(context.Background(), m.URL+last); err != nil {
		t.Fatal(err)
	}
	if m.CountPath("GET", last) != before+1 {
		t.Fatal("a body past the cache bound was not fetched again")
	}
}
