package cli

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/testenv/golden"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/sources"
)

// End-to-end tests of the AlmaLinux, Rocky, CentOS Stream and Fedora images
// of the built-in sources file, amd64 and arm64, through the real CLI and a
// mirror laid out like repo.almalinux.org (nginx), dl.rockylinux.org and
// dl.fedoraproject.org (Apache FancyIndexing) and cloud.centos.org (Apache
// HTMLTable). The mirror cannot sign with the distributions' keys, so the
// runs say --signatures off.

// elTypes are the source types these tests cover.
var elTypes = []string{"alias-checksum", "alias-checksum-minor", "fedora"}

var (
	almaBuilds  = map[string]string{"8": "8.10-20240819", "9": "9.8-20260526", "10": "10.2-20260526.0"}
	rockyBuilds = map[string][]string{
		"8":  {"8.9-20231119.0", "8.10-20240528.0"},
		"9":  {"9.5-20241118.0", "9.6-20250531.0"},
		"10": {"10.0-20250609.1", "10.1-20251125.0"},
	}
	// CentOS Stream 9 x86_64 is the real capture (20260714.1); the others
	// publish out of order with a same-day respin.
	centosBuilds = map[string][]string{
		"9":  {"20260630.2", "20260615.0", "20260630.0", "20260714.1"},
		"10": {"20260720.0", "20260601.0", "20260720.1"},
	}
	f41 = layout.FedoraCompose{ID: "41-1.4", Modified: time.Date(2024, 10, 24, 13, 32, 0, 0, time.UTC)}
	f42 = layout.FedoraCompose{ID: "42-1.1", Modified: time.Date(2025, 4, 11, 9, 2, 0, 0, time.UTC)}
	f43 = layout.FedoraCompose{ID: "43-1.6", Modified: time.Date(2025, 10, 23, 23, 50, 0, 0, time.UTC)}
	f44 = layout.FedoraCompose{ID: "44-1.7", Modified: time.Date(2026, 4, 21, 8, 1, 0, 0, time.UTC)}
	f45 = layout.FedoraCompose{ID: "45-1.2", Modified: time.Date(2026, 10, 20, 6, 40, 0, 0, time.UTC)}
)

// elWorld is a mirror of the four hosts and a catalog directory.
type elWorld struct {
	*world
	sources string // a sources file holding the built-in entries of elTypes only
}

func newELWorld(t *testing.T) *elWorld {
	t.Helper()
	w := &elWorld{world: &world{t: t, mirror: mirror.New(t), catalog: t.TempDir()}, sources: sourcesOfTypes(t, elTypes)}
	copyDir(t, "testdata/enterprise-linux/catalog", w.catalog)
	for major, b := range almaBuilds {
		for _, arch := range []string{"x86_64", "aarch64"} {
			layout.AlmaLinux(w.mirror, "/alma/almalinux/", major, arch, b, "")
		}
	}
	for major, bs := range rockyBuilds {
		for _, arch := range []string{"x86_64", "aarch64"} {
			layout.Rocky(w.mirror, "/rocky/pub/rocky/", major, arch, bs, "")
		}
	}
	for major, bs := range centosBuilds {
		for _, arch := range []string{"x86_64", "aarch64"} {
			layout.CentOSStream(w.mirror, "/centos/centos/", major, arch, bs, "")
		}
	}
	layout.CentOSStream9Capture(w.mirror, "/centos/centos/")
	layout.Fedora(w.mirror, "/fedora/pub/fedora/linux/releases/", "", f41, f42, f43, f44)
	return w
}

func (w *elWorld) args(extra ...string) []string {
	return append(extra,
		// --add-all: the catalog holds one hand-written entry, and these
		// tests want every image of the sources written.
		"--catalog", w.catalog, "--sources", w.sources, "--signatures", "off", "--add-all",
		"--mirror", "https://repo.almalinux.org/="+w.mirror.URL+"/alma/",
		"--mirror", "https://dl.rockylinux.org/="+w.mirror.URL+"/rocky/",
		"--mirror", "https://cloud.centos.org/="+w.mirror.URL+"/centos/",
		"--mirror", "https://dl.fedoraproject.org/="+w.mirror.URL+"/fedora/",
	)
}

// sourcesOfTypes writes the built-in sources file with only the entries of
// the given types (anchors and all), so a run crawls exactly those and never
// a host the test does not serve.
func sourcesOfTypes(t *testing.T, types []string) string {
	t.Helper()
	data, err := sources.FS.ReadFile(sources.Name)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "images" {
			continue
		}
		seq := root.Content[i+1]
		var keep []*yaml.Node
		for _, item := range seq.Content {
			for j := 0; j+1 < len(item.Content); j += 2 {
				if item.Content[j].Value == "type" && slices.Contains(types, item.Content[j+1].Value) {
					keep = append(keep, item)
				}
			}
		}
		seq.Content = keep
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// Keys are named relative to the sources file; the built-in ones are
	// found when they are not next to it.
	path := filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// elWant is what a run must report for one image.
type elWant struct {
	image, file, version, checksum, url, date, checksumURL string
}

func almaWant(major, arch string) elWant {
	b := almaBuilds[major]
	dir := "https://repo.almalinux.org/almalinux/" + major + "/cloud/" + arch + "/images/"
	return elWant{
		image: imageName("AlmaLinux "+major, arch), file: "etc/images/almalinux.yml", version: b,
		checksum: "sha256:" + layout.AlmaLinuxDigest(major, arch, b, ""),
		url:      dir + "AlmaLinux-" + major + "-GenericCloud-" + b + "." + arch + ".qcow2",
		date:     isoDate(b), checksumURL: dir + "CHECKSUM",
	}
}

func rockyWant(major, arch string) elWant {
	bs := rockyBuilds[major]
	b := bs[len(bs)-1]
	minor, _, _ := strings.Cut(b, "-")
	return elWant{
		image: imageName("Rocky "+major, arch), file: "etc/images/rockylinux.yml", version: b,
		checksum:    "sha256:" + layout.RockyDigest(major, arch, b, ""),
		url:         "https://dl.rockylinux.org/pub/rocky/" + minor + "/images/" + arch + "/Rocky-" + major + "-GenericCloud-Base-" + b + "." + arch + ".qcow2",
		date:        isoDate(b),
		checksumURL: "https://dl.rockylinux.org/pub/rocky/" + major + "/images/" + arch + "/CHECKSUM",
	}
}

func centosWant(major, arch string) elWant {
	bs := centosBuilds[major]
	b := bs[len(bs)-1]
	checksum := "sha256:" + layout.CentOSStreamDigest(major, arch, b, "")
	if major == "9" && arch == "x86_64" {
		b, checksum = layout.CentOSStream9CaptureBuild, "sha256:"+layout.CentOSStream9CaptureDigest
	}
	dir := "https://cloud.centos.org/centos/" + major + "-stream/" + arch + "/images/"
	return elWant{
		image: imageName("CentOS Stream "+major, arch), file: "etc/images/centos.yml", version: b, checksum: checksum,
		url:  dir + "CentOS-Stream-GenericCloud-" + major + "-" + b + "." + arch + ".qcow2",
		date: isoDate(b), checksumURL: dir + "CHECKSUM",
	}
}

func fedoraWant(c layout.FedoraCompose, arch string) elWant {
	dir := "https://dl.fedoraproject.org/pub/fedora/linux/releases/" + c.Release() + "/Cloud/" + arch + "/images/"
	return elWant{
		image: imageName("Fedora "+c.Release(), arch), file: "etc/images/fedora.yml", version: c.ID,
		checksum: "sha256:" + layout.FedoraDigest(c.ID, arch, ""),
		url:      dir + layout.FedoraImage(c.ID, arch),
		date:     c.Modified.Format(time.DateOnly), checksumURL: dir + "Fedora-Cloud-" + c.ID + "-" + arch + "-CHECKSUM",
	}
}

func imageName(name, arch string) string {
	if arch == "aarch64" {
		return name + " aarch64"
	}
	return name
}

func isoDate(version string) string {
	d := regexp.MustCompile(`[0-9]{8}`).FindString(version)
	return d[:4] + "-" + d[4:6] + "-" + d[6:]
}

// everyEL is what the first run must find: every shipped image of elTypes.
func everyEL() []elWant {
	var out []elWant
	for _, arch := range []string{"x86_64", "aarch64"} {
		for _, major := range []string{"8", "9", "10"} {
			out = append(out, almaWant(major, arch), rockyWant(major, arch))
		}
		for _, major := range []string{"9", "10"} {
			out = append(out, centosWant(major, arch))
		}
		out = append(out, fedoraWant(f43, arch), fedoraWant(f44, arch))
	}
	return out
}

// checkUpdates compares a report's updates with want, image by image.
func checkUpdates(t *testing.T, r *report.Report, want []elWant) {
	t.Helper()
	got := byImage(r)
	if len(r.Updates) != len(want) {
		var names []string
		for _, u := range r.Updates {
			names = append(names, u.Image)
		}
		t.Errorf("%d updates (%s), want %d", len(r.Updates), strings.Join(names, ", "), len(want))
	}
	for _, w := range want {
		u := got[w.image]
		if u == nil {
			t.Errorf("no update for %s", w.image)
			continue
		}
		g := elWant{u.Image, u.File, u.Version, u.Checksum, u.URL, u.BuildDate, u.ChecksumURL}
		if g != w {
			t.Errorf("%s:\n got %+v\nwant %+v", w.image, g, w)
		}
	}
}

func TestEnterpriseLinuxEndToEnd(t *testing.T) {
	w := newELWorld(t)

	// A dry run proposes every image, amd64 and arm64, and writes nothing.
	r := w.run(nil, w.args("run", "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s\n%+v", r.code, r.stderr, r.report.Failures)
	}
	checkUpdates(t, r.report, everyEL())
	if u := byImage(r.report)["Rocky 9"]; u == nil || u.PreviousVersion == nil || *u.PreviousVersion != "9.5-20241118.0" || u.Kind != "new" {
		t.Fatalf("Rocky 9 over the catalog's 9.5-20241118.0: %+v", u)
	}
	for _, want := range []string{"+  - name: Fedora 44 aarch64", "+    shortname: fedora-44-aarch64", "+      architecture: aarch64", "+++ b/etc/images/fedora.yml"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(w.catalog, "etc/images/fedora.yml")); err == nil {
		t.Fatal("the dry run wrote fedora.yml")
	}

	// The run writes schema-valid catalog files.
	r = w.run(nil, w.args("run")...)
	if r.code != ExitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	checkUpdates(t, r.report, everyEL())
	for _, f := range []string{"almalinux.yml", "rockylinux.yml", "centos.yml", "fedora.yml"} {
		got := w.read(f)
		if errs := catalog.Validate(f, []byte(got)); len(errs) > 0 {
			t.Errorf("%s fails the schema: %v", f, errs)
		}
		golden.Assert(t, "testdata/golden/enterprise-linux/"+f, got)
	}
	if !strings.HasPrefix(w.read("rockylinux.yml"), "---\n# Kept by hand.\nimages:\n  - name: Rocky 9\n") {
		t.Fatalf("the existing Rocky entry moved:\n%s", w.read("rockylinux.yml"))
	}

	// Nothing changed upstream: one request per image (its checksum file),
	// and one listing of each family's releases (Fedora's, AlmaLinux's
	// majors, Rocky's, CentOS Stream's), shared by x86_64 and aarch64.
	w.mirror.ResetCounts()
	r = w.run(nil, w.args("run")...)
	if r.code != ExitOK || len(r.report.Updates) != 0 || len(r.report.Unchanged) != len(everyEL()) {
		t.Fatalf("second run: exit %d, %d updates, %d unchanged\n%s", r.code, len(r.report.Updates), len(r.report.Unchanged), r.stderr)
	}
	var reqs []string
	for _, q := range w.mirror.Requests() {
		reqs = append(reqs, q.Method+" "+q.Path)
	}
	sort.Strings(reqs)
	var want []string
	for _, wa := range everyEL() {
		want = append(want, "GET "+mirrorPath(wa.checksumURL))
	}
	want = append(want, "GET /fedora/pub/fedora/linux/releases/", "GET /alma/almalinux/", "GET /rocky/pub/rocky/", "GET /centos/centos/")
	sort.Strings(want)
	if strings.Join(reqs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("second run requests:\n  %s\nwant:\n  %s", strings.Join(reqs, "\n  "), strings.Join(want, "\n  "))
	}
}

// mirrorPath is where the test mirror serves an upstream URL.
func mirrorPath(u string) string {
	for from, to := range map[string]string{
		"https://repo.almalinux.org/": "/alma/", "https://dl.rockylinux.org/": "/rocky/",
		"https://cloud.centos.org/": "/centos/", "https://dl.fedoraproject.org/": "/fedora/",
	} {
		if rest, ok := strings.CutPrefix(u, from); ok {
			return to + rest
		}
	}
	return u
}

// Upstream moves on: Fedora 45 is released (a new image per architecture,
// proposed because the catalog holds Fedora 44; Fedora 43 drops out of the
// crawl but stays in the catalog), AlmaLinux replaces its only build (the
// old one is pruned), CentOS Stream respins a build. Each changed image
// costs at most 3 GETs and 1 HEAD, and one more HEAD for each older version
// without a mirror_url (is its file still there?).
func TestEnterpriseLinuxUpstreamMovesOn(t *testing.T) {
	w := newELWorld(t)
	if r := w.run(nil, w.args("run")...); r.code != ExitOK {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	layout.Fedora(w.mirror, "/fedora/pub/fedora/linux/releases/", "", f45)
	layout.AlmaLinux(w.mirror, "/alma/almalinux/", "9", "aarch64", "9.9-20261118", "")
	layout.CentOSStream(w.mirror, "/centos/centos/", "10", "aarch64", centosBuilds["10"], "respin")

	w.mirror.ResetCounts()
	r := w.run(nil, w.args("run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := byImage(r.report)
	if len(r.report.Updates) != 4 {
		t.Fatalf("updates %+v", r.report.Updates)
	}
	for _, arch := range []string{"x86_64", "aarch64"} {
		wa := fedoraWant(f45, arch)
		u := got[wa.image]
		if u == nil || u.PreviousVersion != nil || u.Kind != "new" || u.Version != wa.version || u.URL != wa.url || u.Checksum != wa.checksum || u.BuildDate != "2026-10-20" {
			t.Errorf("%s: %+v", wa.image, u)
		}
	}
	if u := got["AlmaLinux 9 aarch64"]; u == nil || u.PreviousVersion == nil || *u.PreviousVersion != "9.8-20260526" || u.Version != "9.9-20261118" || u.BuildDate != "2026-11-18" {
		t.Errorf("AlmaLinux 9 aarch64: %+v", u)
	}
	if u := got["CentOS Stream 10 aarch64"]; u == nil || u.Kind != "respin" || u.Version != "20260720.1" ||
		u.Checksum != "sha256:"+layout.CentOSStreamDigest("10", "aarch64", "20260720.1", "respin") {
		t.Errorf("CentOS Stream 10 aarch64: %+v", u)
	}

	fedora := w.read("fedora.yml")
	for _, want := range []string{"  - name: Fedora 43\n", "  - name: Fedora 44\n", "  - name: Fedora 45\n", "  - name: Fedora 45 aarch64\n", "os_version: \"45\"", "/releases/45/Cloud/aarch64/images/Fedora-Cloud-Base-Generic-45-1.2.aarch64.qcow2"} {
		if !strings.Contains(fedora, want) {
			t.Errorf("fedora.yml lacks %q", want)
		}
	}
	alma := w.read("almalinux.yml")
	// AlmaLinux keeps only its current build: the old one's file is gone
	// and no mirror_url keeps it, so it leaves the aarch64 entry (the
	// image manager would stop at it), and only there.
	aarch := alma[strings.Index(alma, "  - name: AlmaLinux 9 aarch64\n"):]
	if next := strings.Index(aarch[1:], "  - name: "); next >= 0 {
		aarch = aarch[:next+1]
	}
	if strings.Contains(aarch, "9.8-20260526") || !strings.Contains(aarch, "9.9-20261118") || !strings.Contains(alma, "9.8-20260526") {
		t.Errorf("almalinux.yml: the gone build is not pruned from AlmaLinux 9 aarch64 alone:\n%s", alma)
	}
	if len(r.report.Pruned) != 1 || r.report.Pruned[0].Image != "AlmaLinux 9 aarch64" || r.report.Pruned[0].Version != "9.8-20260526" {
		t.Errorf("pruned %+v", r.report.Pruned)
	}
	for _, f := range []string{"almalinux.yml", "centos.yml", "fedora.yml"} {
		if errs := catalog.Validate(f, []byte(w.read(f))); len(errs) > 0 {
			t.Errorf("%s fails the schema: %v", f, errs)
		}
	}

	// Requests per changed image: at most 3 GETs and 1 HEAD.
	perDir := map[string][2]int{}
	for _, q := range w.mirror.Requests() {
		dir := q.Path[:strings.LastIndex(q.Path, "/")+1]
		c := perDir[dir]
		if q.Method == http.MethodHead {
			c[1]++
		} else {
			c[0]++
		}
		perDir[dir] = c
	}
	for dir, heads := range map[string]int{
		"/fedora/pub/fedora/linux/releases/45/Cloud/x86_64/images/": 1, "/fedora/pub/fedora/linux/releases/45/Cloud/aarch64/images/": 1,
		"/alma/almalinux/9/cloud/aarch64/images/": 2, "/centos/centos/10-stream/aarch64/images/": 1,
	} {
		if c := perDir[dir]; c[0] < 1 || c[0] > 3 || c[1] != heads {
			t.Errorf("%s: %d GETs and %d HEADs, want 1-3 and %d", dir, c[0], c[1], heads)
		}
	}
	if c := perDir["/fedora/pub/fedora/linux/releases/43/Cloud/x86_64/images/"]; c != [2]int{} {
		t.Errorf("Fedora 43 is no longer current but was crawled: %v", c)
	}
}

// Fedora 40 named its images differently; when 40 and 41 are the newest
// two, both are found under their own names.
func TestEnterpriseLinuxFedoraNameChange(t *testing.T) {
	w := newELWorld(t)
	w.mirror.Remove("/fedora/")
	f40 := layout.FedoraCompose{ID: "40-1.14", Modified: time.Date(2024, 4, 14, 22, 35, 0, 0, time.UTC)}
	layout.Fedora(w.mirror, "/fedora/pub/fedora/linux/releases/", "", layout.FedoraCompose{ID: "39-1.5", Modified: f40.Modified}, f40, f41)
	r := w.run(nil, w.args("crawl", "--json", "--only", "Fedora 40", "--only", "Fedora 41 aarch64")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	checkUpdates(t, r.report, []elWant{fedoraWant(f40, "x86_64"), fedoraWant(f41, "aarch64")})
	if u := byImage(r.report)["Fedora 40"]; u == nil || !strings.HasSuffix(u.URL, "/Fedora-Cloud-Base-Generic.x86_64-40-1.14.qcow2") {
		t.Fatalf("Fedora 40: %+v", u)
	}

	// A release that is not among the newest two is a failure of its own.
	r = w.run(nil, w.args("crawl", "--json", "--only", "Fedora 39", "--only", "Rocky 9")...)
	if r.code != ExitFailures || len(r.report.Failures) != 1 || r.report.Failures[0].Image != "Fedora 39" ||
		!strings.Contains(r.report.Failures[0].Error, "release 39 is not one of the 2 newest") || len(r.report.Updates) != 1 {
		t.Fatalf("exit %d, report %+v", r.code, r.report)
	}
}

// Checksum files in forms the real ones may take: CentOS Stream's sorted by
// digest. One that names the current build twice with two digests is
// ambiguous: that image fails, the others proceed.
func TestEnterpriseLinuxChecksumTraps(t *testing.T) {
	w := newELWorld(t)
	path := "/centos/centos/10-stream/x86_64/images/CHECKSUM"
	body := fetch(t, w.mirror.URL+path)
	pairs := regexp.MustCompile(`(?m)^# .*\nSHA256 \(.*\) = ([0-9a-f]{64})\n`).FindAllStringSubmatch(string(body), -1)
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][1] < pairs[j][1] })
	var b bytes.Buffer
	for _, p := range pairs {
		b.WriteString(p[0])
	}
	w.mirror.File(path, b.Bytes(), time.Date(2026, 7, 20, 14, 0, 0, 0, time.UTC))

	r := w.run(nil, w.args("crawl", "--json", "--only", "CentOS Stream 10", "--only", "AlmaLinux 10")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	checkUpdates(t, r.report, []elWant{centosWant("10", "x86_64"), almaWant("10", "x86_64")})

	fmt.Fprintf(&b, "SHA256 (CentOS-Stream-GenericCloud-10-20260720.1.x86_64.qcow2) = %s\n", strings.Repeat("e", 64))
	w.mirror.File(path, b.Bytes(), time.Date(2026, 7, 20, 14, 0, 0, 0, time.UTC))
	r = w.run(nil, w.args("crawl", "--json", "--only", "CentOS Stream 10", "--only", "AlmaLinux 10")...)
	if r.code != ExitFailures || len(r.report.Failures) != 1 || r.report.Failures[0].Image != "CentOS Stream 10" ||
		!strings.Contains(r.report.Failures[0].Error, "ambiguous checksum file") {
		t.Fatalf("exit %d, report %+v", r.code, r.report)
	}
	checkUpdates(t, r.report, []elWant{almaWant("10", "x86_64")})
}

func fetch(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return b
}
