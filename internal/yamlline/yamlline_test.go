package yamlline

import (
	"fmt"
	"strings"
	"testing"
)

// long is a catalog-like file of n entries with line bad replaced by
// mistake; it returns the text and the line the mistake is on.
func long(n int, mistake string, at int) (string, int) {
	var lines []string
	lines = append(lines, "---", "images:")
	for i := range n {
		lines = append(lines, fmt.Sprintf("  - name: Image %d", i), "    versions:", "      - version: '1'", "        url: https://example.org/a.img")
	}
	lines = append(lines[:at-1], append([]string{mistake}, lines[at-1:]...)...)
	return strings.Join(lines, "\n") + "\n", at
}

func TestProblem(t *testing.T) {
	tests := []struct {
		name, mistake string
		at            int
	}{
		{"bad indent", "   shortname: x", 80},
		{"unclosed flow sequence", "    tags: [a, b", 80},
		{"tab indent", "\tshortname: x", 81},
		{"key without value in a sequence", "  shortname x: [", 120},
		{"unclosed quote at the end", `    shortname: "x`, 163},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, want := long(40, tt.mistake, tt.at)
			// What yaml.v3 would have said is at most the right line.
			if got := Problem([]byte(text), 2); got != want {
				t.Fatalf("line %d, want %d\n%s", got, want, strings.Split(text, "\n")[want-1])
			}
		})
	}
	if got := Problem([]byte("images: []\n"), 7); got != 7 {
		t.Errorf("valid YAML: %d, want the reported line", got)
	}
	if got := Problem([]byte("a: \"one\n  two\"\nb: [\n"), 3); got != 3 {
		t.Errorf("a cut inside a quoted scalar: %d, want the reported line 3", got)
	}
}

func FuzzProblem(f *testing.F) {
	f.Add([]byte("a: [1\n"), 1)
	f.Add([]byte("images:\n  - a: 1\n   b: 2\n"), 2)
	f.Fuzz(func(t *testing.T, data []byte, reported int) {
		if got := Problem(data, reported); got < reported {
			t.Fatalf("Problem moved before the reported line: %d < %d", got, reported)
		}
	})
}
