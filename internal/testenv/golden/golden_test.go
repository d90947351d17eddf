package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what a failing Assert reports.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Fatalf records and stops the goroutine, as testing's does; callers run
// Assert in a goroutine of their own.
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

// assert runs Assert against a recorder and returns what it reported.
func assert[T ~string | ~[]byte](t *testing.T, path string, got T) *recorder {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Assert(r, path, got)
	}()
	<-done
	return r
}

// setUpdate sets -update for one test.
func setUpdate(t *testing.T, v bool) {
	old := *update
	*update = v
	t.Cleanup(func() { *update = old })
}

func TestAssert(t *testing.T) {
	setUpdate(t, false)
	dir := t.TempDir()
	path := filepath.Join(dir, "out.golden")
	if err := os.WriteFile(path, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	if r := assert(t, path, "one\ntwo\nthree\n"); len(r.errors) != 0 {
		t.Errorf("equal string: %q", r.errors)
	}
	if r := assert(t, path, []byte("one\ntwo\nthree\n")); len(r.errors) != 0 {
		t.Errorf("equal bytes: %q", r.errors)
	}

	r := assert(t, path, "one\n2\nthree\n")
	if len(r.errors) != 1 || r.fatal {
		t.Fatalf("a difference: %q (fatal %v), want one error that lets the test go on", r.errors, r.fatal)
	}
	for _, want := range []string{"output differs from " + path, "-update", "-two\n", "+2\n", " one\n"} {
		if !strings.Contains(r.errors[0], want) {
			t.Errorf("report lacks %q:\n%s", want, r.errors[0])
		}
	}

	if r := assert(t, path, "one\ntwo\nthree"); len(r.errors) != 1 {
		t.Errorf("a missing final newline passed: %q", r.errors)
	}

	r = assert(t, filepath.Join(dir, "missing.golden"), "x")
	if !r.fatal || len(r.errors) != 1 || !strings.Contains(r.errors[0], "-update to create it") {
		t.Errorf("missing file: %q (fatal %v)", r.errors, r.fatal)
	}
}

func TestAssertUpdate(t *testing.T) {
	setUpdate(t, true)
	dir := t.TempDir()
	path := filepath.Join(dir, "new", "dir", "out.golden")
	for _, content := range []string{"first\n", "second\n"} {
		if r := assert(t, path, []byte(content)); len(r.errors) != 0 {
			t.Fatalf("update: %q", r.errors)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("after -update the file holds %q, %v; want %q", got, err, content)
		}
	}
}
