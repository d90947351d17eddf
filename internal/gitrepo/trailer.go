package gitrepo

import (
	"regexp"
	"strings"
)

// trailerLine is git's "Token: value" shape (see git-interpret-trailers).
var trailerLine = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*: `)

// splitTrailers returns the message without trailing blank lines, and its
// trailer block: the last paragraph when every line of it is a trailer and
// it is not the subject. Carriage returns are dropped: git messages use
// line feeds, and a stray CR would hide a trailer line.
func splitTrailers(msg string) (body string, trailers []string) {
	body = strings.TrimRight(strings.ReplaceAll(msg, "\r", ""), " \t\n")
	i := strings.LastIndex(body, "\n\n")
	if i < 0 {
		return body, nil
	}
	lines := strings.Split(body[i+2:], "\n")
	for _, l := range lines {
		if !trailerLine.MatchString(l) {
			return body, nil
		}
	}
	return body, lines
}

// withTrailer appends Trailer to msg's trailer block, starting one if there
// is none, and ends the message with a newline as git does.
func withTrailer(msg string) string {
	body, trailers := splitTrailers(msg)
	for _, t := range trailers {
		if t == Trailer {
			return body + "\n"
		}
	}
	if trailers == nil {
		return body + "\n\n" + Trailer + "\n"
	}
	return body + "\n" + Trailer + "\n"
}

// hasTrailer reports whether msg's trailer block holds Trailer. A Trailer
// line quoted in the body does not count.
func hasTrailer(msg string) bool {
	_, trailers := splitTrailers(msg)
	for _, t := range trailers {
		if t == Trailer {
			return true
		}
	}
	return false
}

// WithTrailer returns msg as Commit would commit it: Trailer appended to its
// trailer block. Commits made elsewhere (through the GitHub API) use it so
// that the bot recognises them too.
func WithTrailer(msg string) string { return withTrailer(msg) }
