// Package redact keeps secrets out of everything image-crawler prints, logs or
// sends: error texts, log lines, reports and pull request bodies.
//
// Libraries such as go-git and net/http may echo credentials back inside their
// errors (a URL with user info, a header dump). Rather than trusting every call
// site, text crosses one of these functions before it leaves the process.
package redact

import (
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"regexp"
	"slices"
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

// minEncodedLen is the shortest encoded form of a secret worth masking: the
// base64 cores of a short secret are a few characters that occur in ordinary
// text by chance.
const minEncodedLen = 8

var (
	knownMu sync.RWMutex
	known   []string
)

// Register adds secrets that every later String, Error and Writer masks, in
// addition to the ones passed to them. The command line registers every token
// the process can see (the action's input, GITHUB_TOKEN, GH_TOKEN), so a
// code path that knows only the token it uses still masks the others.
func Register(secrets ...string) {
	knownMu.Lock()
	defer knownMu.Unlock()
	for _, s := range secrets {
		if len(s) >= minSecretLen && !slices.Contains(known, s) {
			known = append(known, s)
		}
	}
}

func registered() []string {
	knownMu.RLock()
	defer knownMu.RUnlock()
	return known
}

// String returns s with every secret and every URL user-info replaced by Mask.
// A secret is masked in every form the bot itself sends it in: raw,
// percent-encoded (query and path), and inside base64, as in the
// "Authorization: Basic base64(user:secret)" header a server or proxy may
// echo back into an error body. Registered secrets are masked too.
func String(s string, secrets ...string) string {
	for _, sec := range slices.Concat(secrets, registered()) {
		if len(sec) < minSecretLen {
			continue
		}
		for _, form := range Forms(sec) {
			s = strings.ReplaceAll(s, form, Mask)
		}
	}
	return userinfo.ReplaceAllString(s, "${1}"+Mask+"@")
}

// Forms returns the strings that give a secret away, longest first: the
// secret, its percent-encodings, and the part of its base64 encoding that
// does not depend on what precedes or follows it, for each of the three
// alignments it can have inside a longer encoded text (so base64 of
// "x-access-token:SECRET", of "SECRET" alone, or of any other user name
// before it is caught). A few characters at either end of an encoded secret
// stay visible; they carry a few bits, not the secret.
func Forms(sec string) []string {
	forms := []string{sec, url.QueryEscape(sec), url.PathEscape(sec)}
	for pad := range 3 {
		b := make([]byte, pad+len(sec))
		copy(b[pad:], sec)
		// Character i covers bits [6i, 6i+6); keep those inside the secret.
		from := (8*pad + 5) / 6
		to := 8 * (pad + len(sec)) / 6
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			e := enc.EncodeToString(b)
			if to-from >= minEncodedLen {
				forms = append(forms, e[from:to])
			}
		}
	}
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(forms)
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
