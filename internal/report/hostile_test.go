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
