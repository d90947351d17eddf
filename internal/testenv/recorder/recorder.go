// Package recorder is an httptest server that remembers what reached it,
// for tests whose handler is their own (a fault, a redirect, a format the
// test mirror does not serve).
package recorder

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Server is an httptest server that records "METHOD /path" per request.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
}

// New starts a Server that passes every request to h and stops it when
// the test ends.
func New(tb testing.TB, h http.HandlerFunc) *Server {
	tb.Helper()
	rec := &Server{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.requests = append(rec.requests, r.Method+" "+r.URL.Path)
		rec.mu.Unlock()
		h(w, r)
	}))
	tb.Cleanup(rec.Close)
	return rec
}

// Count is the number of requests so far.
func (r *Server) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

// Seen returns the requests so far, "METHOD /path", in order of arrival.
func (r *Server) Seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...)
}
