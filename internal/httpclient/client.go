// Package httpclient is the one HTTP client every upstream request goes
// through: timeouts, body caps, bounded retries with back-off, the redirect
// policy, --mirror rewriting, a per-host limit and a per-run cache, so that a
// file several images share is fetched once (docs/security.md,
// docs/reference.md).
package httpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults of Options. The back-off cap is not an option: a crawler that waits
// longer than this per attempt is better off failing the image and trying on the
// next scheduled run.
const (
	defaultUserAgent    = "image-crawler"
	defaultTimeout      = 30 * time.Second
	defaultMaxBody      = 16 << 20
	defaultRetries      = 3
	defaultBackoff      = 500 * time.Millisecond
	defaultMaxRedirects = 5
	defaultPerHost      = 6
	maxBackoff          = 10 * time.Second

	// drainLimit bounds how much of an error page is read just so the
	// connection can be reused; beyond it, closing the connection is cheaper.
	drainLimit = 64 << 10
)

// Mirror rewrites URLs: every URL that starts with From is fetched from To
// instead, with the rest of the URL appended. Catalogs and results keep the
// From URL; only the wire sees To.
type Mirror struct{ From, To string }

// ParseMirror parses the FROM=TO form of the --mirror flag. Both sides must be
// absolute http or https URLs without credentials, query or fragment.
func ParseMirror(s string) (Mirror, error) {
	from, to, ok := strings.Cut(s, "=")
	if !ok {
		return Mirror{}, fmt.Errorf("mirror %q: want FROM=TO, e.g. https://cloud-images.ubuntu.com/=http://127.0.0.1:8080/ubuntu/", redactURL(s))
	}
	if err := checkMirrorURL(from); err != nil {
		return Mirror{}, fmt.Errorf("mirror %s=%s: FROM: %w", redactURL(from), redactURL(to), err)
	}
	if err := checkMirrorURL(to); err != nil {
		return Mirror{}, fmt.Errorf("mirror %s=%s: TO: %w", redactURL(from), redactURL(to), err)
	}
	return Mirror{From: from, To: to}, nil
}

func checkMirrorURL(raw string) error {
	u, err := parseFetchURL(raw)
	if err != nil {
		return err
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return errors.New("a URL prefix cannot have a query or fragment")
	}
	return nil
}

// parseFetchURL accepts the URLs the client may fetch: absolute http(s) with a
// host and no credentials. Credentials are refused rather than used because
// every URL ends up in logs, errors and the catalog.
func parseFetchURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("empty URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL verbatim, credentials included.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("unsupported scheme %q (want http or https)", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("URL has no host")
	}
	if u.User != nil {
		return nil, errors.New("URL must not contain credentials")
	}
	return u, nil
}

// redactURL hides user info so that a rejected URL can be named in an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if strings.Contains(raw, "@") {
			return "<URL with user info>"
		}
		return raw
	}
	return u.Redacted()
}

// Options configure a Client. Zero values mean the documented defaults.
type Options struct {
	UserAgent    string        // sent on every request; default "image-crawler"
	Timeout      time.Duration // per attempt, including reading the body; default 30s
	MaxBody      int64         // cap on a response body; default 16 MiB
	Retries      int           // extra attempts on 5xx, 429, timeouts and connection errors; 0 = default 3, -1 = none
	Backoff      time.Duration // first back-off, doubled per attempt with jitter, capped at 10s; default 500ms
	MaxRedirects int           // default 5; -1 = follow none
	// RedirectHosts are the hosts (URLs, or bare host names) a redirect may
	// lead to besides the host that was asked: the sources file's hosts.
	// The targets of Mirrors and BuiltinRedirectHosts are added. A redirect
	// anywhere else is refused (docs/security.md).
	RedirectHosts []string
	PerHost       int // concurrent requests per host after mirror rewrite; default 6, the connections a web browser opens
	Mirrors       []Mirror
	Transport     http.RoundTripper // nil = a connection-reusing http.Transport
	Logger        *slog.Logger      // debug line per attempt; nil = discard
}

// Response is a successful (2xx) answer. Responses are shared between all
// callers that asked for the same URL: treat them, Body included, as read-only.
type Response struct {
	URL          string    // the URL asked for (before mirror rewrite)
	Status       int       // final status, after redirects
	Body         []byte    // nil for HEAD
	LastModified time.Time // zero if absent or unparsable
	// LastModifiedHeader is the Last-Modified header as sent, so that an
	// unparsable one is told apart from a missing one.
	LastModifiedHeader string
	ContentLength      int64  // HEAD: as announced, -1 if unknown; GET: len(Body)
	ContentType        string // media type of the Content-Type header, lower case, "" if absent
	// Fetched is the URL the body really came from: after --mirror rewriting
	// and redirects. Links in a listing are relative to it.
	Fetched string
}

// HTTPError is a final answer outside 2xx. Callers check Status (404 means
// "not published", anything else a broken upstream).
type HTTPError struct {
	Method, URL string // URL is the one asked for, before mirror rewrite
	Status      int
	Via         string // the URL actually fetched when a mirror rewrote it
}

func (e *HTTPError) Error() string {
	status := strconv.Itoa(e.Status)
	if text := http.StatusText(e.Status); text != "" {
		status += " " + text
	}
	return e.Method + " " + e.URL + ": " + status + viaSuffix(e.Via)
}

func viaSuffix(via string) string {
	if via == "" {
		return ""
	}
	return " (via " + via + ")"
}

// Stats counts what went over the wire: every attempt and every redirect hop is
// a request; cached and shared answers are not.
type Stats struct {
	Requests, Gets, Heads, Retries int64
	Bytes                          int64            // response body bytes read
	PerHost                        map[string]int64 // requests per host:port
}

// Client is the one HTTP client for every upstream request. It is safe for
// concurrent use, and remembers every answer for its lifetime (one run), so
// files several images share are fetched once.
type Client struct {
	opts          Options
	redirectHosts map[string]bool // canonical host:port a redirect may lead to
	hc            *http.Client
	mirrors       []Mirror // longest From first
	log           *slog.Logger

	// Seams for tests: how to wait between attempts, and the longest wait.
	sleep   func(ctx context.Context, d time.Duration) error
	maxWait time.Duration

	flight singleflight.Group

	mu   sync.Mutex
	done map[string]fetchResult // "METHOD url" -> remembered answer
	// cached is the body bytes done holds, at most MaxCachedBytes.
	cached int64
	slots  map[string]chan struct{} // host -> semaphore of PerHost
	stats  Stats
}

type fetchResult struct {
	resp *Response
	err  error
}

// NewClient returns a Client with o's defaults filled in.
func NewClient(o Options) *Client {
	if o.UserAgent == "" {
		o.UserAgent = defaultUserAgent
	}
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = defaultMaxBody
	}
	switch {
	case o.Retries == 0:
		o.Retries = defaultRetries
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.Backoff <= 0 {
		o.Backoff = defaultBackoff
	}
	switch {
	case o.MaxRedirects == 0:
		o.MaxRedirects = defaultMaxRedirects
	case o.MaxRedirects < 0:
		o.MaxRedirects = 0
	}
	if o.PerHost <= 0 {
		o.PerHost = defaultPerHost
	}
	if o.Transport == nil {
		o.Transport = newTransport(o.PerHost)
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	c := &Client{
		redirectHosts: redirectHosts(o),
		opts:          o,
		mirrors:       normalizeMirrors(o.Mirrors),
		log:           log,
		sleep:         sleepCtx,
		maxWait:       maxBackoff,
		done:          make(map[string]fetchResult),
		slots:         make(map[string]chan struct{}),
		stats:         Stats{PerHost: make(map[string]int64)},
	}
	c.hc = &http.Client{
		Transport:     &countingTransport{next: o.Transport, c: c},
		CheckRedirect: c.checkRedirect,
	}
	return c
}

// newTransport keeps as many idle connections per host as requests may run
// there at once, so a crawl of one mirror reuses its connections instead of
// paying a TLS handshake per file.
func newTransport(perHost int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = perHost
	t.IdleConnTimeout = 90 * time.Second
	return t
}

// normalizeMirrors sorts longest From first (the most specific rule wins) and
// aligns trailing slashes, so that plain concatenation of To and the rest of
// the URL never doubles or drops a slash.
func normalizeMirrors(in []Mirror) []Mirror {
	out := make([]Mirror, 0, len(in))
	for _, m := range in {
		fromSlash := strings.HasSuffix(m.From, "/")
		toSlash := strings.HasSuffix(m.To, "/")
		switch {
		case fromSlash && !toSlash:
			m.To += "/"
		case !fromSlash && toSlash:
			m.To = strings.TrimRight(m.To, "/")
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b Mirror) int { return len(b.From) - len(a.From) })
	return out
}

// rewrite returns the URL to put on the wire and, when a mirror applied, the
// same URL as via for messages. A From without a trailing slash only matches
// at a path boundary, so https://a.org never captures https://a.org.evil/.
func (c *Client) rewrite(from string) (wire, via string) {
	for _, m := range c.mirrors {
		rest, ok := strings.CutPrefix(from, m.From)
		if !ok {
			continue
		}
		if !strings.HasSuffix(m.From, "/") && rest != "" && rest[0] != '/' && rest[0] != '?' {
			continue
		}
		return m.To + rest, m.To + rest
	}
	return from, ""
}

// Get fetches url. Concurrent and later calls for the same URL share one
// request and its outcome, error or not, for the lifetime of the Client.
func (c *Client) Get(ctx context.Context, url string) (*Response, error) {
	return c.shared(ctx, http.MethodGet, url)
}

// Head is Get without a body, remembered separately from Get.
func (c *Client) Head(ctx context.Context, url string) (*Response, error) {
	return c.shared(ctx, http.MethodHead, url)
}

type flightOutcome struct {
	fetchResult
	remembered bool
}

func (c *Client) shared(ctx context.Context, method, from string) (*Response, error) {
	key := method + " " + from
	for {
		c.mu.Lock()
		r, ok := c.done[key]
		c.mu.Unlock()
		if ok {
			return copyResponse(r.resp), r.err
		}
		led := make(chan struct{})
		ch := c.flight.DoChan(key, func() (any, error) {
			close(led)
			// Another flight may have finished between the look-up above
			// and this one starting: its answer is remembered by now.
			c.mu.Lock()
			r, ok := c.done[key]
			c.mu.Unlock()
			if ok {
				return flightOutcome{fetchResult: r, remembered: true}, nil
			}
			resp, err := c.fetch(ctx, method, from)
			out := flightOutcome{fetchResult: fetchResult{resp, err}}
			// A failure caused by the calling context going away says nothing
			// about the URL; remembering it would fail every later caller.
			if err == nil || ctx.Err() == nil {
				c.mu.Lock()
				// Bodies are remembered up to MaxCachedBytes in all; past
				// that an answer is shared with the callers waiting for it
				// but asked for again later, so a mirror serving many big
				// files cannot fill the memory (docs/security.md).
				if size := bodySize(resp); c.cached+size <= MaxCachedBytes {
					c.cached += size
					c.done[key] = out.fetchResult
				}
				c.mu.Unlock()
				out.remembered = true
			}
			return out, nil
		})
		var res singleflight.Result
		select {
		case <-ctx.Done():
			select {
			case <-led:
				// Our own fetch runs on ctx and ends promptly; its error
				// says more (what we were waiting for) than ctx's alone.
				res = <-ch
			default:
				return nil, fmt.Errorf("%s %s: %w", method, redactURL(from), context.Cause(ctx))
			}
		case res = <-ch:
		}
		out := res.Val.(flightOutcome)
		if !out.remembered && ctx.Err() == nil {
			// Another caller led this request and gave up; ask again with
			// our own, still valid, context.
			continue
		}
		return copyResponse(out.resp), out.err
	}
}

// MaxCachedBytes bounds the response bodies a Client remembers for its
// lifetime (one run).
const MaxCachedBytes = 64 << 20

func bodySize(r *Response) int64 {
	if r == nil {
		return 0
	}
	return int64(len(r.Body))
}

// copyResponse hands every caller its own struct; the body bytes stay shared.
func copyResponse(r *Response) *Response {
	if r == nil {
		return nil
	}
	cp := *r
	return &cp
}

// fetch runs the attempts for one URL.
func (c *Client) fetch(ctx context.Context, method, from string) (*Response, error) {
	if _, err := parseFetchURL(from); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, redactURL(from), err)
	}
	wire, via := c.rewrite(from)
	if via != "" {
		if _, err := parseFetchURL(wire); err != nil {
			return nil, fmt.Errorf("%s %s: mirror: %w%s", method, from, err, viaSuffix(redactURL(via)))
		}
	}
	for attempt := 0; ; attempt++ {
		resp, wait, retry, err := c.attempt(ctx, method, from, wire, via, attempt)
		if err == nil {
			return resp, nil
		}
		if !retry || attempt >= c.opts.Retries || ctx.Err() != nil {
			if retry && attempt > 0 && !isHTTPError(err) {
				return nil, fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
			}
			return nil, err
		}
		wait = c.backoff(attempt, wait)
		c.mu.Lock()
		c.stats.Retries++
		c.mu.Unlock()
		c.log.LogAttrs(ctx, slog.LevelDebug, "retrying upstream request",
			slog.String("method", method), slog.String("url", from),
			slog.Int("attempt", attempt+1), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("%s %s: %w while waiting to retry after: %w", method, from, serr, err)
		}
	}
}

func isHTTPError(err error) bool {
	var herr *HTTPError
	return errors.As(err, &herr)
}

// backoff is the wait before attempt+1: Retry-After when the server sent one
// (retryAfter >= 0), else exponential from Options.Backoff with jitter, so
// parallel crawls do not hammer a recovering mirror in lockstep.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter >= 0 {
		return min(retryAfter, c.maxWait)
	}
	d := c.opts.Backoff
	for i := 0; i < attempt && d < c.maxWait; i++ {
		d *= 2
	}
	d = min(d, c.maxWait)
	return d/2 + rand.N(d/2+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// attempt sends one request (plus its redirects). It reports whether the
// failure is worth retrying and, for 429/503, the server's Retry-After (-1 if
// none).
func (c *Client) attempt(ctx context.Context, method, from, wire, via string, n int) (_ *Response, retryAfter time.Duration, retry bool, _ error) {
	retryAfter = -1
	fail := func(cause error) error {
		return fmt.Errorf("%s %s: %w%s", method, from, cause, viaSuffix(via))
	}

	release, err := c.acquire(ctx, wire)
	if err != nil {
		return nil, retryAfter, false, fail(fmt.Errorf("waiting for a free connection: %w", err))
	}
	defer release()

	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, method, wire, nil)
	if err != nil {
		return nil, retryAfter, false, fail(err)
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)

	start := time.Now()
	logDone := func(status int, size int, err error) {
		attrs := []slog.Attr{
			slog.String("method", method), slog.String("url", from),
			slog.Int("attempt", n+1), slog.Duration("took", time.Since(start)),
		}
		if via != "" {
			attrs = append(attrs, slog.String("via", via))
		}
		if status != 0 {
			attrs = append(attrs, slog.Int("status", status), slog.Int("bytes", size))
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "upstream request", attrs...)
	}

	resp, err := c.hc.Do(req)
	if err != nil {
		retry, err = c.classify(ctx, actx, err, wire)
		logDone(0, 0, err)
		return nil, retryAfter, retry, fail(err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
		logDone(resp.StatusCode, 0, nil)
		retry = resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		if retry {
			retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
		return nil, retryAfter, retry, &HTTPError{Method: method, URL: from, Status: resp.StatusCode, Via: via}
	}

	out := &Response{
		URL:           from,
		Status:        resp.StatusCode,
		ContentLength: resp.ContentLength,
	}
	if resp.Request != nil && resp.Request.URL != nil {
		out.Fetched = resp.Request.URL.String()
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			out.ContentType = mt
		}
	}
	if lm := resp.Header.Get("Last-Modified"); lm != "" {
		out.LastModifiedHeader = lm
		if t, err := http.ParseTime(lm); err == nil {
			out.LastModified = t
		}
	}
	if method == http.MethodHead {
		logDone(resp.StatusCode, 0, nil)
		return out, retryAfter, false, nil
	}

	tooBig := fmt.Errorf("body exceeds %d bytes", c.opts.MaxBody)
	if resp.ContentLength > c.opts.MaxBody {
		logDone(resp.StatusCode, 0, tooBig)
		return nil, retryAfter, false, fail(tooBig)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if err != nil {
		retry, err = c.classify(ctx, actx, fmt.Errorf("reading body: %w", err), wire)
		logDone(resp.StatusCode, len(body), err)
		return nil, retryAfter, retry, fail(err)
	}
	if int64(len(body)) > c.opts.MaxBody {
		logDone(resp.StatusCode, len(body), tooBig)
		return nil, retryAfter, false, fail(tooBig)
	}
	logDone(resp.StatusCode, len(body), nil)
	out.Body = body
	out.ContentLength = int64(len(body))
	return out, retryAfter, false, nil
}

// classify decides whether a transport failure is worth another attempt and
// gives it a message that does not repeat the URL.
func (c *Client) classify(ctx, actx context.Context, err error, wire string) (retry bool, _ error) {
	// net/http wraps failures in url.Error, which names the wire URL; we name
	// the From URL ourselves. Keep it when a redirect moved elsewhere.
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.URL == wire {
		err = uerr.Err
	}
	switch {
	case ctx.Err() != nil:
		// The caller gave up: not an upstream fault, never retried.
		if cause := context.Cause(ctx); !errors.Is(err, cause) {
			err = fmt.Errorf("%w (%v)", cause, err)
		}
		return false, err
	case actx.Err() != nil:
		return true, fmt.Errorf("timed out after %s: %w", c.opts.Timeout, context.DeadlineExceeded)
	}
	var rerr *redirectError
	var cerr *tls.CertificateVerificationError
	if errors.As(err, &rerr) || errors.As(err, &cerr) {
		return false, err
	}
	// A name that does not resolve (offline, a typo in --mirror) resolves
	// no better a second later: retrying only multiplies the waiting.
	var derr *net.DNSError
	if errors.As(err, &derr) && !derr.IsTimeout {
		return false, err
	}
	// Connection refused or reset, EOF before the headers, a body cut short
	// (io.ErrUnexpectedEOF): all look like a mirror having a bad moment.
	return true, err
}

// parseRetryAfter reads delay-seconds or an HTTP date; -1 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return -1
		}
		if secs > int64(24*time.Hour/time.Second) {
			return 24 * time.Hour
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}

// acquire takes one of PerHost slots for the wire URL's host. The slot is held
// for the whole attempt, redirects included: a mirror's redirector counts
// against the host that was asked.
func (c *Client) acquire(ctx context.Context, wire string) (release func(), _ error) {
	host := wire
	if u, err := url.Parse(wire); err == nil {
		host = strings.ToLower(u.Host)
	}
	c.mu.Lock()
	slot, ok := c.slots[host]
	if !ok {
		slot = make(chan struct{}, c.opts.PerHost)
		c.slots[host] = slot
	}
	c.mu.Unlock()
	select {
	case slot <- struct{}{}:
		return func() { <-slot }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// redirectError is a redirect the client refuses to follow; retrying would
// meet the same redirect again.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	target := req.URL.String()
	for _, v := range via {
		if v.URL.String() == target {
			return &redirectError{fmt.Sprintf("redirect loop: %s redirects back to %s", via[len(via)-1].URL.Redacted(), req.URL.Redacted())}
		}
	}
	if len(via) > c.opts.MaxRedirects {
		return &redirectError{fmt.Sprintf("more than %d redirects, last to %s", c.opts.MaxRedirects, req.URL.Redacted())}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &redirectError{fmt.Sprintf("redirect to unsupported scheme %q", req.URL.Scheme)}
	}
	if req.URL.User != nil {
		return &redirectError{fmt.Sprintf("redirect to a URL with credentials: %s", req.URL.Redacted())}
	}
	c.mu.Lock()
	allowed := c.redirectHosts[canonicalHost(req.URL)]
	c.mu.Unlock()
	if from := via[0].URL; canonicalHost(req.URL) != canonicalHost(from) && !allowed && !publicHTTPS(req) {
		return &redirectError{fmt.Sprintf("redirect from %s to another host, %s, refused: a redirect may lead only to the same host, to a host the sources file or --mirror names, or over https to a public address (docs/security.md)", from.Host, req.URL.Host)}
	}
	return nil
}

// publicHTTPS reports whether a redirect leads over https to a host whose
// every address is public. Download services hand files to mirrors the bot
// cannot know in advance (download.opensuse.org's MirrorCache picks one per
// request); what a redirect must never reach is this machine, its network
// or a cloud's metadata service, whose addresses are not public.
func publicHTTPS(req *http.Request) bool {
	if req.URL.Scheme != "https" {
		return false
	}
	host := req.URL.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return publicAddr(ip)
	}
	addrs, err := net.DefaultResolver.LookupNetIP(req.Context(), "ip", host)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return false
		}
	}
	return true
}

// publicAddr is a global unicast address outside the private, loopback,
// link-local (cloud metadata) and shared (carrier-grade NAT) ranges.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsGlobalUnicast() && !a.IsPrivate() && !a.IsLoopback() && !a.IsLinkLocalUnicast() &&
		!sharedRange.Contains(a)
}

// sharedRange is RFC 6598's 100.64.0.0/10, inside providers' networks.
var sharedRange = netip.MustParsePrefix("100.64.0.0/10")

// AllowRedirects adds hosts (URLs, or bare host names) that redirects may
// lead to, as Options.RedirectHosts does: the command line adds the sources
// file's hosts with it.
func (c *Client) AllowRedirects(hosts ...string) {
	more := redirectHosts(Options{RedirectHosts: hosts})
	c.mu.Lock()
	defer c.mu.Unlock()
	for h := range more {
		c.redirectHosts[h] = true
	}
}

// BuiltinRedirectHosts are where the shipped sources' own servers redirect
// to, beyond the hosts the sources file names: CirrOS publishes its images
// as GitHub release assets behind download.cirros-cloud.net.
var BuiltinRedirectHosts = []string{
	"https://github.com/",
	"https://objects.githubusercontent.com/",
	"https://release-assets.githubusercontent.com/",
}

// redirectHosts is the set of hosts redirects may lead to, as canonicalHost
// writes them. A bare host name stands for both http and https.
func redirectHosts(o Options) map[string]bool {
	set := map[string]bool{}
	add := func(s string) {
		if !strings.Contains(s, "://") {
			for _, scheme := range []string{"http://", "https://"} {
				if u, err := url.Parse(scheme + s); err == nil {
					set[canonicalHost(u)] = true
				}
			}
			return
		}
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			set[canonicalHost(u)] = true
		}
	}
	for _, h := range o.RedirectHosts {
		add(h)
	}
	for _, h := range BuiltinRedirectHosts {
		add(h)
	}
	for _, m := range o.Mirrors {
		add(m.To)
	}
	return set
}

// canonicalHost is u's host name in lower case with its port, the scheme's
// default port when none is written: another port is another host.
func canonicalHost(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

// Stats returns a copy of the counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.PerHost = make(map[string]int64, len(c.stats.PerHost))
	for h, n := range c.stats.PerHost {
		s.PerHost[h] = n
	}
	return s
}

// countingTransport sits under redirects, so each hop counts as the request on
// the wire that it is.
type countingTransport struct {
	next http.RoundTripper
	c    *Client
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.c.mu.Lock()
	t.c.stats.Requests++
	switch req.Method {
	case http.MethodGet:
		t.c.stats.Gets++
	case http.MethodHead:
		t.c.stats.Heads++
	}
	t.c.stats.PerHost[strings.ToLower(req.URL.Host)]++
	t.c.mu.Unlock()

	resp, err := t.next.RoundTrip(req)
	if resp != nil && resp.Body != nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, c: t.c}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	c *Client
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.c.mu.Lock()
		b.c.stats.Bytes += int64(n)
		b.c.mu.Unlock()
	}
	return n, err
}
