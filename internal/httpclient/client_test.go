package httpclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/internal/testenv/recorder"
)

// testClient keeps back-offs tiny so retry tests stay fast.
func testClient(o Options) *Client {
	if o.Backoff == 0 {
		o.Backoff = time.Millisecond
	}
	return NewClient(o)
}

func TestClientSendsUserAgent(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"image-crawler/1.2.3", "image-crawler/1.2.3"},
		{"", "image-crawler"},
	} {
		var got atomic.Value
		srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
			got.Store(r.Header.Get("User-Agent"))
		})
		c := testClient(Options{UserAgent: tc.set})
		if _, err := c.Get(t.Context(), srv.URL+"/x"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Head(t.Context(), srv.URL+"/x"); err != nil {
			t.Fatal(err)
		}
		if got.Load() != tc.want {
			t.Errorf("User-Agent = %q, want %q", got.Load(), tc.want)
		}
	}
}

func TestParseMirror(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Mirror
		wantErr string
	}{
		{in: "https://cloud-images.ubuntu.com/=http://127.0.0.1:4321/ubuntu/",
			want: Mirror{From: "https://cloud-images.ubuntu.com/", To: "http://127.0.0.1:4321/ubuntu/"}},
		{in: "https://cloud.debian.org=https://mirror.example/debian",
			want: Mirror{From: "https://cloud.debian.org", To: "https://mirror.example/debian"}},
		{in: "https://cloud-images.ubuntu.com/", wantErr: "want FROM=TO"},
		{in: "=http://127.0.0.1/", wantErr: "FROM: empty URL"},
		{in: "https://a.example/=", wantErr: "TO: empty URL"},
		{in: "/releases/=http://127.0.0.1/", wantErr: `FROM: unsupported scheme ""`},
		{in: "https://a.example/=ftp://mirror.example/", wantErr: `TO: unsupported scheme "ftp"`},
		{in: "https:///x=http://127.0.0.1/", wantErr: "FROM: URL has no host"},
		{in: "https://a.example/=http://u:s3cr3t@mirror.example/", wantErr: "TO: URL must not contain credentials"},
		{in: "https://a.example/?x=http://mirror.example/", wantErr: "query or fragment"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseMirror(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseMirror(%q) error = %v, want it to contain %q", tc.in, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "s3cr3t") {
					t.Fatalf("error leaks the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("ParseMirror(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestClientRewriteLongestPrefixAtBoundary(t *testing.T) {
	c := NewClient(Options{Mirrors: []Mirror{
		{From: "https://cloud-images.ubuntu.com/", To: "http://127.0.0.1:1/all"},
		{From: "https://cloud-images.ubuntu.com/releases/", To: "http://127.0.0.1:2/r/"},
		{From: "https://cloud.debian.org", To: "http://127.0.0.1:3/debian/"},
	}})
	for _, tc := range []struct{ in, want string }{
		{"https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS", "http://127.0.0.1:2/r/noble/release/SHA256SUMS"},
		{"https://cloud-images.ubuntu.com/minimal/releases/noble/", "http://127.0.0.1:1/all/minimal/releases/noble/"},
		{"https://cloud.debian.org/images/cloud/", "http://127.0.0.1:3/debian/images/cloud/"},
		{"https://cloud.debian.org", "http://127.0.0.1:3/debian"},
		{"https://cloud.debian.org.evil.example/x", "https://cloud.debian.org.evil.example/x"},
		{"https://dl.rockylinux.org/pub/", "https://dl.rockylinux.org/pub/"},
	} {
		wire, via := c.rewrite(tc.in)
		if wire != tc.want {
			t.Errorf("rewrite(%s) = %s, want %s", tc.in, wire, tc.want)
		}
		if rewritten := tc.in != tc.want; rewritten != (via != "") {
			t.Errorf("rewrite(%s): via = %q", tc.in, via)
		}
	}
}

func TestClientMirror(t *testing.T) {
	all := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "all:"+r.URL.Path)
	})
	releases := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/missing") {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "releases:"+r.URL.Path)
	})
	c := testClient(Options{Mirrors: []Mirror{
		{From: "https://cloud-images.ubuntu.com/", To: all.URL + "/"},
		{From: "https://cloud-images.ubuntu.com/releases/", To: releases.URL + "/r/"},
	}})

	const from = "https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS"
	resp, err := c.Get(t.Context(), from)
	if err != nil {
		t.Fatal(err)
	}
	if resp.URL != from {
		t.Errorf("Response.URL = %s, want the URL asked for, %s", resp.URL, from)
	}
	if got, want := string(resp.Body), "releases:/r/noble/release-20260705/SHA256SUMS"; got != want {
		t.Errorf("body = %q, want %q (longest prefix wins)", got, want)
	}
	resp, err = c.Get(t.Context(), "https://cloud-images.ubuntu.com/minimal/releases/noble/")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(resp.Body), "all:/minimal/releases/noble/"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}

	_, err = c.Get(t.Context(), "https://cloud-images.ubuntu.com/releases/noble/missing")
	var herr *HTTPError
	if !errors.As(err, &herr) || herr.Status != http.StatusNotFound {
		t.Fatalf("error = %v, want an HTTPError 404", err)
	}
	want := "GET https://cloud-images.ubuntu.com/releases/noble/missing: 404 Not Found (via " + releases.URL + "/r/noble/missing)"
	if err.Error() != want {
		t.Errorf("error text\n got %s\nwant %s", err, want)
	}
}

func TestHTTPErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  HTTPError
		want string
	}{
		{HTTPError{Method: "GET", URL: "https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS", Status: 503},
			"GET https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS: 503 Service Unavailable"},
		{HTTPError{Method: "HEAD", URL: "https://a.example/x", Status: 599, Via: "http://127.0.0.1:4321/x"},
			"HEAD https://a.example/x: 599 (via http://127.0.0.1:4321/x)"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestClientRetries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		statuses   []int // answer per request; the last one repeats
		retries    int
		wantStatus int // 0 = success
		wantReqs   int
		wantRetry  int64
	}{
		{"500 twice then 200", []int{500, 500, 200}, 0, 0, 3, 2},
		{"503 forever", []int{503}, 2, 503, 3, 2},
		{"503 forever, default retries", []int{503}, 0, 503, 4, 3},
		{"no retries", []int{503}, -1, 503, 1, 0},
		{"404 is not retried", []int{404}, 3, 404, 1, 0},
		{"403 is not retried", []int{403}, 3, 403, 1, 0},
		{"429 is retried", []int{429, 200}, 3, 0, 2, 1},
		{"502 then 404", []int{502, 404}, 3, 404, 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				w.WriteHeader(tc.statuses[min(i, len(tc.statuses)-1)])
				fmt.Fprint(w, "answer")
			})
			c := testClient(Options{Retries: tc.retries})
			resp, err := c.Get(t.Context(), srv.URL+"/SHA256SUMS")
			if tc.wantStatus == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if string(resp.Body) != "answer" || resp.Status != 200 {
					t.Errorf("got %d %q", resp.Status, resp.Body)
				}
			} else {
				var herr *HTTPError
				if !errors.As(err, &herr) || herr.Status != tc.wantStatus {
					t.Fatalf("error = %v, want HTTPError %d", err, tc.wantStatus)
				}
				if herr.Method != "GET" || herr.URL != srv.URL+"/SHA256SUMS" || herr.Via != "" {
					t.Errorf("HTTPError = %+v", herr)
				}
			}
			if got := srv.Count(); got != tc.wantReqs {
				t.Errorf("server saw %d requests, want %d", got, tc.wantReqs)
			}
			st := c.Stats()
			if st.Requests != int64(tc.wantReqs) || st.Retries != tc.wantRetry {
				t.Errorf("Stats = %+v, want %d requests and %d retries", st, tc.wantReqs, tc.wantRetry)
			}
		})
	}
}

// waits records the back-off the client asks for instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func TestClientHonoursRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         time.Duration
	}{
		{"seconds", "2", 2 * time.Second},
		{"zero", "0", 0},
		{"capped", "3600", maxBackoff},
		{"http date", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), maxBackoff},
		{"date in the past", "Wed, 21 Oct 2015 07:28:00 GMT", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					w.Header().Set("Retry-After", tc.header)
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				fmt.Fprint(w, "ok")
			})
			c := testClient(Options{})
			var rec waits
			c.sleep = rec.sleep
			if _, err := c.Get(t.Context(), srv.URL+"/x"); err != nil {
				t.Fatal(err)
			}
			if len(rec.d) != 1 || rec.d[0] != tc.want {
				t.Errorf("waited %v, want [%v]", rec.d, tc.want)
			}
			if srv.Count() != 2 {
				t.Errorf("server saw %d requests, want 2", srv.Count())
			}
		})
	}
}

func TestClientBackoffDoublesWithJitter(t *testing.T) {
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := NewClient(Options{Backoff: 3 * time.Second, Retries: 4})
	var rec waits
	c.sleep = rec.sleep
	if _, err := c.Get(t.Context(), srv.URL+"/x"); err == nil {
		t.Fatal("want an error")
	}
	// Nominal waits 3s, 6s, 10s (capped), 10s; each jittered into [d/2, d].
	nominal := []time.Duration{3 * time.Second, 6 * time.Second, maxBackoff, maxBackoff}
	if len(rec.d) != len(nominal) {
		t.Fatalf("waited %v, want %d waits", rec.d, len(nominal))
	}
	for i, d := range rec.d {
		if d < nominal[i]/2 || d > nominal[i] {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, nominal[i]/2, nominal[i])
		}
	}
}

func TestClientCancelAbortsBackoff(t *testing.T) {
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := NewClient(Options{Backoff: time.Hour, Retries: 3})
	c.maxWait = time.Hour // a back-off that ignored ctx would hang the test
	ctx, cancel := context.WithCancel(t.Context())
	c.sleep = func(ctx context.Context, d time.Duration) error {
		cancel() // the run is cancelled while the client waits to retry
		return sleepCtx(ctx, d)
	}
	_, err := c.Get(ctx, srv.URL+"/x")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	var herr *HTTPError
	if !errors.As(err, &herr) || herr.Status != 503 {
		t.Errorf("error = %v, want it to keep the 503 that caused the wait", err)
	}
	if !strings.HasPrefix(err.Error(), "GET "+srv.URL+"/x: ") {
		t.Errorf("error %q does not name the request", err)
	}
	if srv.Count() != 1 {
		t.Errorf("server saw %d requests, want 1", srv.Count())
	}
}

func TestClientTimesOutStalledBody(t *testing.T) {
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the client hangs up when its attempt times out
	})
	c := testClient(Options{Timeout: 50 * time.Millisecond, Retries: 1})
	_, err := c.Get(t.Context(), srv.URL+"/stalled")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want context.DeadlineExceeded", err)
	}
	if !strings.HasPrefix(err.Error(), "GET "+srv.URL+"/stalled: ") || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("error text %q", err)
	}
	// The attempts are counted where they start, in the client: on a busy
	// machine an attempt can time out before the server has read it.
	if st := c.Stats(); st.Requests != 2 || st.Retries != 1 {
		t.Errorf("Stats = %+v, want 2 attempts (timeouts are retried)", st)
	}
	if srv.Count() > 2 {
		t.Errorf("server saw %d requests, want at most 2", srv.Count())
	}
}

// expiringCtx is a parent context whose deadline passes when expire is
// called, so that a test decides when the run's time is up: once the server
// holds the request, not after a guess at how long getting there takes.
type expiringCtx struct {
	context.Context // values only; it has no deadline or cancellation
	done            chan struct{}
	once            sync.Once
}

func newExpiringCtx() *expiringCtx {
	return &expiringCtx{Context: context.Background(), done: make(chan struct{})}
}

func (c *expiringCtx) expire()                     { c.once.Do(func() { close(c.done) }) }
func (c *expiringCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *expiringCtx) Done() <-chan struct{}       { return c.done }

func (c *expiringCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func TestClientParentDeadlineIsNotRetried(t *testing.T) {
	ctx := newExpiringCtx()
	t.Cleanup(ctx.expire)
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		ctx.expire() // the run's deadline passes while the server holds the request
		<-r.Context().Done()
	})
	c := testClient(Options{Retries: 3})
	_, err := c.Get(ctx, srv.URL+"/slow")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want context.DeadlineExceeded", err)
	}
	if srv.Count() != 1 {
		t.Errorf("server saw %d requests, want 1", srv.Count())
	}
	if st := c.Stats(); st.Requests != 1 || st.Retries != 0 {
		t.Errorf("Stats = %+v, want 1 attempt and no retry", st)
	}
}

func TestClientRedirects(t *testing.T) {
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/old":
			http.Redirect(w, r, "/new", http.StatusFound)
		case p == "/new":
			fmt.Fprint(w, "new")
		case p == "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case p == "/ping":
			http.Redirect(w, r, "/pong", http.StatusMovedPermanently)
		case p == "/pong":
			http.Redirect(w, r, "/ping", http.StatusMovedPermanently)
		case strings.HasPrefix(p, "/chain/"):
			i, _ := strconv.Atoi(strings.TrimPrefix(p, "/chain/"))
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", i+1), http.StatusFound)
		case p == "/ftp":
			http.Redirect(w, r, "ftp://example.invalid/x", http.StatusFound)
		}
	})
	c := testClient(Options{MaxRedirects: 3})

	resp, err := c.Get(t.Context(), srv.URL+"/old")
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "new" || resp.URL != srv.URL+"/old" {
		t.Errorf("got %q from %s", resp.Body, resp.URL)
	}

	for _, tc := range []struct {
		path, wantErr string
		wantReqs      int
	}{
		{"/loop", "redirect loop", 1},
		{"/ping", "redirect loop", 2},
		{"/chain/0", "more than 3 redirects", 4},
		{"/ftp", `unsupported scheme "ftp"`, 1},
	} {
		before := srv.Count()
		_, err := c.Get(t.Context(), srv.URL+tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("GET %s: error = %v, want %q", tc.path, err, tc.wantErr)
			continue
		}
		if !strings.HasPrefix(err.Error(), "GET "+srv.URL+tc.path+": ") {
			t.Errorf("error %q does not start with the request", err)
		}
		if got := srv.Count() - before; got != tc.wantReqs {
			t.Errorf("GET %s: server saw %d requests, want %d (redirect errors are not retried)", tc.path, got, tc.wantReqs)
		}
	}
}

func TestClientBodyCap(t *testing.T) {
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		body := bytes.Repeat([]byte("x"), size)
		if r.URL.Query().Get("chunked") != "" {
			// Flushing before the end makes the server use chunked encoding,
			// so the client cannot know the size in advance.
			w.Write(body[:1])
			w.(http.Flusher).Flush()
			w.Write(body[1:])
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(size))
		w.Write(body)
	})
	c := testClient(Options{MaxBody: 10})
	for _, tc := range []struct {
		query  string
		tooBig bool
	}{
		{"size=10", false},
		{"size=10&chunked=1", false},
		{"size=11", true},
		{"size=11&chunked=1", true},
		{"size=100000&chunked=1", true},
	} {
		before := srv.Count()
		resp, err := c.Get(t.Context(), srv.URL+"/f?"+tc.query)
		switch {
		case tc.tooBig && (err == nil || !strings.Contains(err.Error(), "body exceeds 10 bytes")):
			t.Errorf("%s: error = %v, want body exceeds 10 bytes", tc.query, err)
		case !tc.tooBig && err != nil:
			t.Errorf("%s: %v", tc.query, err)
		case !tc.tooBig && (len(resp.Body) != 10 || resp.ContentLength != 10):
			t.Errorf("%s: got %d bytes, ContentLength %d", tc.query, len(resp.Body), resp.ContentLength)
		}
		if got := srv.Count() - before; got != 1 {
			t.Errorf("%s: server saw %d requests, want 1", tc.query, got)
		}
	}
}

// truncate declares a 100-byte body, sends 10 bytes and drops the connection.
func truncate(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "100")
	w.Write(bytes.Repeat([]byte("x"), 10))
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}

func TestClientTruncatedBody(t *testing.T) {
	t.Run("always", func(t *testing.T) {
		srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) { truncate(w) })
		c := testClient(Options{Retries: 2})
		_, err := c.Get(t.Context(), srv.URL+"/cut")
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("error = %v, want io.ErrUnexpectedEOF", err)
		}
		if !strings.HasPrefix(err.Error(), "GET "+srv.URL+"/cut: ") {
			t.Errorf("error text %q", err)
		}
		if srv.Count() != 3 {
			t.Errorf("server saw %d requests, want 3", srv.Count())
		}
	})
	t.Run("once", func(t *testing.T) {
		var n atomic.Int32
		srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				truncate(w)
			}
			w.Write(bytes.Repeat([]byte("y"), 100))
		})
		c := testClient(Options{})
		resp, err := c.Get(t.Context(), srv.URL+"/cut")
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Body) != 100 || resp.Body[0] != 'y' {
			t.Errorf("got %q", resp.Body)
		}
		if srv.Count() != 2 {
			t.Errorf("server saw %d requests, want 2", srv.Count())
		}
	})
}

func TestClientConnectionDropped(t *testing.T) {
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	})
	c := testClient(Options{Retries: 1})
	_, err := c.Get(t.Context(), srv.URL+"/reset")
	if err == nil || !strings.HasPrefix(err.Error(), "GET "+srv.URL+"/reset: ") {
		t.Fatalf("error = %v", err)
	}
	if srv.Count() < 2 {
		t.Errorf("server saw %d requests, want the drop retried", srv.Count())
	}
}

func TestClientSharesOneRequest(t *testing.T) {
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "SHA256SUMS for "+r.Method)
	})
	c := testClient(Options{})

	for _, path := range []string{"/SHA256SUMS", "/missing"} {
		var wg sync.WaitGroup
		bodies := make([]string, 20)
		errs := make([]error, 20)
		for i := range 20 {
			wg.Go(func() {
				resp, err := c.Get(t.Context(), srv.URL+path)
				errs[i] = err
				if err == nil {
					bodies[i] = string(resp.Body)
				}
			})
		}
		wg.Wait()
		for i := range 20 {
			if path == "/missing" {
				var herr *HTTPError
				if !errors.As(errs[i], &herr) || herr.Status != 404 {
					t.Errorf("caller %d: error = %v, want the shared 404", i, errs[i])
				}
				continue
			}
			if errs[i] != nil || bodies[i] != "SHA256SUMS for GET" {
				t.Errorf("caller %d: %q, %v", i, bodies[i], errs[i])
			}
		}
	}
	// Later calls are answered from memory, HEAD separately from GET.
	if _, err := c.Get(t.Context(), srv.URL+"/SHA256SUMS"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		resp, err := c.Head(t.Context(), srv.URL+"/SHA256SUMS")
		if err != nil {
			t.Fatal(err)
		}
		if resp.Body != nil || resp.ContentLength != int64(len("SHA256SUMS for HEAD")) {
			t.Errorf("HEAD: body %q, ContentLength %d", resp.Body, resp.ContentLength)
		}
	}
	want := []string{"GET /SHA256SUMS", "GET /missing", "HEAD /SHA256SUMS"}
	if got := srv.Seen(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("requests on the wire = %v, want %v", got, want)
	}
	if st := c.Stats(); st.Requests != 3 || st.Gets != 2 || st.Heads != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

// A caller that gives up must not leave its cancellation behind as the
// remembered answer for everyone else.
func TestClientCancelledLeaderDoesNotPoison(t *testing.T) {
	first := make(chan struct{})
	var n atomic.Int32
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			close(first)
			<-r.Context().Done()
			return
		}
		fmt.Fprint(w, "ok")
	})
	c := testClient(Options{})
	leaderCtx, cancelLeader := context.WithCancel(t.Context())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := c.Get(leaderCtx, srv.URL+"/x")
		leaderErr <- err
	}()
	<-first
	followerResp := make(chan *Response, 1)
	go func() {
		resp, err := c.Get(t.Context(), srv.URL+"/x")
		if err != nil {
			t.Error(err)
		}
		followerResp <- resp
	}()
	cancelLeader()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Errorf("leader error = %v, want context.Canceled", err)
	}
	if resp := <-followerResp; resp == nil || string(resp.Body) != "ok" {
		t.Errorf("follower got %+v", resp)
	}
	if resp, err := c.Get(t.Context(), srv.URL+"/x"); err != nil || string(resp.Body) != "ok" {
		t.Errorf("later call: %v", err)
	}
	if srv.Count() != 2 {
		t.Errorf("server saw %d requests, want 2", srv.Count())
	}
}

func TestClientPerHostLimit(t *testing.T) {
	var inFlight, maxInFlight atomic.Int32
	twoIn := make(chan struct{})
	var once sync.Once
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		if n == 2 {
			once.Do(func() { close(twoIn) })
		}
		// Hold every request until two ran at once, and a moment longer, so
		// that a client ignoring the limit piles up more than two here.
		select {
		case <-twoIn:
		case <-r.Context().Done():
		}
		time.Sleep(5 * time.Millisecond)
	})
	c := testClient(Options{PerHost: 2})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := c.Get(t.Context(), fmt.Sprintf("%s/file%d", srv.URL, i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := maxInFlight.Load(); got != 2 {
		t.Errorf("server saw up to %d requests at once, want 2", got)
	}
	if srv.Count() != 8 {
		t.Errorf("server saw %d requests, want 8", srv.Count())
	}
}

func TestClientPerHostLimitIsPerHost(t *testing.T) {
	aArrived, bArrived := make(chan struct{}), make(chan struct{})
	b := recorder.New(t, func(w http.ResponseWriter, r *http.Request) { close(bArrived) })
	a := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		close(aArrived)
		// With one global slot, B's request could never start while A waits.
		select {
		case <-bArrived:
		case <-time.After(10 * time.Second):
			t.Error("request to host B was held back by a request to host A")
		}
	})
	c := testClient(Options{PerHost: 1})
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := c.Get(t.Context(), a.URL+"/x"); err != nil {
			t.Error(err)
		}
	})
	<-aArrived
	if _, err := c.Get(t.Context(), b.URL+"/x"); err != nil {
		t.Error(err)
	}
	wg.Wait()
	st := c.Stats()
	if len(st.PerHost) != 2 || st.PerHost[strings.TrimPrefix(a.URL, "http://")] != 1 {
		t.Errorf("Stats.PerHost = %v", st.PerHost)
	}
}

func TestClientLastModified(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   time.Time
	}{
		{"Sat, 05 Jul 2026 13:11:00 GMT", time.Date(2026, 7, 5, 13, 11, 0, 0, time.UTC)},
		{"Saturday, 05-Jul-26 13:11:00 GMT", time.Date(2026, 7, 5, 13, 11, 0, 0, time.UTC)},
		{"", time.Time{}},
		{"yesterday", time.Time{}},
	} {
		srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
			if tc.header != "" {
				w.Header().Set("Last-Modified", tc.header)
			}
			fmt.Fprint(w, "body")
		})
		c := testClient(Options{})
		for _, fetch := range []func(context.Context, string) (*Response, error){c.Get, c.Head} {
			resp, err := fetch(t.Context(), srv.URL+"/f")
			if err != nil {
				t.Fatal(err)
			}
			if !resp.LastModified.Equal(tc.want) {
				t.Errorf("Last-Modified %q: got %v, want %v", tc.header, resp.LastModified, tc.want)
			}
			if resp.ContentLength != 4 {
				t.Errorf("ContentLength = %d, want 4", resp.ContentLength)
			}
		}
	}
}

func TestClientRejectsURLs(t *testing.T) {
	c := testClient(Options{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("request sent for %s", r.URL.Redacted())
		return nil, errors.New("unexpected")
	})})
	for _, tc := range []struct{ url, want string }{
		{"ftp://mirror.example/x", `unsupported scheme "ftp"`},
		{"/releases/noble/", "unsupported scheme"},
		{"https://user:s3cr3t@mirror.example/x", "must not contain credentials"},
		{"", "empty URL"},
		{"http://[::1", "not a URL"},
	} {
		_, err := c.Get(t.Context(), tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "GET ") {
			t.Errorf("Get(%q) error = %v, want %q", tc.url, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestClientStatsAndLog(t *testing.T) {
	srv := recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/flaky" && len(r.URL.Query()) == 0 {
			http.Redirect(w, r, "/flaky?moved=1", http.StatusFound)
			return
		}
		fmt.Fprint(w, "0123456789")
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := testClient(Options{Logger: logger, Mirrors: []Mirror{{From: "https://mirror.example/", To: srv.URL + "/"}}})
	if _, err := c.Get(t.Context(), "https://mirror.example/flaky"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Head(t.Context(), "https://mirror.example/a"); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	host := strings.TrimPrefix(srv.URL, "http://")
	if st.Requests != 3 || st.Gets != 2 || st.Heads != 1 || st.Bytes < 10 || st.PerHost[host] != 3 {
		t.Errorf("Stats = %+v", st)
	}
	for _, want := range []string{"method=GET url=https://mirror.example/flaky", "via=" + srv.URL + "/flaky", "status=200", "method=HEAD"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// The client against the test mirror, reached through a --mirror rewrite as
// in the end-to-end tests: each fault either recovers within the retries or
// fails with an error that names the upstream URL.
func TestClientAgainstMirrorFaults(t *testing.T) {
	const upstream = "https://cloud-images.ubuntu.com"
	mod := time.Date(2026, 7, 5, 13, 11, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		fault    mirror.Fault
		path     string
		wantErr  string // "" = success
		wantReqs int    // attempts, each one request on the wire
	}{
		{"no fault", mirror.Fault{}, "/SHA256SUMS", "", 1},
		{"503 twice", mirror.Fault{Status: 503, Times: 2}, "/SHA256SUMS", "", 3},
		{"429 with Retry-After", mirror.Fault{Status: 429, Times: 1, Header: http.Header{"Retry-After": {"0"}}}, "/SHA256SUMS", "", 2},
		{"truncated once", mirror.Fault{Truncate: 5, Times: 1}, "/SHA256SUMS", "", 2},
		{"reset once", mirror.Fault{CloseConnection: true, Times: 1}, "/SHA256SUMS", "", 2},
		{"503 forever", mirror.Fault{Status: 503}, "/SHA256SUMS", "503 Service Unavailable (via ", 4},
		{"404", mirror.Fault{Status: 404}, "/SHA256SUMS", "404 Not Found (via ", 1},
		{"stalled", mirror.Fault{Stall: time.Hour}, "/SHA256SUMS", "timed out", 4},
		{"redirect loop", mirror.Fault{RedirectLoop: true}, "/releases/noble/", "redirect loop", 1},
		{"huge body", mirror.Fault{Body: bytes.Repeat([]byte("<html>"), 1<<20)}, "/SHA256SUMS", "body exceeds 65536 bytes", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mirror.New(t)
			m.File("/releases/noble/release-20260705/SHA256SUMS", []byte("sums\n"), mod)
			m.File("/SHA256SUMS", []byte("0123456789abcdef\n"), mod)
			m.Fault(tc.path, tc.fault)
			// A stall is the one fault that must time out; every other case
			// ends on the mirror's answer, so it gets the default timeout, far
			// beyond any answer's time on a busy machine.
			var timeout time.Duration
			if tc.fault.Stall > 0 {
				timeout = 50 * time.Millisecond
			}
			c := testClient(Options{
				Timeout: timeout,
				MaxBody: 64 << 10,
				Mirrors: []Mirror{{From: upstream + "/", To: m.URL + "/"}},
			})
			resp, err := c.Get(t.Context(), upstream+tc.path)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if resp.URL != upstream+tc.path || !resp.LastModified.Equal(mod) {
					t.Errorf("got %s, Last-Modified %v", resp.URL, resp.LastModified)
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "GET "+upstream+tc.path+": ") {
					t.Errorf("error %q does not name the upstream URL first", err)
				}
			}
			if st := c.Stats(); st.Requests != int64(tc.wantReqs) {
				t.Errorf("client made %d requests, want %d", st.Requests, tc.wantReqs)
			}
			got := m.CountPath("GET", tc.path)
			if timeout != 0 {
				// An attempt that timed out may have ended before the mirror
				// read it.
				if got > tc.wantReqs {
					t.Errorf("mirror saw %d requests for %s, want at most %d", got, tc.path, tc.wantReqs)
				}
				return
			}
			if got != tc.wantReqs {
				t.Errorf("mirror saw %d requests for %s, want %d", got, tc.path, tc.wantReqs)
			}
		})
	}
}

func TestClientFollowsDirectoryRedirect(t *testing.T) {
	m := mirror.New(t)
	m.Format("/", mirror.Nginx)
	m.File("/almalinux/9/cloud/x86_64/images/CHECKSUM", []byte("x"), time.Now())
	c := testClient(Options{Mirrors: []Mirror{{From: "https://repo.almalinux.org/", To: m.URL + "/"}}})
	const dir = "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images"
	resp, err := c.Get(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if resp.URL != dir || !bytes.Contains(resp.Body, []byte(`<a href="CHECKSUM">CHECKSUM</a>`)) {
		t.Errorf("got %s:\n%s", resp.URL, resp.Body)
	}
	if got := m.Requests(); len(got) != 2 || got[1].Path != "/almalinux/9/cloud/x86_64/images/" {
		t.Errorf("mirror saw %v", got)
	}
}

// BenchmarkClientCrawl fetches 64 files from a mirror that answers each after
// 2ms, as a crawl of one distribution does: it measures how well the per-host
// concurrency and connection reuse hide latency.
func BenchmarkClientCrawl(b *testing.B) {
	m := mirror.New(b)
	mod := time.Now()
	for i := range 64 {
		m.File(fmt.Sprintf("/images/%d/SHA256SUMS", i), bytes.Repeat([]byte("x"), 4096), mod)
	}
	m.Latency(2 * time.Millisecond)
	for b.Loop() {
		c := NewClient(Options{Mirrors: []Mirror{{From: "https://mirror.example/", To: m.URL + "/"}}})
		var wg sync.WaitGroup
		for i := range 64 {
			wg.Go(func() {
				if _, err := c.Get(b.Context(), fmt.Sprintf("https://mirror.example/images/%d/SHA256SUMS", i)); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
}
