package gitrepo

import (
	"strings"
	"testing"
)

func TestWithTrailer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, msg, want string
	}{
		{"subject only", "Update images", "Update images\n\n" + Trailer + "\n"},
		{"subject and body", "Update images\n\n- Ubuntu 24.04: 20260705\n", "Update images\n\n- Ubuntu 24.04: 20260705\n\n" + Trailer + "\n"},
		{"sign-off joins the block", "Update images\n\nSigned-off-by: Bot <bot@example.org>\n",
			"Update images\n\nSigned-off-by: Bot <bot@example.org>\n" + Trailer + "\n"},
		{"trailing blank lines dropped", "Update images\n\n\n\n", "Update images\n\n" + Trailer + "\n"},
		{"already there", "Update\n\n" + Trailer + "\n", "Update\n\n" + Trailer + "\n"},
		{"CRLF", "Update\r\n\r\nSigned-off-by: A <a@b>\r\n", "Update\n\nSigned-off-by: A <a@b>\n" + Trailer + "\n"},
		{"a subject that looks like a trailer", "Fix: typo", "Fix: typo\n\n" + Trailer + "\n"},
		{"body line that is not a trailer", "Update\n\nSigned-off-by: A <a@b>\nand more", "Update\n\nSigned-off-by: A <a@b>\nand more\n\n" + Trailer + "\n"},
	}
	for _, tt := range tests {
		if got := withTrailer(tt.msg); got != tt.want {
			t.Errorf("%s: withTrailer(%q) = %q, want %q", tt.name, tt.msg, got, tt.want)
		}
	}
}

func TestHasTrailer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		msg  string
		want bool
	}{
		{"Update\n\n" + Trailer + "\n", true},
		{"Update\n\nSigned-off-by: A <a@b>\n" + Trailer + "\n", true},
		{"Update\n", false},
		{Trailer + "\n", false}, // the subject is no trailer
		{"Update\n\n" + Trailer + "\n\nQuoted above.\n", false},
		{"Update\n\nImage-Crawler-Managed: false\n", false},
		{"Update\n\n" + Trailer + " \n", true}, // trailing space trimmed with the message end
	}
	for _, tt := range tests {
		if got := hasTrailer(tt.msg); got != tt.want {
			t.Errorf("hasTrailer(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}

// FuzzWithTrailer checks that any message the caller gives comes out marked,
// recognisable, ending in one newline, with its text intact, and that marking
// twice changes nothing.
func FuzzWithTrailer(f *testing.F) {
	for _, s := range []string{
		"Update images",
		"Update images (2)\n\n- Ubuntu 24.04 20260615 -> 20260705\n- Debian 12 respin\n\nSigned-off-by: image-crawler <bot@example.org>\n",
		"Fix: x\n\nA: b\nc",
		"\n\n\n",
		"x\r\n\r\n" + Trailer,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		got := withTrailer(msg)
		if !hasTrailer(got) {
			t.Fatalf("withTrailer(%q) = %q: trailer not recognised", msg, got)
		}
		if withTrailer(got) != got {
			t.Fatalf("withTrailer not idempotent on %q", got)
		}
		if !strings.HasSuffix(got, Trailer+"\n") {
			t.Fatalf("withTrailer(%q) = %q does not end with the trailer line", msg, got)
		}
		body := strings.TrimRight(strings.ReplaceAll(msg, "\r", ""), " \t\n")
		if !strings.HasPrefix(got, body) {
			t.Fatalf("withTrailer(%q) = %q lost the message text", msg, got)
		}
	})
}
