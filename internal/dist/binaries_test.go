package dist

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinariesLinkNoTestCode keeps the test doubles' testing package out of
// every program the project ships or runs by hand: the release binary, the
// offline demo and the benchmark (docs/development.md). net/http/httptest
// is refused too: it registers a command-line flag in whatever links it.
func TestBinariesLinkNoTestCode(t *testing.T) {
	dir := root(t)
	for _, pkg := range []string{"./cmd/image-crawler", "./cmd/demo", "./cmd/crawlbench"} {
		t.Run(strings.TrimPrefix(pkg, "./cmd/"), func(t *testing.T) {
			cmd := exec.Command("go", "list", "-deps", pkg)
			cmd.Dir = dir
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", pkg, err)
			}
			deps := strings.Fields(string(out))
			if len(deps) < 10 {
				t.Fatalf("go list -deps %s listed only %q", pkg, deps)
			}
			for _, d := range deps {
				if d == "testing" || d == "net/http/httptest" {
					t.Errorf("%s links %s: move what it needs out of test-only code", pkg, d)
				}
			}
		})
	}
}
