// Package redact keeps secrets out of everything image-crawler prints, logs or
// sends: error texts, log lines, reports and pull request bodies.
//
// Libraries such as go-git and net/http may echo credentials back inside their
// errors (a URL with user info, a header dump). Rather than trusting every call
// site, text crosses one of these functions before it leaves the process.
package redact

import (
	"errors"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Mask is what a secret is replaced with.
const Mask = "***"

// minSecretLen avoids masking trivial strings (an empty token would otherwise
// replace every position of the text).
const minSecretLen = 4

// userinfo matches the credentials part of a URL such as
// https://x-access-token:SECRET@github.com/o/r.
var userinfo = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@`)

// String returns s with every secret and every URL user-info replaced by Mask.
func String(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) < minSecretLen {
			continue
		}
		s = strings.ReplaceAll(s, sec, Mask)
		// A secret may also appear percent-encoded inside a URL.
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, Mask)
		}
	}
	return userinfo.ReplaceAllString(s, "${1}"+Mask+"@")
}

// Error wraps err so that its message is redacted while errors.Is and
// errors.As still see the original chain.
func Error(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	return &redacted{err: err, msg: String(err.Error(), secrets...)}
}

type redacted struct {
	err error
	msg string
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

// IsRedacted reports whether err already passed through Error.
func IsRedacted(err error) bool {
	var r *redacted
	return errors.As(err, &r)
}

// Writer redacts everything written through it. Each Write is redacted on its
// own, so callers should write whole lines (slog handlers and fmt.Fprintln do).
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
}

// NewWriter returns a Writer that masks secrets before writing to w.
func NewWriter(w io.Writer, secrets ...string) *Writer {
	return &Writer{w: w, secrets: secrets}
}

// Write implements io.Writer. It reports len(p) on success so callers that
// check the count are not confused by the shorter masked text.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := io.WriteString(w.w, String(string(p), w.secrets...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
