package upstream

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// One odd build directory does not block an image: a newer build whose
// checksum file is not published yet, or a directory whose name holds no
// plausible date, is skipped, said so, and the newest complete build wins.
func TestDatedSkipsIncompleteAndStrayBuilds(t *testing.T) {
	stray := []byte("stand-in")
	tests := []struct {
		name    string
		prepare func(m *mirror.Server)
		skipped []string
	}{
		{"nothing odd", func(m *mirror.Server) {}, nil},
		{"newer build mid-publish", func(m *mirror.Server) {
			m.File(sigBase+"release-20260801/"+sigImage, stray, time.Time{})
		}, []string{"release-20260801 ", "SHA256SUMS is not published"}},
		{"stray impossible date", func(m *mirror.Server) {
			m.File(sigBase+"release-99999999/"+sigImage, stray, time.Time{})
		}, []string{"release-99999999 "}},
		{"stray future date", func(m *mirror.Server) {
			m.File(sigBase+"release-29990101/"+sigImage, stray, time.Time{})
		}, []string{"release-29990101 ", "in the future"}},
		{"stray ancient date", func(m *mirror.Server) {
			m.File(sigBase+"release-19700101/"+sigImage, stray, time.Time{})
		}, nil}, // older than every real build: never a candidate, nothing to say
		{"all at once, more than the candidates opened", func(m *mirror.Server) {
			for _, d := range []string{"release-99999999/", "release-29990101/", "release-20260901/", "release-20260801/"} {
				m.File(sigBase+d+sigImage, stray, time.Time{})
			}
		}, []string{"release-99999999 ", "release-29990101 ", "release-20260901 ", "release-20260801 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c, img := plainWorld(t)
			tt.prepare(m)
			out := Crawl(context.Background(), c, []source.Image{img}, map[string]Known{img.Name: oldKnown}, 1, nil)
			if err := out[0].Err; err != nil {
				t.Fatalf("the image failed: %v", err)
			}
			res := out[0].Result
			if res.Version != "20260705" {
				t.Fatalf("version %q, want 20260705", res.Version)
			}
			for _, want := range tt.skipped {
				if !strings.Contains(res.Skipped, want) {
					t.Fatalf("Skipped %q does not say %q", res.Skipped, want)
				}
			}
			if len(tt.skipped) == 0 && res.Skipped != "" {
				t.Fatalf("Skipped %q, want nothing", res.Skipped)
			}
		})
	}
}

// A Last-Modified before any cloud image was built (the epoch, 1900), or
// one that does not parse, is no build date, and the message says which.
func TestLastModifiedRefused(t *testing.T) {
	tests := []struct {
		name, header, want string
	}{
		{"epoch", "Thu, 01 Jan 1970 00:00:00 GMT", "build date 1970-01-01 is implausible: before 2010-01-01"},
		{"1900", "Mon, 01 Jan 1900 00:00:00 GMT", "build date 1900-01-01 is implausible"},
		{"2009", "Thu, 31 Dec 2009 23:59:59 GMT", "build date 2009-12-31 is implausible"},
		{"future", "Fri, 01 Jan 2999 00:00:00 GMT", "in the future"},
		{"unparsable", "yesterday-ish", `unparsable Last-Modified "yesterday-ish"`},
		{"good", "Sun, 05 Jul 2026 10:00:00 GMT", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c, img := plainWorld(t)
			const p = sigBase + "lm/" + sigImage
			m.File(p, make([]byte, 64), time.Time{})
			m.Fault(p, mirror.Fault{Header: http.Header{"Last-Modified": {tt.header}}})
			r := Result{Version: "20260705", Checksum: oldKnown.Checksum, URL: "https://cloud-images.ubuntu.com/releases/noble/lm/" + sigImage}
			err := crossCheck(context.Background(), c, img, &r)
			if tt.want == "" {
				if err != nil || r.BuildDate != "2026-07-05" {
					t.Fatalf("err %v, date %q", err, r.BuildDate)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			var ide *ImplausibleDateError
			if tt.name != "unparsable" && !errors.As(err, &ide) {
				t.Fatalf("not an ImplausibleDateError: %v", err)
			}
		})
	}
}

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
