//go:build unix

package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/osism/image-crawler/internal/report"
)

// binary builds cmd/image-crawler into a temporary directory of t.
func binary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the binary")
	}
	bin := filepath.Join(t.TempDir(), "image-crawler")
	if out, err := exec.Command(goTool, "build", "-o", bin, "github.com/osism/image-crawler/cmd/image-crawler").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The real process: a signal while a mirror request hangs stops the run,
// writes the partial report, changes no file, and exits 128+signal.
func TestProcessSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := binary(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{
		{syscall.SIGINT, "SIGINT", 130},
		{syscall.SIGTERM, "SIGTERM", 143},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			g := newGate(t, w.mirror.URL)
			before := tree(t, w.catalog)
			reportPath := filepath.Join(t.TempDir(), "report.json")
			cmd := exec.Command(bin, gatedArgs(w, g, "run", "--report", reportPath)...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "HTTPS_PROXY=" + deadProxy, "HTTP_PROXY=" + deadProxy}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-g.arrived:
			case err := <-exited:
				t.Fatalf("exited before crawling: %v\n%s", err, stderr.String())
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := <-exited
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d\n%s", err, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted while crawling ("+tc.name+"): nothing was written or pushed") {
				t.Errorf("stderr does not say what was interrupted:\n%s", stderr.String())
			}
			sameTree(t, "catalog", before, tree(t, w.catalog))
			b, err := os.ReadFile(reportPath)
			if err != nil {
				t.Fatalf("no partial report: %v", err)
			}
			var rep report.Report
			if err := json.Unmarshal(b, &rep); err != nil || rep.Interrupted == nil ||
				rep.Interrupted.Reason != tc.name || len(rep.Interrupted.NotReached) != 2 {
				t.Fatalf("report %v:\n%s", err, b)
			}
		})
	}
}

// A FIFO named like a catalog file is refused, not opened: the run ends.
func TestFIFOInCatalogDoesNotHang(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	fifo := filepath.Join(w.catalog, "etc", "images", "x.yml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	r := runRaw(t, w, nil, w.args("run")...)
	if r.code != ExitOK || !strings.Contains(r.stderr, "x.yml") || !strings.Contains(r.stderr, "not a regular file") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi, err)
	}
}
