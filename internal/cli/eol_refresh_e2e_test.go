package cli

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// tablePath is where the test mirror serves the debian.csv the sources file
// names under end_of_life.
const tablePath = "/salsa/debian/distro-info-data/-/raw/main/debian.csv"

// The sources file names where Debian publishes its release table: each run
// fetches it once, after its first image request is answered, and its dates take the
// built-in snapshot's place in the end-of-life report, named as fetched.
// When it cannot be fetched, the run warns and the snapshot decides.
func TestEndOfLifeRefreshedAtRunTime(t *testing.T) {
	w := newDiscoveryWorld(t)
	src := strings.Replace(discoverySources, "images:\n",
		"end_of_life:\n  debian: https://salsa.debian.org/debian/distro-info-data/-/raw/main/debian.csv\nimages:\n", 1)
	if err := os.WriteFile(w.sources, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	args := func(extra ...string) []string {
		return w.args(append(extra, "--mirror", "https://salsa.debian.org/="+w.mirror.URL+"/salsa/")...)
	}
	r := w.run(nil, args("run")...)
	if r.code != ExitOK || len(r.report.EndOfLife) != 0 {
		t.Fatalf("bootstrap: exit %d, end of life %+v\n%s", r.code, r.report.EndOfLife, r.stderr)
	}
	// Nothing is published there yet: a warning, and the snapshot's dates.
	if !slices.ContainsFunc(r.report.Warnings, func(s string) bool {
		return strings.Contains(s, "end of life of debian not refreshed") && strings.Contains(s, "404")
	}) {
		t.Errorf("no warning for the missing table: %q", r.report.Warnings)
	}

	// Upstream moves Debian 12's end of LTS to a day that has passed.
	w.mirror.File(tablePath, []byte(`version,codename,series,created,release,eol,eol-lts,eol-elts
11,Bullseye,bullseye,2019-07-06,2021-08-14,2024-08-14,2026-08-31,2031-06-30
12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-06-10,2026-11-30,2033-06-30
13,Trixie,trixie,2023-06-10,2025-08-09,2028-08-09,2030-06-30,2035-06-30
`), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	w.mirror.ResetCounts()
	r = w.run(nil, args("run", "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if len(r.report.EndOfLife) != 1 || r.report.EndOfLife[0].Image != "Debian 12" || r.report.EndOfLife[0].EOL != "2026-11-30" ||
		r.report.EndOfLife[0].State != "ended" || r.report.EndOfLife[0].Origin != "distro-info-data debian.csv (eol-lts), fetched at run time" {
		t.Fatalf("end_of_life %+v", r.report.EndOfLife)
	}
	if !strings.Contains(r.stdout, "**Debian 12** (`etc/images/debian.yml`): support ended 2026-11-30 (distro-info-data debian.csv (eol-lts), fetched at run time)") {
		t.Errorf("the pull request body does not name the fetched date:\n%s", r.stdout)
	}
	// One request for the table, never the run's first.
	reqs := w.mirror.Requests()
	var at []int
	for i, q := range reqs {
		if q.Path == tablePath {
			at = append(at, i)
		}
	}
	if len(at) != 1 || at[0] == 0 {
		t.Fatalf("the table was requested at %v of %d requests, want once, after an image's", at, len(reqs))
	}

	// A run that crawls no Debian image does not ask for it.
	w.mirror.ResetCounts()
	r = w.run(nil, args("run", "--dry-run", "--only", "AlmaLinux 9")...)
	if r.code != ExitOK || w.mirror.CountPath("GET", tablePath) != 0 {
		t.Fatalf("exit %d, %d requests for the Debian table\n%s", r.code, w.mirror.CountPath("GET", tablePath), r.stderr)
	}
}
