package cli

import (
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
