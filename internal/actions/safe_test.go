package actions

import (
	"bytes"
	"strings"
	"testing"
)

func TestSafeWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"plain", []string{"ok  etc/images/a.yml (3 images)\n"}, "ok  etc/images/a.yml (3 images)\n"},
		{"newline in a file name", []string{"ok  etc/images/a\n::error::forged.yml (1 images)\n"}, "ok  etc/images/a\n%3A:error::forged.yml (1 images)\n"},
		{"indented", []string{"x\n  \t::add-mask::abc\n"}, "x\n  \t%3A:add-mask::abc\n"},
		{"stop-commands split across writes", []string{"x\n:", ":stop-commands::t", "ok\n"}, "x\n%3A:stop-commands::tok\n"},
		{"old style", []string{"##[set-env name=A]b\n"}, "%23#[set-env name=A]b\n"},
		{"one colon is fine", []string{":a\n#b\n##c\n"}, ":a\n#b\n##c\n"},
		{"colons later in the line", []string{"a ::error::x\n"}, "a ::error::x\n"},
		{"carriage return", []string{"a\r::error::x\n"}, "a\r::error::x\n"},
		{"cr at line start", []string{"\r::error::x\n"}, "\r%3A:error::x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewSafeWriter(&buf)
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); err != nil || n != len(s) {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Fatalf("got %q\nwant %q", buf.String(), tt.want)
			}
		})
	}
}

// The package's own commands still reach the runner, each on a line of its
// own, and their data cannot start another.
func TestSafeWriterCommands(t *testing.T) {
	var buf bytes.Buffer
	w := NewSafeWriter(&buf)
	w.Write([]byte("partial"))
	if err := Error(w, Annotation{File: "a\n::b", Message: "m\n::add-mask::x"}); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("::warning::forged\n"))
	want := "partial\n::error file=a%0A%3A%3Ab::m%0A::add-mask::x\n%3A:warning::forged\n"
	if buf.String() != want {
		t.Fatalf("got %q\nwant %q", buf.String(), want)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(line, "::") && !strings.HasPrefix(line, "::error file=") {
			t.Fatalf("forged command line %q", line)
		}
	}
}
