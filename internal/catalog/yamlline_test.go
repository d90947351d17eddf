package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A syntax error deep in a long catalog file is reported at its own line,
// not at the line of "images:" that encloses it.
func TestSyntaxErrorLineInLongFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\nimages:\n")
	for range 20 {
		b.WriteString("  - name: Image\n    format: qcow2\n    versions:\n      - version: '1'\n")
	}
	lines := strings.Split(b.String(), "\n")
	const at = 80
	lines[at-1] = "     url: https://example.org/a.img" // one space too many
	text := strings.Join(lines, "\n")
	for name, errs := range map[string][]error{
		"Validate": Validate("long.yml", []byte(text)),
	} {
		var fe *FileError
		if len(errs) != 1 || !errors.As(errs[0], &fe) || fe.Line != at {
			t.Errorf("%s: %v, want one error at line %d", name, errs, at)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "long.yml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Errors) != 1 || c.Errors[0].Line != at {
		t.Fatalf("Load: %v, want one error at line %d", c.Errors, at)
	}
}
