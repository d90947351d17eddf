package redact

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxErrorBody is how much of a failed HTTP response's body a library may
// read into an error message. go-git, for one, reads the whole body of a
// failed request into its error: without a cap a 200 MB 404 page costs
// gigabytes and prints a 200 MB line.
const MaxErrorBody = 4 << 10

// MaxExcerpt is the longest excerpt of remote text that a message quotes.
const MaxExcerpt = 200

// Excerpt returns remote text fit to quote in a message: one line, printable
// characters only (control and format characters, invalid UTF-8 become a
// space or U+FFFD), at most max runes, with "…" where it was cut. A body that
// is mostly not text yields "" so that binary or hostile payloads are never
// reflected.
func Excerpt(b []byte, max int) string {
	var sb strings.Builder
	n, bad := 0, 0
	space := true
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r == utf8.RuneError && size <= 1:
			bad++
			r = utf8.RuneError
		case unicode.IsSpace(r):
			if space {
				continue
			}
			r = ' '
		case !unicode.IsPrint(r):
			bad++
			r = ' '
		}
		if n == max {
			sb.WriteString("…")
			break
		}
		space = r == ' '
		sb.WriteRune(r)
		n++
	}
	if bad*4 > n+bad {
		return ""
	}
	return strings.TrimRight(sb.String(), " ")
}

// Quote quotes the start of an upstream string (a checksum file's line, a
// header) for an error message: at most 40 bytes, cut on a rune boundary,
// with control characters and invalid UTF-8 escaped as Go escapes them, so
// an HTML page or a binary body can neither flood nor garble the log.
func Quote(s string) string {
	const max = 40
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut] + "...")
}

// CapErrorBodies wraps rt so that the body of every response with a status
// of 400 or above is at most MaxErrorBody bytes, made into an Excerpt and
// redacted, before whoever called reads it into an error. Successful
// responses are untouched.
func CapErrorBodies(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return capTransport{rt}
}

type capTransport struct{ rt http.RoundTripper }

func (c capTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 || resp.Body == nil {
		return resp, err
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	resp.Body.Close()
	msg := String(Excerpt(b, MaxExcerpt), headerSecrets(req)...)
	resp.Body = io.NopCloser(bytes.NewReader([]byte(msg)))
	resp.ContentLength = int64(len(msg))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// headerSecrets are the credentials the request itself carried, masked in
// the excerpt even when nobody registered them.
func headerSecrets(req *http.Request) []string {
	// The whole credential first: masked, it hides the user name too.
	var out []string
	if a := req.Header.Get("Authorization"); a != "" {
		if _, cred, ok := strings.Cut(a, " "); ok {
			out = append(out, cred)
		}
	}
	if _, pw, ok := req.BasicAuth(); ok {
		out = append(out, pw)
	}
	return out
}
