package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/cli/list"
	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/testenv/golden"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

const (
	ubuntuFile = "ubuntu-24.04-server-cloudimg-amd64.img"
	debianName = "debian-12-genericcloud-amd64"
)

// world is a mirror laid out like cloud-images.ubuntu.com and
// cloud.debian.org, and a catalog directory copied from testdata.
type world struct {
	t       *testing.T
	mirror  *mirror.Server
	catalog string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, mirror: mirror.New(t), catalog: t.TempDir()}
	copyDir(t, "testdata/catalog", w.catalog)
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705"}, "")
	layout.Debian(w.mirror, "/debian/images/cloud/bookworm/", debianName, []string{"20250115-1990", "20250210-2019"}, "")
	return w
}

func (w *world) args(extra ...string) []string {
	base := []string{
		"--catalog", w.catalog,
		"--only", "Ubuntu 24.04", "--only", "Debian 12",
		// The catalog has no Debian 12 yet: add it, as an operator would.
		"--add", "Debian 12",
		"--mirror", "https://cloud-images.ubuntu.com/=" + w.mirror.URL + "/ubuntu/",
		"--mirror", "https://cloud.debian.org/=" + w.mirror.URL + "/debian/",
		// The mirror serves no signatures by the real distribution keys;
		// signature_e2e_test.go covers verification with test keys.
		"--signatures", "optional",
	}
	return append(extra, base...)
}

type result struct {
	code           int
	stdout, stderr string
	report         *report.Report
}

func (w *world) run(env map[string]string, args ...string) result {
	w.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	reportPath := filepath.Join(w.t.TempDir(), "report.json")
	args = append(args, "--report", reportPath)
	code := Main(context.Background(), args, ios, mapEnv(env))
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	b, err := os.ReadFile(reportPath)
	if err == nil {
		r.report = &report.Report{}
		if err := json.Unmarshal(b, r.report); err != nil {
			w.t.Fatalf("report is not JSON: %v\n%s", err, b)
		}
	}
	checkOffline(w.t, r.stdout, r.stderr, string(b))
	return r
}

// checkOffline fails a test whose command tried to reach a host the test
// does not mirror (deadProxy refused it).
func checkOffline(t *testing.T, outputs ...string) {
	t.Helper()
	host := strings.TrimPrefix(deadProxy, "http://")
	for _, o := range outputs {
		if i := strings.Index(o, host); i >= 0 {
			t.Errorf("a request left for the network (mirror its host in the test):\n%s", o[max(0, i-300):min(len(o), i+200)])
			return
		}
	}
}

// runPlain runs a command that takes no --report.
func (w *world) runPlain(env map[string]string, args ...string) result {
	w.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	code := Main(context.Background(), args, ios, mapEnv(env))
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func (w *world) read(name string) string {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.catalog, "etc/images", name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// deadProxy is a proxy no one listens at. Every command a test runs gets it
// (unless the test sets a proxy of its own), so a request for a host the
// test forgot to mirror fails at once on this machine, and a test can never
// reach the network; the test mirrors, git servers and fake GitHub listen on
// loopback addresses, which are never proxied.
const deadProxy = "http://127.0.0.1:9"

func mapEnv(m map[string]string) LookupEnv {
	proxied := false
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		if _, ok := m[k]; ok {
			proxied = true
		}
	}
	return func(k string) (string, bool) {
		if !proxied && (k == "HTTPS_PROXY" || k == "HTTP_PROXY") {
			return deadProxy, true
		}
		v, ok := m[k]
		return v, ok
	}
}

func TestRunLocalEndToEnd(t *testing.T) {
	w := newWorld(t)
	before := w.read("ubuntu.yml")
	cirros := w.read("cirros.yml")

	r := w.run(nil, w.args("run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	u := byImage(r.report)
	ub, deb := u["Ubuntu 24.04"], u["Debian 12"]
	if ub == nil || deb == nil {
		t.Fatalf("updates %+v", r.report.Updates)
	}
	checkUpdate(t, ub, "20260615", "20260705", "2026-07-05",
		"sha256:"+layout.UbuntuDigest(ubuntuFile, "20260705", ""),
		"https://cloud-images.ubuntu.com/releases/noble/release-20260705/"+ubuntuFile, "new")
	checkUpdate(t, deb, "", "20250210-2019", "2025-02-10",
		"sha512:"+layout.DebianDigest(debianName, "20250210-2019", ""),
		"https://cloud.debian.org/images/cloud/bookworm/20250210-2019/debian-12-genericcloud-amd64-20250210-2019.qcow2", "new")
	if got := strings.Join(r.report.Files, ","); got != "etc/images/debian.yml,etc/images/ubuntu.yml" {
		t.Fatalf("files %s", got)
	}

	after := w.read("ubuntu.yml")
	golden.Assert(t, "testdata/golden/ubuntu.yml", after)
	golden.Assert(t, "testdata/golden/debian.yml", w.read("debian.yml"))
	// The hand-written entry and the comments survive byte for byte.
	keep := before[:strings.Index(before, "  - name: Ubuntu 24.04")]
	if !strings.HasPrefix(after, keep) {
		t.Fatalf("bytes before the managed entry changed:\n%s", after)
	}
	if !strings.Contains(after, "mirror_url: \n          https://nbg1.your-objectstorage.com/osism/openstack-images/ubuntu-24.04/20260615-ubuntu-24.04.qcow2") {
		t.Fatalf("a hand-added key of an existing version was lost:\n%s", after)
	}
	if w.read("cirros.yml") != cirros {
		t.Fatal("an unmanaged file changed")
	}
	for _, f := range []string{"ubuntu.yml", "debian.yml"} {
		if errs := catalog.Validate(f, []byte(w.read(f))); len(errs) > 0 {
			t.Fatalf("%s fails the schema: %v", f, errs)
		}
	}

	// A second run with no upstream change changes nothing, with one request
	// per image.
	w.mirror.ResetCounts()
	r2 := w.run(nil, w.args("run")...)
	if r2.code != ExitOK || len(r2.report.Updates) != 0 || len(r2.report.Unchanged) != 2 {
		t.Fatalf("second run: exit %d, report %+v\n%s", r2.code, r2.report, r2.stderr)
	}
	if w.read("ubuntu.yml") != after {
		t.Fatal("second run changed ubuntu.yml")
	}
	if n := w.mirror.Count(); n != 2 {
		t.Fatalf("second run made %d requests, want 2 (one checksum file per image): %v", n, w.mirror.Requests())
	}
}

func TestRunDryRunPrintsPullRequestAndDiff(t *testing.T) {
	w := newWorld(t)
	before := w.read("ubuntu.yml")
	r := w.run(nil, w.args("run", "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if w.read("ubuntu.yml") != before {
		t.Fatal("dry run wrote a file")
	}
	if _, err := os.Stat(filepath.Join(w.catalog, "etc/images/debian.yml")); err == nil {
		t.Fatal("dry run created a file")
	}
	for _, want := range []string{
		"# Update images: Ubuntu 24.04 20260705, Debian 12 20250210-2019",
		"| Ubuntu 24.04 | 20260615 → **20260705** | 2026-07-05 |",
		"diff --git a/etc/images/ubuntu.yml b/etc/images/ubuntu.yml",
		"+++ b/etc/images/debian.yml",
		"--- /dev/null",
		"+      - version: '20260705'",
		report.Marker,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q", want)
		}
	}
	if !r.report.DryRun || r.report.PullRequest != nil {
		t.Fatalf("report of a dry run: %+v", r.report)
	}
	if t.Failed() {
		t.Log(r.stdout)
	}
}

func TestRespinIsFlaggedAndUpdatedInPlace(t *testing.T) {
	w := newWorld(t)
	if r := w.run(nil, w.args("run")...); r.code != ExitOK {
		t.Fatalf("first run: %d %s", r.code, r.stderr)
	}
	// Upstream replaces the published 20260705 build.
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705"}, "respin")
	r := w.run(nil, w.args("run", "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	ub := byImage(r.report)["Ubuntu 24.04"]
	if ub == nil || ub.Kind != "respin" || ub.Version != "20260705" || ub.Checksum != "sha256:"+layout.UbuntuDigest(ubuntuFile, "20260705", "respin") {
		t.Fatalf("respin update %+v", ub)
	}
	if !strings.Contains(r.stdout, "Respin: upstream replaced a published build") {
		t.Fatalf("respin not flagged in the pull request body:\n%s", r.stdout)
	}
}

func TestOneImageFailsOthersProceed(t *testing.T) {
	w := newWorld(t)
	before := w.read("ubuntu.yml")
	w.mirror.Fault("/debian/images/cloud/bookworm/latest/SHA512SUMS", mirror.Fault{Status: 503})
	r := w.run(nil, w.args("run")...)
	if r.code != ExitFailures {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitFailures, r.stderr)
	}
	if len(r.report.Failures) != 1 || r.report.Failures[0].Image != "Debian 12" || !strings.Contains(r.report.Failures[0].Error, "503") {
		t.Fatalf("failures %+v", r.report.Failures)
	}
	if byImage(r.report)["Ubuntu 24.04"] == nil || w.read("ubuntu.yml") == before {
		t.Fatal("Ubuntu was not updated although only Debian failed")
	}
	if _, err := os.Stat(filepath.Join(w.catalog, "etc/images/debian.yml")); err == nil {
		t.Fatal("the failed image's file was written")
	}
}

func TestUsageErrors(t *testing.T) {
	w := newWorld(t)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nimages:\n  - name: X\n    tpye: ubuntu\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"run", "--nope"}, "unknown flag"},
		{"bad sources", w.args("run", "--sources", bad), "bad.yaml:4: unknown key \"tpye\""},
		{"bad mirror", []string{"run", "--mirror", "nonsense"}, "--mirror"},
		{"bad only", w.args("crawl", "--only", "Nope 1"), `"Nope 1"`},
		{"bad signatures", []string{"run", "--signatures", "maybe"}, "--signatures"},
		{"missing templates", []string{"run", "--templates", "/nonexistent"}, "templates"},
		{"negative concurrency", w.args("crawl", "--concurrency", "-1"), "--concurrency -1: want 0 (no global bound) or more"},
		{"no per-host slot", w.args("crawl", "--per-host", "0"), "--per-host 0: want at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.run(nil, tt.args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", r.code, r.stderr, tt.want)
			}
		})
	}
}

func TestEnvironmentSetsFlags(t *testing.T) {
	w := newWorld(t)
	env := map[string]string{
		"IMAGE_CRAWLER_ONLY":    "Ubuntu 24.04\nDebian 12",
		"IMAGE_CRAWLER_ADD":     "Debian 12",
		"IMAGE_CRAWLER_MIRROR":  "https://cloud-images.ubuntu.com/=" + w.mirror.URL + "/ubuntu/\nhttps://cloud.debian.org/=" + w.mirror.URL + "/debian/",
		"IMAGE_CRAWLER_CATALOG": w.catalog,
		// No signatures by the real keys on the test mirror.
		"IMAGE_CRAWLER_SIGNATURES": "optional",
	}
	r := w.run(env, "crawl", "--json")
	if r.code != ExitOK || len(r.report.Updates) != 2 {
		t.Fatalf("exit %d report %+v\n%s", r.code, r.report, r.stderr)
	}
}

func TestCrawlTable(t *testing.T) {
	w := newWorld(t)
	r := w.run(nil, w.args("crawl")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"IMAGE", "Ubuntu 24.04", "20260615", "20260705", "new", "Debian 12", "20250210-2019"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestValidate(t *testing.T) {
	w := newWorld(t)
	r := w.runPlain(nil, "validate", "--catalog", w.catalog)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	os.WriteFile(filepath.Join(w.catalog, "etc/images/broken.yml"), []byte("images:\n  - name: [\n"), 0o644)
	r = w.runPlain(nil, "validate", "--catalog", w.catalog)
	if r.code != ExitError || !strings.Contains(r.stderr, "broken.yml:") {
		t.Fatalf("broken catalog: exit %d\n%s", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if code := Main(context.Background(), []string{"version"}, ios, mapEnv(nil)); code != 0 || !strings.HasPrefix(out.String(), "image-crawler ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
}

func byImage(r *report.Report) map[string]*report.Update {
	m := map[string]*report.Update{}
	for i := range r.Updates {
		m[r.Updates[i].Image] = &r.Updates[i]
	}
	return m
}

func checkUpdate(t *testing.T, u *report.Update, prev, version, date, sum, url, kind string) {
	t.Helper()
	gotPrev := ""
	if u.PreviousVersion != nil {
		gotPrev = *u.PreviousVersion
	}
	if gotPrev != prev || u.Version != version || u.BuildDate != date || u.Checksum != sum || u.URL != url || u.Kind != kind {
		t.Errorf("%s: got %s -> %s %s %s %s %s\nwant %s -> %s %s %s %s %s", u.Image,
			gotPrev, u.Version, u.BuildDate, u.Checksum, u.URL, u.Kind, prev, version, date, sum, url, kind)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestList(t *testing.T) {
	w := &world{t: t}
	r := w.runPlain(nil, "list", "--json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got []list.Image
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	byName := map[string]list.Image{}
	for _, l := range got {
		byName[l.Name] = l
	}
	if l := byName["Ubuntu {release}"]; l.File != "ubuntu.yml" || l.Type != "ubuntu" || l.Arch != "x86_64" || l.Releases == 0 {
		t.Fatalf("Ubuntu {release}: %+v", l)
	}
	if l := byName["Fedora {release}"]; l.Releases == 0 {
		t.Fatalf("Fedora {release} is a per-release source: %+v", l)
	}
	plain := w.runPlain(nil, "list")
	if plain.code != ExitOK || !strings.Contains(plain.stdout, "Ubuntu {release} Minimal") || !strings.HasPrefix(plain.stdout, "IMAGE") {
		t.Fatalf("exit %d\n%s", plain.code, plain.stdout)
	}
}
