package gitserver

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

// NewEcho starts a hostile "git server" for one test: every request is
// answered with status and a body that echoes the request's headers, the
// Authorization header included, as a misconfigured proxy or debug endpoint
// does, followed by pad bytes of filler. It stands in for a server that puts
// the client's credentials, or a huge page, into the error the client reports.
func NewEcho(tb testing.TB, status int, pad int64) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys := make([]string, 0, len(r.Header))
		for k := range r.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
		for _, k := range keys {
			fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(r.Header[k], ", "))
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		if _, err := w.Write([]byte(b.String())); err != nil {
			return
		}
		chunk := []byte(strings.Repeat("x", 64<<10))
		for n := int64(0); n < pad; n += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading, as it should
			}
		}
	}))
	tb.Cleanup(srv.Close)
	return srv
}
