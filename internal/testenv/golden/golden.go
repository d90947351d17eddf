// Package golden compares a test's output with a file kept under testdata,
// and rewrites that file when asked.
//
// A test binary that imports golden has an -update flag. Run
//
//	go test ./internal/catalog -update
//
// to rewrite the golden files of that one package with what its tests produce
// now, then review the change with git diff before committing it. The flag
// exists only in packages whose tests import golden: go test fails with "flag
// provided but not defined: -update" in any other, so name the packages
// (go test ./internal/catalog ./internal/cli -update) rather than ./....
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aymanbagabas/go-udiff"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with the output of this run")

// Assert fails tb unless got equals the content of the file at path,
// relative to the package directory (testdata/...). With -update it writes
// got to path instead, creating its directory, and passes.
//
// A mismatch is reported with Errorf, as a unified diff from the file to got,
// so one test can report every golden file that differs.
func Assert[T ~string | ~[]byte](tb testing.TB, path string, got T) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test with -update to create it)", err)
	}
	if string(want) == string(got) {
		return
	}
	tb.Errorf("output differs from %s (run go test with -update if the change is intended):\n%s",
		path, udiff.Unified(path, "got", string(want), string(got)))
}
