// Package mirror is a test web server that lays out files the way the
// distribution mirrors image-crawler reads do, and can misbehave on demand.
//
// A Server holds a tree of files (File, BigFile) and directories (implied by
// the files, or explicit with Dir). It answers
//
//   - GET or HEAD of a file with its body, Content-Length and Last-Modified;
//   - GET or HEAD of a directory path ending in "/" with an autoindex page that
//     is byte for byte what Apache FancyIndexing (cloud-images.ubuntu.com,
//     dl.fedoraproject.org), Apache HTMLTable (cloud.debian.org,
//     cloud.centos.org) or nginx autoindex (repo.almalinux.org,
//     dl-cdn.alpinelinux.org) would send: choose per prefix with Format, and
//     scramble the entries with Order to reproduce unsorted listings;
//   - a directory path without the slash with 301 to the slash form, and
//     anything else with 404, in the error-page style of the same server.
//
// Fault makes one exact path fail: an error status (for a number of requests,
// then recovery), stalled or truncated bodies, a substituted body, a redirect
// loop or a dropped connection. Latency delays every request, for benchmarks.
// Requests, Count, CountPath and MaxInFlight tell what clients did.
//
// Every method is safe for concurrent use, so a test may change the tree
// between (or during) crawls. New ties the server to a test; Start and Close
// serve a benchmark command outside tests. Setup mistakes (a relative path, a
// file where a directory is) fail the test with tb.Fatalf, or panic when the
// server was made by Start.
package mirror

import (
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Format is the autoindex flavour of directory listings.
type Format int

const (
	FancyIndex Format = iota // Apache, IndexOptions FancyIndexing (the default)
	HTMLTable                // Apache, FancyIndexing HTMLTable NameWidth=* with a style sheet
	Nginx                    // nginx autoindex on
)

func (f Format) String() string {
	switch f {
	case FancyIndex:
		return "FancyIndex"
	case HTMLTable:
		return "HTMLTable"
	case Nginx:
		return "Nginx"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Order is the order of the entries of a listing.
type Order int

const (
	Sorted   Order = iota // the server's own order: by name; nginx puts directories first
	Reverse               // Sorted, reversed
	Shuffled              // a fixed permutation per directory, the same on every request
)

func (o Order) String() string {
	switch o {
	case Sorted:
		return "Sorted"
	case Reverse:
		return "Reverse"
	case Shuffled:
		return "Shuffled"
	}
	return "Order(" + strconv.Itoa(int(o)) + ")"
}

// Fault is a misbehaviour on one path. Fields combine: Status with Body sends
// that body with that status, Stall or Truncate apply to whatever body is sent.
type Fault struct {
	Status       int           // answer with this status (with the server's error page unless Body is set)
	Times        int           // misbehave for the first Times requests (0 = forever), then serve normally
	Stall        time.Duration // send the headers, then wait this long before the body
	Truncate     int           // send only the first N bytes of the body, announce all of it, then drop the connection
	Body         []byte        // send this body instead (e.g. an HTML page where a checksum file was expected)
	Header       http.Header   // extra response headers, e.g. Retry-After
	RedirectLoop bool          // answer 302 to the path itself
	// CloseConnection drops the connection without an answer, like a reset.
	CloseConnection bool
}

// Request is one request as the server saw it; Path is decoded.
type Request struct{ Method, Path string }

type file struct {
	body []byte
	size int64 // len(body), or the size of a generated BigFile body
	big  bool
	mod  time.Time
}

type faultState struct {
	Fault
	hits int
}

// Server is a running mirror.
type Server struct {
	URL string // base URL, no trailing slash

	srv    *http.Server
	ln     net.Listener
	served chan struct{} // closed when Serve has returned

	// handlers counts answers under way, so that Close returns only once
	// every handler has (as httptest's Close does); handlersMu orders the
	// counter against Close.
	handlersMu sync.Mutex
	handlers   sync.WaitGroup
	stopped    bool
	tb         TB
	closing    chan struct{}
	closeOnce  sync.Once

	mu          sync.Mutex
	files       map[string]file      // "/a/b" -> file
	dirs        map[string]time.Time // explicit directories, "/a/" -> mtime
	formats     map[string]Format    // path prefix -> listing format
	orders      map[string]Order     // path prefix -> listing order
	latency     time.Duration
	faults      map[string]*faultState
	requests    []Request
	inFlight    int
	maxInFlight int
	bytes       int64     // response body bytes sent since the last ResetCounts
	first       time.Time // arrival of the first request since the last ResetCounts
}

// TB is the part of testing.TB the mirror uses. It is declared here, not
// imported, so that product binaries that serve a mirror (cmd/demo,
// cmd/crawlbench) do not link the testing package; *testing.T satisfies it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// New starts a server that is closed when the test ends.
func New(tb TB) *Server {
	tb.Helper()
	s := start(tb)
	tb.Cleanup(s.Close)
	return s
}

// Start starts a server outside a test; call Close when done.
func Start() *Server { return start(nil) }

func start(tb TB) *Server {
	s := &Server{
		tb:      tb,
		closing: make(chan struct{}),
		files:   make(map[string]file),
		dirs:    make(map[string]time.Time),
		formats: make(map[string]Format),
		orders:  make(map[string]Order),
		faults:  make(map[string]*faultState),
	}
	// A loopback listener and a plain http.Server rather than httptest,
	// which registers a command-line flag in every binary that links it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ln, err = net.Listen("tcp6", "[::1]:0")
	}
	if err != nil {
		s.fail("listen on loopback: %v", err)
	}
	s.ln = ln
	s.served = make(chan struct{})
	s.srv = &http.Server{Handler: http.HandlerFunc(s.track), ReadHeaderTimeout: time.Minute}
	s.URL = "http://" + ln.Addr().String()
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s
}

// Close stops the server, cutting short any stalled or delayed answer.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		// Close (not Shutdown): a stalled answer must not hold the test.
		s.handlersMu.Lock()
		s.stopped = true
		s.handlersMu.Unlock()
		s.srv.Close()
		<-s.served
		s.handlers.Wait()
	})
}

func (s *Server) fail(format string, args ...any) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("mirror: "+format, args...)
	}
	panic(fmt.Sprintf("mirror: "+format, args...))
}

// File puts a file at path (e.g. "/releases/noble/release-20260705/SHA256SUMS"),
// replacing any file there; its parent directories are implied.
func (s *Server) File(path string, body []byte, mod time.Time) {
	s.put(path, file{body: slices.Clone(body), size: int64(len(body)), mod: mod})
}

// BigFile puts a file of size bytes whose content is generated when served,
// so that listings and HEAD can show real image sizes without holding them.
func (s *Server) BigFile(path string, size int64, mod time.Time) {
	if size < 0 {
		s.fail("BigFile %s: negative size %d", path, size)
		return
	}
	s.put(path, file{size: size, big: true, mod: mod})
}

func (s *Server) put(p string, f file) {
	if err := s.tryPut(p, f); err != nil {
		s.fail("File %q: %v", p, err)
	}
}

func (s *Server) tryPut(p string, f file) error {
	if err := checkFilePath(p); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for q := strings.TrimSuffix(parentDir(p), "/"); q != ""; q = strings.TrimSuffix(parentDir(q), "/") {
		if _, ok := s.files[q]; ok {
			return fmt.Errorf("%s is a file, not a directory", q)
		}
	}
	if s.isDirLocked(p + "/") {
		return fmt.Errorf("already a directory")
	}
	s.files[p] = f
	return nil
}

// Dir makes a directory (trailing slash optional), empty unless files are put
// below it, listed with mod as its time. Without Dir, a directory's time is
// that of its newest descendant.
func (s *Server) Dir(p string, mod time.Time) {
	if err := s.tryDir(strings.TrimSuffix(p, "/"), mod); err != nil {
		s.fail("Dir %q: %v", p, err)
	}
}

func (s *Server) tryDir(p string, mod time.Time) error {
	if p == "" {
		return fmt.Errorf("the root always exists")
	}
	if err := checkFilePath(p); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for q := p; q != ""; q = strings.TrimSuffix(parentDir(q), "/") {
		if _, ok := s.files[q]; ok {
			return fmt.Errorf("%s is a file", q)
		}
	}
	s.dirs[p+"/"] = mod
	return nil
}

// Remove deletes the file at path, or the directory at path (with or without
// trailing slash) and everything below it. Removing nothing is not an error.
// A directory that existed only because of the files removed goes with them;
// Dir keeps one in place.
func (s *Server) Remove(p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p = strings.TrimSuffix(p, "/")
	delete(s.files, p)
	dir := p + "/"
	for k := range s.files {
		if strings.HasPrefix(k, dir) {
			delete(s.files, k)
		}
	}
	for k := range s.dirs {
		if strings.HasPrefix(k, dir) {
			delete(s.dirs, k)
		}
	}
}

// Format sets the listing format for directories under prefix (a path such as
// "/almalinux/"); the longest matching prefix wins, FancyIndex by default.
// It also decides the style of error pages and the Server header.
func (s *Server) Format(prefix string, f Format) {
	if !strings.HasPrefix(prefix, "/") {
		s.fail("Format %q: prefix must start with /", prefix)
		return
	}
	if f < FancyIndex || f > Nginx {
		s.fail("Format %q: unknown %v", prefix, f)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.formats[prefix] = f
}

// Order sets the order of listings under prefix; the longest matching prefix
// wins, Sorted by default.
func (s *Server) Order(prefix string, o Order) {
	if !strings.HasPrefix(prefix, "/") {
		s.fail("Order %q: prefix must start with /", prefix)
		return
	}
	if o < Sorted || o > Shuffled {
		s.fail("Order %q: unknown %v", prefix, o)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders[prefix] = o
}

// Latency delays every answer by d (0 turns it off).
func (s *Server) Latency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Fault sets the misbehaviour of one exact path (a directory path with its
// trailing slash), replacing any earlier one and restarting its Times count.
// The zero Fault removes it.
func (s *Server) Fault(p string, f Fault) {
	if !strings.HasPrefix(p, "/") {
		s.fail("Fault %q: path must start with /", p)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if isZeroFault(f) {
		delete(s.faults, p)
		return
	}
	f.Body = slices.Clone(f.Body)
	f.Header = f.Header.Clone()
	s.faults[p] = &faultState{Fault: f}
}

func isZeroFault(f Fault) bool {
	return f.Status == 0 && f.Times == 0 && f.Stall == 0 && f.Truncate == 0 && f.Body == nil &&
		len(f.Header) == 0 && !f.RedirectLoop && !f.CloseConnection
}

// Requests returns every request since the start or the last ResetCounts.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count is the number of requests since the start or the last ResetCounts.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// CountPath counts requests for path with method ("" counts every method).
func (s *Server) CountPath(method, p string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Path == p && (method == "" || r.Method == method) {
			n++
		}
	}
	return n
}

// ResetCounts forgets the requests seen so far and restarts MaxInFlight from
// the requests under way now. Faults keep their own counts.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.maxInFlight = s.inFlight
	s.bytes = 0
	s.first = time.Time{}
}

// FirstRequest is when the first request since the start or the last
// ResetCounts arrived (zero when none did): the benchmark's end of start-up.
func (s *Server) FirstRequest() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

// Bytes is how many response body bytes the server sent since the start or
// the last ResetCounts (for the benchmark's traffic figure).
func (s *Server) Bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes
}

// countingWriter counts body bytes; Unwrap keeps http.ResponseController's
// Hijack and Flush working through it.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// MaxInFlight is the most requests the server was answering at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func checkFilePath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("path must start with /")
	case strings.HasSuffix(p, "/"):
		return fmt.Errorf("a file path cannot end with /")
	case path.Clean(p) != p:
		return fmt.Errorf("path is not clean (want %s)", path.Clean(p))
	}
	return nil
}

// parentDir is the directory (with trailing slash) that holds p.
func parentDir(p string) string {
	i := strings.LastIndexByte(strings.TrimSuffix(p, "/"), '/')
	return p[:i+1]
}

// isDirLocked reports whether dir (ending in "/") exists.
func (s *Server) isDirLocked(dir string) bool {
	if dir == "/" {
		return true
	}
	if _, ok := s.dirs[dir]; ok {
		return true
	}
	for k := range s.files {
		if strings.HasPrefix(k, dir) {
			return true
		}
	}
	for k := range s.dirs {
		if strings.HasPrefix(k, dir) {
			return true
		}
	}
	return false
}

// entry is one line of a listing.
type entry struct {
	name string // without trailing slash
	dir  bool
	size int64
	mod  time.Time
}

// listLocked returns the children of dir (ending in "/") in listing order.
func (s *Server) listLocked(dir string, f Format) []entry {
	children := make(map[string]*entry)
	add := func(rest string, fl *file, mod time.Time) {
		name, _, below := strings.Cut(rest, "/")
		e, ok := children[name]
		if !ok {
			e = &entry{name: name, dir: below || fl == nil, size: -1}
			children[name] = e
		}
		if !e.dir {
			e.size, e.mod = fl.size, fl.mod
		} else if mod.After(e.mod) {
			e.mod = mod // a directory is as new as its newest descendant
		}
	}
	for k, fl := range s.files {
		if rest, ok := strings.CutPrefix(k, dir); ok {
			add(rest, &fl, fl.mod)
		}
	}
	for k, mod := range s.dirs {
		if rest, ok := strings.CutPrefix(k, dir); ok && rest != "" {
			add(rest, nil, mod)
		}
	}
	out := make([]entry, 0, len(children))
	for _, e := range children {
		if mod, ok := s.dirs[dir+e.name+"/"]; ok && e.dir {
			e.mod = mod // an explicit time beats the newest descendant
		}
		out = append(out, *e)
	}
	sortEntries(out, f)
	switch longestPrefix(s.orders, dir, Sorted) {
	case Reverse:
		slices.Reverse(out)
	case Shuffled:
		h := fnv.New64a()
		h.Write([]byte(dir))
		rand.New(rand.NewPCG(h.Sum64(), 0x5eed)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out
}

// sortEntries puts entries in the server's default order: Apache sorts by
// name, a directory's name including its slash; nginx lists directories first.
func sortEntries(es []entry, f Format) {
	slices.SortFunc(es, func(a, b entry) int {
		if f == Nginx {
			if a.dir != b.dir {
				if a.dir {
					return -1
				}
				return 1
			}
			return strings.Compare(a.name, b.name)
		}
		return strings.Compare(apacheName(a), apacheName(b))
	})
}

func apacheName(e entry) string {
	if e.dir {
		return e.name + "/"
	}
	return e.name
}

func longestPrefix[T any](m map[string]T, p string, def T) T {
	best, v := -1, def
	for prefix, val := range m {
		if strings.HasPrefix(p, prefix) && len(prefix) > best {
			best, v = len(prefix), val
		}
	}
	return v
}

// answer is a response before it is written.
type answer struct {
	status int
	header http.Header
	size   int64
	body   func() io.Reader
}

func bytesAnswer(status int, contentType string, b []byte) answer {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return answer{status: status, header: h, size: int64(len(b)), body: func() io.Reader { return strings.NewReader(string(b)) }}
}

// errorAnswer is an error page, or a redirect to location.
func errorAnswer(f Format, status int, r *http.Request, location string) answer {
	ct := "text/html; charset=iso-8859-1"
	if f == Nginx {
		ct = "text/html"
	}
	a := bytesAnswer(status, ct, errorPage(f, status, r, location))
	if location != "" {
		a.header.Set("Location", location)
	}
	return a
}

// track runs serve unless the server is closing.
func (s *Server) track(rw http.ResponseWriter, r *http.Request) {
	s.handlersMu.Lock()
	if s.stopped {
		s.handlersMu.Unlock()
		http.Error(rw, "mirror closed", http.StatusServiceUnavailable)
		return
	}
	s.handlers.Add(1)
	s.handlersMu.Unlock()
	defer s.handlers.Done()
	s.serve(rw, r)
}

func (s *Server) serve(rw http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	cw := &countingWriter{ResponseWriter: rw}
	var w http.ResponseWriter = cw
	defer func() {
		s.mu.Lock()
		s.bytes += cw.n
		s.mu.Unlock()
	}()
	arrived := time.Now()
	s.mu.Lock()
	if len(s.requests) == 0 {
		s.first = arrived
	}
	s.requests = append(s.requests, Request{Method: r.Method, Path: p})
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	latency := s.latency
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	if latency > 0 && !s.wait(r, latency) {
		panic(http.ErrAbortHandler) // drop the connection: returning would send an empty 200
	}

	s.mu.Lock()
	format := longestPrefix(s.formats, p, FancyIndex)
	var fault *Fault
	if fs, ok := s.faults[p]; ok && (fs.Times == 0 || fs.hits < fs.Times) {
		fs.hits++
		f := fs.Fault
		fault = &f
	}
	var a answer
	if fault == nil || (fault.Status == 0 && fault.Body == nil) {
		a = s.resolveLocked(r, format)
	}
	s.mu.Unlock()

	w.Header().Set("Server", serverHeader(format))
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		a = errorAnswer(format, http.StatusMethodNotAllowed, r, "")
		a.header.Set("Allow", "GET, HEAD")
		s.write(w, r, a, nil)
		return
	}
	if fault == nil {
		s.write(w, r, a, nil)
		return
	}

	switch {
	case fault.CloseConnection:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	case fault.RedirectLoop:
		a = errorAnswer(format, http.StatusFound, r, r.URL.RequestURI())
	case fault.Body != nil:
		a = bytesAnswer(orDefault(fault.Status, http.StatusOK), "", fault.Body)
	case fault.Status != 0:
		a = errorAnswer(format, fault.Status, r, "")
	}
	for k, v := range fault.Header {
		a.header[k] = v
	}
	s.write(w, r, a, fault)
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// resolveLocked is the normal answer for r: a file, a listing, a redirect to
// the directory, or 404.
func (s *Server) resolveLocked(r *http.Request, format Format) answer {
	p := r.URL.Path
	if strings.HasSuffix(p, "/") {
		if !s.isDirLocked(p) {
			return errorAnswer(format, http.StatusNotFound, r, "")
		}
		page := renderListing(format, p, s.listLocked(p, format), r.Host)
		ct := "text/html;charset=UTF-8"
		if format == Nginx {
			ct = "text/html"
		}
		return bytesAnswer(http.StatusOK, ct, page)
	}
	if f, ok := s.files[p]; ok {
		h := http.Header{}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		if !f.mod.IsZero() {
			h.Set("Last-Modified", f.mod.UTC().Format(http.TimeFormat))
		}
		body := func() io.Reader { return strings.NewReader(string(f.body)) }
		if f.big {
			body = func() io.Reader { return io.LimitReader(&pattern{}, f.size) }
		}
		return answer{status: http.StatusOK, header: h, size: f.size, body: body}
	}
	if s.isDirLocked(p + "/") {
		loc := p + "/"
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		return errorAnswer(format, http.StatusMovedPermanently, r, loc)
	}
	return errorAnswer(format, http.StatusNotFound, r, "")
}

// write sends a, stalled or cut short as fault says.
func (s *Server) write(w http.ResponseWriter, r *http.Request, a answer, fault *Fault) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.FormatInt(a.size, 10))
	w.WriteHeader(a.status)
	if fault != nil && fault.Stall > 0 {
		_ = http.NewResponseController(w).Flush()
		if !s.wait(r, fault.Stall) {
			panic(http.ErrAbortHandler)
		}
	}
	if r.Method == http.MethodHead {
		return
	}
	body := a.body()
	if fault != nil && fault.Truncate > 0 {
		_, _ = io.Copy(w, io.LimitReader(body, int64(fault.Truncate)))
		_ = http.NewResponseController(w).Flush()
		// Aborting drops the connection without the rest of the announced
		// body, which is what a client sees when a mirror dies mid-transfer.
		panic(http.ErrAbortHandler)
	}
	_, _ = io.Copy(w, body)
}

// wait sleeps d unless the client goes away or the server closes.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.closing:
	}
	return false
}

// pattern is the endless content of a BigFile: the alphabet, repeated.
type pattern struct{ off int }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte('a' + (p.off+i)%26)
	}
	p.off = (p.off + len(b)) % 26
	return len(b), nil
}
