package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every token the process can see is masked in the report, not only the one
// it uses: INPUT_TOKEN is used, GITHUB_TOKEN and GH_TOKEN appear in a mirror
// URL that the failure quotes (docs/security.md).
func TestEveryKnownTokenRedacted(t *testing.T) {
	const (
		used   = "ghs_USEDtoken0123456789abcdef"
		second = "ghs_SECONDtoken0123456789abcd"
		third  = "ghp_THIRDtoken0123456789abcde"
	)
	w := newWorld(t)
	ubuntu := "http://" + closedAddr(t) + "/" + second + "/" + third + "/"
	args := []string{"run", "--catalog", w.catalog, "--only", "Ubuntu 24.04",
		"--mirror", "https://cloud-images.ubuntu.com/=" + ubuntu,
		"--http-timeout", "300ms", "--retries", "0"}
	r := runRaw(t, w, map[string]string{"INPUT_TOKEN": used, "GITHUB_TOKEN": second, "GH_TOKEN": third}, args...)
	if r.report == nil || len(r.report.Failures) == 0 {
		t.Fatalf("no failure reported; exit %d\n%s", r.code, r.stderr)
	}
	for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "report": string(r.reportRaw)} {
		for _, tok := range []string{used, second, third} {
			if strings.Contains(out, tok) {
				t.Fatalf("token %s leaked into %s:\n%s", tok[:9], name, out)
			}
		}
	}
}

// A catalog file name with a newline cannot make validate print a workflow
// command under Actions: no line of stdout or stderr starts with "::" except
// the annotations validate writes itself (docs/security.md).
func TestValidateCannotInjectWorkflowCommands(t *testing.T) {
	t.Parallel()
	w := newActionWorld(t)
	for _, name := range []string{
		"a\n::error file=README.md,line=1::forged\n.yml",
		"b\n::stop-commands::pwned\n.yml",
		"c\n  ::add-mask::ok  etc\n.yml",
	} {
		if err := os.WriteFile(filepath.Join(w.catalog, "etc/images", name), []byte("images:\n  - name: Broken\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := w.runAction(map[string]string{"command": "validate", "catalog": w.catalog}, nil)
	if r.code != ExitError {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
		for _, line := range strings.Split(out, "\n") {
			l := strings.TrimLeft(line, " \t\r")
			if !strings.HasPrefix(l, "::") {
				continue
			}
			if !strings.HasPrefix(l, "::error title=image-crawler validate") && !strings.HasPrefix(l, "::add-mask::"+canary) &&
				!strings.HasPrefix(l, "::group::") && !strings.HasPrefix(l, "::endgroup::") {
				t.Fatalf("%s holds a forged workflow command: %q\n%s", name, line, out)
			}
		}
	}
}
