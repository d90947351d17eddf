// Package problem is a finding at a place in a file: a catalog entry the
// schema refuses, a bad key of the sources file, a template that renders
// wrong. The place travels as fields from where the problem is found to
// where it is shown (a "file:line: message" line, an annotation on that
// line of a pull request), never as text to be parsed back.
package problem

import (
	"fmt"
	"path"
)

// Problem is one finding. File is a slash path as the user named it (the
// sources file, a catalog file under --catalog-dir); Line is 1-based, 0 when
// the problem is the whole file's; File is "" when the problem has no place.
type Problem struct {
	File    string
	Line    int
	Message string
}

// String is "file:line: message", "file: message" or "message".
func (p Problem) String() string {
	switch {
	case p.File == "":
		return p.Message
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Error makes a Problem an error that reads as String.
func (p Problem) Error() string { return p.String() }

// Problem is itself, so that a Problem passed on as an error keeps its
// place.
func (p Problem) Problem() Problem { return p }

// Under is p with its file inside dir ("etc/images" + "ubuntu.yml"), for a
// file that was named relative to dir.
func (p Problem) Under(dir string) Problem {
	if p.File != "" && dir != "" {
		p.File = path.Join(dir, p.File)
	}
	return p
}

// Locator is an error that knows its place.
type Locator interface {
	error
	Problem() Problem
}

// Lister is an error that holds several located problems (every problem
// of one file).
type Lister interface {
	error
	Problems() []Problem
}

// Of is the problem err is: its own place when err is a Locator; else
// err's text without a place. A Locator wrapped in more text is not
// unwrapped: the text around it would be lost.
func Of(err error) Problem {
	if l, ok := err.(Locator); ok {
		return l.Problem()
	}
	return Problem{Message: err.Error()}
}

// All are the problems err holds: each of a Lister's or of a joined
// error's (errors.Join), else the one of Of.
func All(err error) []Problem {
	if ls, ok := err.(Lister); ok {
		return ls.Problems()
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []Problem
		for _, e := range j.Unwrap() {
			out = append(out, All(e)...)
		}
		return out
	}
	return []Problem{Of(err)}
}
