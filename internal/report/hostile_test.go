package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/osism/image-crawler/internal/plan"
)

// Upstream text in the body cannot mention people or link issues.
func TestBodyNoReferences(t *testing.T) {
	r := New(nil, nil, []plan.Failure{{Image: "Evil @octocat", Error: "GET https://x/: 500: ping @org/team, see #1 and o/r#2, GH-3, mail a@b.c, &#64;entity"}}, nil)
	r.Warnings = []string{"Ubuntu: skipped release-1 @someone #42"}
	b := Body(r, BodyOptions{})
	for _, bad := range []string{"@octocat", "@org", "#1", "#2", "GH-3", "@someone", "#42", "&#64;entity"} {
		if strings.Contains(b, bad) {
			t.Errorf("body holds the reference %q:\n%s", bad, b)
		}
	}
	for _, kept := range []string{"@&#8203;octocat", "#&#8203;1", "o/r#&#8203;2", "GH&#8203;-3", "#&#8203;42"} {
		if !strings.Contains(b, kept) {
			t.Errorf("body lacks %q:\n%s", kept, b)
		}
	}
}

func TestNoReferences(t *testing.T) {
	tests := []struct{ in, want string }{
		{"@a", "@&#8203;a"},
		{"#1", "#&#8203;1"},
		{"GH-12", "GH&#8203;-12"},
		{"C# and # x and @ alone", "C# and # x and @ alone"},
	}
	for _, tt := range tests {
		if got := noReferences(tt.in); got != tt.want {
			t.Errorf("noReferences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The hard cut of a body that does not fit never splits a UTF-8 character,
// wherever the multibyte text falls.
func TestBodyCutAtRuneBoundary(t *testing.T) {
	for shift := range 4 {
		msg := strings.Repeat("x", shift) + strings.Repeat("é€😀", MaxBody)
		r := New(nil, nil, []plan.Failure{{Image: "A", Error: msg}}, nil)
		b := Body(r, BodyOptions{})
		if !utf8.ValidString(b) {
			t.Fatalf("shift %d: the body is not valid UTF-8", shift)
		}
		if len(b) > MaxBody || !strings.HasSuffix(b, Marker+"\n") {
			t.Fatalf("shift %d: %d bytes, marker kept: %v", shift, len(b), strings.HasSuffix(b, Marker+"\n"))
		}
	}
}

// A newline in an image name or version cannot break the title.
func TestTitleOneLine(t *testing.T) {
	got := Title([]Update{{Image: "Ubuntu\n24.04", Version: "1\r\n2"}})
	if strings.ContainsAny(got, "\r\n") {
		t.Fatalf("title %q", got)
	}
}

// The body and the job summary escape upstream text alike: a backslash
// cannot undo an escape, a line break cannot end a table row or list item,
// and no HTML, link or reference gets through.
func TestBodyAndSummaryEscapeAlike(t *testing.T) {
	hostile := "Evil\\|x\n| @octocat | <b>bold</b> [l](https://x) #7"
	r := &Report{Schema: Schema, Unchanged: []Unchanged{}, Files: []string{},
		Updates:  []Update{{Image: hostile, Version: "1", File: "etc/images/x.yml", Checksum: "sha256:00", URL: "https://x/a b.img"}},
		Failures: []Failure{{Image: hostile, Error: "GET https://x/:\n500 " + hostile}},
		Warnings: []string{hostile},
	}
	for name, out := range map[string]string{"body": Body(r, BodyOptions{}), "summary": Summary(r, nil)} {
		for _, bad := range []string{"@octocat", "<b>", "[l](", "#7", "Evil\\|", "\n| @"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s holds %q:\n%s", name, bad, out)
			}
		}
		rows := 0
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| Image ") {
				rows++
				// An unescaped | ends a cell: the row must keep its six.
				if cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); cells != 7 {
					t.Errorf("%s: table row has %d cell borders, want 7: %q", name, cells, line)
				}
			}
		}
		if rows != 1 {
			t.Errorf("%s: %d table rows, want 1:\n%s", name, rows, out)
		}
		if !strings.Contains(out, `Evil\\\|x`) {
			t.Errorf("%s lacks the escaped name:\n%s", name, out)
		}
	}
}
