package gitrepo_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/gitrepo"
	"github.com/osism/image-crawler/internal/testenv/gitserver"
)

// TestEchoedCredentialsAndHugeBodies: a git server (or proxy) that echoes the
// request's headers in its error body, with 200 MB of filler after them. The
// clone fails with an error that holds neither the token nor its base64
// basic-auth form, is one short line, and reading it cost little memory.
func TestEchoedCredentialsAndHugeBodies(t *testing.T) {
	const token = "ghs_ECHO0123456789abcdefECHO"
	basic := base64.StdEncoding.EncodeToString([]byte(gitserver.User + ":" + token))
	for _, status := range []int{http.StatusNotFound, http.StatusUnauthorized, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := gitserver.NewEcho(t, status, 200<<20)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := gitrepo.Clone(context.Background(), gitrepo.CloneOptions{URL: srv.URL + "/o/r.git", Token: token, Dir: t.TempDir()})
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("clone succeeded against an echoing server")
			}
			msg := err.Error()
			for _, leak := range []string{token, basic, "Basic " + basic[:12]} {
				if strings.Contains(msg, leak) {
					t.Fatalf("error leaks %q: %s", leak, msg)
				}
			}
			if strings.ContainsAny(msg, "\n\r") || len(msg) > 1024 {
				t.Fatalf("error is not one short line (%d bytes): %.300q", len(msg), msg)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Fatalf("reading the error allocated %d MB", alloc>>20)
			}
			if errors.Unwrap(err) == nil {
				t.Fatalf("error chain lost: %v", err)
			}
		})
	}
}
