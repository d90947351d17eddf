package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/internal/verify"
)

// gitCatalog makes dir (a catalog checkout) a git repository: everything in
// it committed on main, then a branch pr checked out, as a pull request's
// checkout looks.
func gitCatalog(t *testing.T, dir string) *git.Repository {
	t.Helper()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.Main},
	})
	if err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "catalog")
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("pr"), Create: true}); err != nil {
		t.Fatal(err)
	}
	return repo
}

func commitAll(t *testing.T, repo *git.Repository, msg string) {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Test", Email: "test@example.org", When: time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC)}
	if _, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true}); err != nil {
		t.Fatal(err)
	}
}

// verifyArgs are verify's flags for the e2e world's mirror.
func (w *world) verifyArgs(extra ...string) []string {
	return append([]string{"verify", "--catalog", w.catalog,
		"--mirror", "https://cloud-images.ubuntu.com/=" + w.mirror.URL + "/ubuntu/",
		"--mirror", "https://cloud.debian.org/=" + w.mirror.URL + "/debian/",
		"--mirror", "https://mirror.example.org/=" + w.mirror.URL + "/objects/",
	}, extra...)
}

func verifyReport(t *testing.T, r result) *verify.Report {
	t.Helper()
	rep := &verify.Report{}
	if err := json.Unmarshal([]byte(r.stdout), rep); err != nil {
		t.Fatalf("not JSON: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	return rep
}

// TestVerifyTheBotsPullRequest: what run writes passes verify.
func TestVerifyTheBotsPullRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	repo := gitCatalog(t, w.catalog)
	if r := w.run(nil, w.args("run")...); r.code != ExitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	commitAll(t, repo, "Update images")

	r := w.runPlain(nil, w.verifyArgs("--json", "--signatures", "optional")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := verifyReport(t, r)
	seen := map[string]bool{}
	for _, it := range rep.Items {
		if it.Status != verify.OK {
			t.Errorf("%s:%d %s %s: %s (%v)", it.File, it.Line, it.Image, it.Version, it.Status, it.Reason())
		}
		seen[it.Image+" "+it.Version] = true
		for _, c := range []string{"pinned", "published", "checksum", "build_date"} {
			if !strings.Contains(strings.Join(it.Checked, " "), c) {
				t.Errorf("%s %s: %s not checked: %v", it.Image, it.Version, c, it.Checked)
			}
		}
	}
	if !seen["Ubuntu 24.04 20260705"] || !seen["Debian 12 20250210-2019"] {
		t.Errorf("items checked: %v", seen)
	}
	// Unsigned checksum files are said, not passed silently.
	for _, it := range rep.Items {
		if !strings.Contains(strings.Join(it.Unchecked, " "), "signature not checked") {
			t.Errorf("%s %s: unchecked %v", it.Image, it.Version, it.Unchecked)
		}
	}

	// The table says the same.
	r = w.runPlain(nil, w.verifyArgs("--signatures", "optional")...)
	if r.code != ExitOK || !strings.Contains(r.stdout, "etc/images/ubuntu.yml:") || !strings.Contains(r.stdout, "0 failed") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestVerifyUnchangedCatalogChecksNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	gitCatalog(t, w.catalog)
	r := w.runPlain(nil, w.verifyArgs()...)
	if r.code != ExitOK || !strings.Contains(r.stdout, "nothing to check") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := w.mirror.Count(); n != 0 {
		t.Errorf("%d requests for an unchanged catalog", n)
	}
}

// ubuntuItem is a version item of Ubuntu 24.04 in the style of ubuntu.yml.
func ubuntuItem(version, url, checksum, date, mirrorURL string) string {
	s := "      - version: '" + version + "'\n        url: \n          " + url + "\n"
	if mirrorURL != "" {
		s += "        mirror_url: \n          " + mirrorURL + "\n"
	}
	return s + "        checksum: \n          " + checksum + "\n        build_date: " + date + "\n"
}

const noble = "https://cloud-images.ubuntu.com/releases/noble/"

// appendItem appends item to ubuntu.yml (its last image is Ubuntu 24.04)
// and returns the item's line.
func appendItem(t *testing.T, catalogDir, item string) int {
	t.Helper()
	p := filepath.Join(catalogDir, "etc/images/ubuntu.yml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(b, item...), 0o644); err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n") + 1
}

// TestVerifyHandMadeMistakes: each mistake fails with its own message, on
// the item's line.
func TestVerifyHandMadeMistakes(t *testing.T) {
	t.Parallel()
	sum := func(v string) string { return "sha256:" + layout.UbuntuDigest(ubuntuFile, v, "") }
	pinned := noble + "release-20260705/" + ubuntuFile
	mirrored := "https://mirror.example.org/images/ubuntu-24.04/20260705-ubuntu-24.04.qcow2"
	tests := []struct {
		name  string
		item  string
		extra []string
		want  string // "" = passes
	}{
		{"right", ubuntuItem("20260705", pinned, sum("20260705"), "2026-07-05", ""), nil, ""},
		{"wrong checksum", ubuntuItem("20260705", pinned, "sha256:"+layout.Digest("sha256", "nonsense"), "2026-07-05", ""), nil, "wrong checksum: "},
		{"alias url", ubuntuItem("20260705", noble+"release/"+ubuntuFile, sum("20260705"), "2026-07-05", ""), nil, "url is an alias, not pinned to one build: its directory release/"},
		{"url 404", ubuntuItem("20260706", noble+"release-20260706/"+ubuntuFile, sum("20260705"), "2026-07-06", ""), nil, "url does not answer: HEAD " + noble + "release-20260706/" + ubuntuFile + ": 404"},
		{"checksum of another build", ubuntuItem("20260705", pinned, sum("20260615"), "2026-07-05", ""), nil, "checksum from another build: the catalog records the checksum of version 20260615"},
		{"sorts first", ubuntuItem("2026.07.05", pinned, sum("20260705"), "2026-07-05", ""), nil, "version 2026.07.05 does not sort last by natsort: the image manager imports 20260615"},
		{"build_date off by a month", ubuntuItem("20260705", pinned, sum("20260705"), "2026-06-05", ""), nil, "build_date 2026-06-05 does not match the build: the build's name says 2026-07-05"},
		{"mirror_url missing", ubuntuItem("20260705", pinned, sum("20260705"), "2026-07-05", mirrored), nil, "mirror_url does not answer: HEAD " + mirrored + ": 404"},
		{"mirror_url skipped", ubuntuItem("20260705", pinned, sum("20260705"), "2026-07-05", mirrored), []string{"--skip-mirror"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			repo := gitCatalog(t, w.catalog)
			line := appendItem(t, w.catalog, tt.item)
			commitAll(t, repo, "by hand")
			r := w.runPlain(nil, w.verifyArgs(append([]string{"--json", "--signatures", "optional"}, tt.extra...)...)...)
			rep := verifyReport(t, r)
			if len(rep.Items) != 1 {
				t.Fatalf("items %+v", rep.Items)
			}
			it := rep.Items[0]
			if it.File != "etc/images/ubuntu.yml" || it.Line != line || it.Image != "Ubuntu 24.04" || it.Change != verify.Added {
				t.Errorf("item at %s:%d (%s, %s), want etc/images/ubuntu.yml:%d", it.File, it.Line, it.Image, it.Change, line)
			}
			if tt.want == "" {
				if r.code != ExitOK || it.Status != verify.OK {
					t.Fatalf("exit %d, %s: %s", r.code, it.Status, it.Reason())
				}
				return
			}
			if r.code != ExitFailures || it.Status != verify.Failed {
				t.Fatalf("exit %d, %s: %s", r.code, it.Status, it.Reason())
			}
			if len(it.Failures) != 1 || !strings.Contains(it.Reason(), tt.want) {
				t.Errorf("reason %q\nwant it to contain %q", it.Reason(), tt.want)
			}
		})
	}
}

// TestVerifyMirrorURL: a mirror_url that serves the same file passes, one of
// another size fails.
func TestVerifyMirrorURL(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	repo := gitCatalog(t, w.catalog)
	mod := time.Date(2026, 7, 5, 0, 0, 0, 0, time.UTC)
	w.mirror.BigFile("/objects/images/ubuntu-24.04/20260705-ubuntu-24.04.qcow2", layout.ImageSize, mod)
	w.mirror.BigFile("/objects/images/ubuntu-24.04/short.qcow2", layout.ImageSize-1, mod)
	sum := "sha256:" + layout.UbuntuDigest(ubuntuFile, "20260705", "")
	pinned := noble + "release-20260705/" + ubuntuFile
	appendItem(t, w.catalog, ubuntuItem("20260705", pinned, sum, "2026-07-05", "https://mirror.example.org/images/ubuntu-24.04/20260705-ubuntu-24.04.qcow2"))
	commitAll(t, repo, "by hand")
	r := w.runPlain(nil, w.verifyArgs("--json", "--signatures", "optional")...)
	if rep := verifyReport(t, r); r.code != ExitOK || !strings.Contains(strings.Join(rep.Items[0].Checked, " "), "mirror_url") {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	// The same item, another mirror file: against the commit before,
	// modified, and failed.
	p := filepath.Join(w.catalog, "etc/images/ubuntu.yml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), "20260705-ubuntu-24.04.qcow2", "short.qcow2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "other mirror")
	r = w.runPlain(nil, w.verifyArgs("--json", "--signatures", "optional", "--base", "HEAD~1")...)
	rep := verifyReport(t, r)
	if r.code != ExitFailures || len(rep.Items) != 1 || rep.Items[0].Change != verify.Modified ||
		!strings.Contains(rep.Items[0].Reason(), "has 629145599 bytes, url 629145600: not the same file") {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
}

// TestVerifyForgedSignature: a checksum file signed by a key the source does
// not trust fails the item, though its checksum is right.
func TestVerifyForgedSignature(t *testing.T) {
	t.Parallel()
	w := newSignedWorld(t)
	repo := gitCatalog(t, w.catalog)
	sum := "sha256:" + layout.UbuntuDigest(ubuntuFile, "20260705", "")
	appendItem(t, w.catalog, ubuntuItem("20260705", noble+"release-20260705/"+ubuntuFile, sum, "2026-07-05", ""))
	commitAll(t, repo, "by hand")
	args := w.verifyArgs("--json", "--sources", w.sources)

	r := w.runPlain(nil, args...)
	rep := verifyReport(t, r)
	if r.code != ExitOK || !strings.Contains(strings.Join(rep.Items[0].Checked, " "), "signature") {
		t.Fatalf("signed by the trusted key: exit %d\n%s", r.code, r.stdout)
	}

	w.Sign(t, w.Stranger, "20260705")
	r = w.runPlain(nil, args...)
	rep = verifyReport(t, r)
	if r.code != ExitFailures || len(rep.Items) != 1 || !strings.Contains(rep.Items[0].Reason(), "signature: verify signature of "+noble+"release-20260705/SHA256SUMS") {
		t.Fatalf("forged: exit %d\n%s", r.code, r.stdout)
	}
}

// TestVerifyAsTheAction: command: verify with the action's inputs puts an
// error annotation on the failing item's line and the table in the job
// summary.
func TestVerifyAsTheAction(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	repo := gitCatalog(t, w.catalog)
	pinned := noble + "release-20260705/" + ubuntuFile
	line := appendItem(t, w.catalog, ubuntuItem("20260705", pinned, "sha256:"+layout.Digest("sha256", "nonsense"), "2026-07-05",
		"https://mirror.example.org/nowhere.qcow2"))
	commitAll(t, repo, "by hand")
	summary := filepath.Join(t.TempDir(), "summary")
	env := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_STEP_SUMMARY": summary,
		"GITHUB_BASE_REF":     "main",
		"INPUT_COMMAND":       "verify",
		"INPUT_CATALOG":       w.catalog,
		"INPUT_MIRROR":        "https://cloud-images.ubuntu.com/=" + w.mirror.URL + "/ubuntu/",
		"INPUT_SIGNATURES":    "optional",
		"INPUT_SKIP-MIRROR":   "true",
		"INPUT_BASE":          "",
	}
	r := w.runPlain(env, "verify")
	if r.code != ExitFailures {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want := fmt.Sprintf("::error title=image-crawler verify (Ubuntu 24.04 20260705),file=etc/images/ubuntu.yml,line=%d::wrong checksum: ", line)
	if !strings.Contains(r.stdout, want) {
		t.Errorf("no annotation %q in:\n%s", want, r.stdout)
	}
	if strings.Contains(r.stdout, "mirror_url does not answer") {
		t.Errorf("skip-mirror input ignored:\n%s", r.stdout)
	}
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "❌ 1 item failed") || !strings.Contains(string(b), fmt.Sprintf("| `etc/images/ubuntu.yml:%d` | Ubuntu 24.04 | 20260705 | added | ❌ failed | wrong checksum: ", line)) {
		t.Errorf("summary:\n%s", b)
	}
}

// TestVerifyBaseNotThere: a base the local repository lacks, or a shallow
// clone without the history to find it, is a usage error that says so.
func TestVerifyBaseNotThere(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	repo := gitCatalog(t, w.catalog)
	appendItem(t, w.catalog, "# a change\n")
	commitAll(t, repo, "change")

	r := w.runPlain(nil, w.verifyArgs("--base", "no-such-branch")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "base no-such-branch: not in the local repository") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}

	// A shallow clone of the pull request's branch alone.
	clone := t.TempDir()
	if _, err := git.PlainClone(clone, false, &git.CloneOptions{
		URL: w.catalog, ReferenceName: plumbing.NewBranchReferenceName("pr"), SingleBranch: true, Depth: 1,
	}); err != nil {
		t.Fatal(err)
	}
	r = w.runPlain(nil, w.verifyArgs("--catalog", clone)...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "the repository is a shallow clone") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}

	r = w.runPlain(nil, w.verifyArgs("--catalog", t.TempDir())...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "is not the top directory of a git repository") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// TestVerifyEntriesNoSourceDescribes: an entry no source names is checked
// as far as its URL allows, and what could not be checked is said.
func TestVerifyEntriesNoSourceDescribes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	repo := gitCatalog(t, w.catalog)
	w.mirror.BigFile("/objects/other/image.qcow2", layout.ImageSize, time.Date(2026, 7, 5, 12, 0, 0, 0, time.UTC))
	p := filepath.Join(w.catalog, "etc/images/ubuntu.yml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// Two items for Ubuntu 16.04, which no source names: one beside a
	// SHA256SUMS, one beside nothing.
	items := ubuntuItem("20260705", noble+"release-20260705/"+ubuntuFile, "sha256:"+layout.UbuntuDigest(ubuntuFile, "20260705", ""), "2026-07-05", "") +
		ubuntuItem("20260706", "https://mirror.example.org/other/image.qcow2", "sha256:"+layout.Digest("sha256", "x"), "2026-07-05", "")
	at := strings.Index(string(b), "\n\n  - name: Ubuntu 24.04")
	if err := os.WriteFile(p, []byte(string(b[:at+1])+items+string(b[at+1:])), 0o644); err != nil {
		t.Fatal(err)
	}
	line := strings.Count(string(b[:at+1]), "\n") + 1
	commitAll(t, repo, "by hand")
	r := w.runPlain(nil, w.verifyArgs("--json")...)
	rep := verifyReport(t, r)
	if r.code != ExitOK || len(rep.Items) != 2 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	first, second := rep.Items[0], rep.Items[1]
	if first.Line != line || first.Image != "Ubuntu 16.04" || first.Status != verify.OK ||
		!strings.Contains(first.Reason(), "signature not checked: no source describes this entry") {
		t.Errorf("first %+v", first)
	}
	if second.Line != line+6 || second.Status != verify.NotCheckable ||
		second.Reason() != "checksum not checked: no checksum file beside image.qcow2 lists it (tried SHA256SUMS, SHA512SUMS, CHECKSUM, image.qcow2.sha256, DIGESTS)" {
		t.Errorf("second %+v", second)
	}
	if !strings.Contains(strings.Join(second.Checked, " "), "build_date") {
		t.Errorf("build_date from Last-Modified not checked: %+v", second)
	}
}

// TestVerifySchema: a changed file that breaks the catalog's schema fails
// on the line at fault.
func TestVerifySchema(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// A file that was broken before the change is not the change's.
	if err := os.WriteFile(filepath.Join(w.catalog, "etc/images/broken.yml"), []byte("images: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := gitCatalog(t, w.catalog)
	p := filepath.Join(w.catalog, "etc/images/cirros.yml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), "min_disk: ", "min_disk: many", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "by hand")
	r := w.runPlain(nil, w.verifyArgs("--json")...)
	rep := verifyReport(t, r)
	if r.code != ExitFailures || len(rep.Items) != 1 || rep.Items[0].Change != verify.Schema || rep.Items[0].File != "etc/images/cirros.yml" ||
		rep.Items[0].Line == 0 || !strings.HasPrefix(rep.Items[0].Reason(), "schema: images[0].min_disk") {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}

	// A file the change breaks is.
	appendItem(t, w.catalog, "  - name: [\n")
	commitAll(t, repo, "broken")
	r = w.runPlain(nil, w.verifyArgs("--json")...)
	rep = verifyReport(t, r)
	if r.code != ExitFailures || len(rep.Items) != 2 || rep.Items[1].File != "etc/images/ubuntu.yml" || rep.Items[1].Change != verify.Schema {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
}

// TestVerifySharesFetches: items of two entries in one build read its
// checksum file once, and HEAD its image once.
func TestVerifySharesFetches(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	repo := gitCatalog(t, w.catalog)
	item := ubuntuItem("20260705", noble+"release-20260705/"+ubuntuFile, "sha256:"+layout.UbuntuDigest(ubuntuFile, "20260705", ""), "2026-07-05", "")
	p := filepath.Join(w.catalog, "etc/images/ubuntu.yml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(string(b), "\n\n  - name: Ubuntu 24.04")
	if err := os.WriteFile(p, []byte(string(b[:at+1])+item+string(b[at+1:])+item), 0o644); err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "by hand")
	r := w.runPlain(nil, w.verifyArgs("--json", "--signatures", "optional")...)
	if rep := verifyReport(t, r); r.code != ExitOK || len(rep.Items) != 2 {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	build := "/ubuntu/releases/noble/release-20260705/"
	if n := w.mirror.CountPath("GET", build+"SHA256SUMS"); n != 1 {
		t.Errorf("SHA256SUMS fetched %d times", n)
	}
	if n := w.mirror.CountPath("HEAD", build+ubuntuFile); n != 1 {
		t.Errorf("image HEAD %d times", n)
	}
}

// TestVerifyServedAs: a 302 to the file counts as published; a web page in
// its place does not.
func TestVerifyServedAs(t *testing.T) {
	t.Parallel()
	page := mirror.Fault{Body: []byte("<html><body>Not here</body></html>"), Header: http.Header{"Content-Type": {"text/html"}}}
	mirrorPath := "/objects/images/ubuntu-24.04/20260705-ubuntu-24.04.qcow2"
	tests := []struct {
		name  string
		path  string // of the fault
		fault mirror.Fault
		want  string // "" = passes
	}{
		{"mirror_url redirects to the file", mirrorPath, mirror.Fault{Status: http.StatusFound, Header: http.Header{"Location": {"/objects/store/abc.qcow2"}}}, ""},
		{"mirror_url is a web page", mirrorPath, page, "mirror_url https://mirror.example.org/images/ubuntu-24.04/20260705-ubuntu-24.04.qcow2 is a web page (text/html), not an image"},
		{"url is a web page", ubuntuBase + "release-20260705/" + ubuntuFile, page, "url " + noble + "release-20260705/" + ubuntuFile + " is a web page (text/html), not an image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			repo := gitCatalog(t, w.catalog)
			mod := time.Date(2026, 7, 5, 0, 0, 0, 0, time.UTC)
			w.mirror.BigFile(mirrorPath, layout.ImageSize, mod)
			w.mirror.BigFile("/objects/store/abc.qcow2", layout.ImageSize, mod)
			w.mirror.Fault(tt.path, tt.fault)
			appendItem(t, w.catalog, ubuntuItem("20260705", noble+"release-20260705/"+ubuntuFile, "sha256:"+layout.UbuntuDigest(ubuntuFile, "20260705", ""), "2026-07-05",
				"https://mirror.example.org/images/ubuntu-24.04/20260705-ubuntu-24.04.qcow2"))
			commitAll(t, repo, "by hand")
			r := w.runPlain(nil, w.verifyArgs("--json", "--signatures", "optional")...)
			rep := verifyReport(t, r)
			if len(rep.Items) != 1 {
				t.Fatalf("items %+v", rep.Items)
			}
			it := rep.Items[0]
			if tt.want == "" {
				if r.code != ExitOK || it.Status != verify.OK {
					t.Fatalf("exit %d: %s %s", r.code, it.Status, it.Reason())
				}
				return
			}
			if r.code != ExitFailures || len(it.Failures) != 1 || it.Failures[0] != tt.want {
				t.Fatalf("exit %d: %q\nwant %q", r.code, it.Failures, tt.want)
			}
		})
	}
}

// TestVerifyTheBotsPullRequestOnTheOsismCatalog: the bot's change to the
// image manager's own catalog (every layout it follows) passes verify.
func TestVerifyTheBotsPullRequestOnTheOsismCatalog(t *testing.T) {
	t.Parallel()
	w := newOsismWorld(t)
	repo := gitCatalog(t, w.catalog)
	if r := w.run(w.args("run")...); r.code != ExitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	commitAll(t, repo, "Update images")
	ww := &world{t: t}
	r := ww.runPlain(nil, w.args("verify", "--json")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := verifyReport(t, r)
	if len(rep.Items) < 10 {
		t.Errorf("only %d items checked", len(rep.Items))
	}
	for _, it := range rep.Items {
		t.Logf("%s:%d %s %s %s checked %v unchecked %v", it.File, it.Line, it.Image, it.Version, it.Status, it.Checked, it.Unchecked)
	}
	for _, it := range rep.Items {
		if it.Status != verify.OK {
			t.Errorf("%s:%d %s %s: %s: %s", it.File, it.Line, it.Image, it.Version, it.Status, it.Reason())
		}
	}
}
