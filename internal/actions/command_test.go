package actions

import (
	"bytes"
	"strings"
	"testing"
)

func TestCommand(t *testing.T) {
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		{"mask", func(b *bytes.Buffer) error { return AddMask(b, "ghs_abc%def") }, "::add-mask::ghs_abc%25def\n"},
		{"empty mask prints nothing", func(b *bytes.Buffer) error { return AddMask(b, "") }, ""},
		{"group", func(b *bytes.Buffer) error { return Group(b, "Crawl 12 images") }, "::group::Crawl 12 images\n"},
		{"endgroup", func(b *bytes.Buffer) error { return EndGroup(b) }, "::endgroup::\n"},
		{"error with title", func(b *bytes.Buffer) error {
			return Error(b, Annotation{Title: "Rocky 9 failed", Message: "GET https://dl.rockylinux.org/x: 503"})
		}, "::error title=Rocky 9 failed::GET https://dl.rockylinux.org/x: 503\n"},
		{"properties escape : and ,, data does not", func(b *bytes.Buffer) error {
			return Warning(b, Annotation{Title: "Respin: Ubuntu 24.04, amd64", Message: "a: b, c"})
		}, "::warning title=Respin%3A Ubuntu 24.04%2C amd64::a: b, c\n"},
		{"line breaks cannot start a second command", func(b *bytes.Buffer) error {
			return Error(b, Annotation{Message: "bad file\r\n::add-mask::x 100%"})
		}, "::error::bad file%0D%0A::add-mask::x 100%25\n"},
		{"file and line", func(b *bytes.Buffer) error {
			return Error(b, Annotation{Title: "schema", File: "etc/images/ubuntu.yml", Line: 12, Message: "no url"})
		}, "::error title=schema,file=etc/images/ubuntu.yml,line=12::no url\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got  %q\nwant %q", b.String(), tt.want)
			}
		})
	}
}

// unescape is the runner's reading of escaped text.
var unescape = strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace

// FuzzCommand checks that any message and title make exactly one command
// line, which the runner reads back as the same message and title.
func FuzzCommand(f *testing.F) {
	f.Add("GET https://example.org/SHA256SUMS: 503", "Ubuntu 24.04 failed")
	f.Add("a\nb\r\n::stop-commands::x", "t: a, b")
	f.Add("%0A%25", "%3A::")
	f.Fuzz(func(t *testing.T, msg, title string) {
		var b bytes.Buffer
		if err := Error(&b, Annotation{Title: title, Message: msg}); err != nil {
			t.Fatal(err)
		}
		line := b.String()
		if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") || strings.Contains(line, "\r") {
			t.Fatalf("not one line: %q", line)
		}
		rest := strings.TrimPrefix(strings.TrimSuffix(line, "\n"), "::error")
		props, data, ok := strings.Cut(rest, "::")
		if !ok {
			t.Fatalf("no message separator: %q", line)
		}
		if got := unescape(data); got != msg {
			t.Errorf("message read back as %q, want %q", got, msg)
		}
		gotTitle := ""
		if props != "" {
			if !strings.HasPrefix(props, " title=") || strings.Contains(props, ",") {
				t.Fatalf("properties %q", props)
			}
			gotTitle = unescape(strings.TrimPrefix(props, " title="))
		}
		if gotTitle != title {
			t.Errorf("title read back as %q, want %q", gotTitle, title)
		}
	})
}
