package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/testenv/golden"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/sources"
)

// End-to-end tests of the openSUSE, Flatcar, Arch and CirrOS images of the
// built-in sources file and of the arm64 Ubuntu and Debian ones (with their
// amd64 siblings, which share their checksum files), through the real CLI
// and one mirror laid out like each real host: download.opensuse.org,
// stable.release.flatcar-linux.net, geo.mirror.pkgbuild.com and
// download.cirros-cloud.net, cloud-images.ubuntu.com and cloud.debian.org.
// Alpine's entries ship disabled (see sources/image-sources.yaml); they are
// crawled from the shipped text with the comment markers removed.

// hostMirrors sends every host of these tests to one prefix of the mirror.
var hostMirrors = [][2]string{
	{"https://download.opensuse.org/", "/opensuse/"},
	{"https://stable.release.flatcar-linux.net/", "/flatcar/"},
	{"https://geo.mirror.pkgbuild.com/", "/arch/"},
	{"https://download.cirros-cloud.net/", "/cirros/"},
	{"https://cloud-images.ubuntu.com/", "/ubuntu/"},
	{"https://cloud.debian.org/", "/debian/"},
	{"https://dl-cdn.alpinelinux.org/", "/"},
	// The hand-written Cirros entry records GitHub release URLs; a run that
	// adds a version checks that the older ones still download.
	{"https://github.com/", "/github/"},
}

// Builds on the mirror; the last of each is the latest.
var (
	ubuntuMultiHostBuilds = []string{"20260601", "20260615", "20260705.1"}
	debianBuilds          = []string{"20260610-2101", "20260704-2150"}
	leapBuilds            = []layout.OpenSUSEBuild{
		{Version: "19.140", Date: time.Date(2026, 6, 3, 9, 30, 0, 0, time.UTC)},
		{Version: "19.146", Date: time.Date(2026, 6, 20, 11, 5, 0, 0, time.UTC)},
	}
	leap16Builds = []layout.OpenSUSEBuild{
		{Version: "16.1", Date: time.Date(2026, 5, 28, 7, 0, 0, 0, time.UTC)},
		{Version: "16.2", Date: time.Date(2026, 7, 2, 7, 0, 0, 0, time.UTC)},
	}
	flatcarReleases = []layout.FlatcarRelease{
		{Version: "4230.2.4", BuildID: "2025-10-13-0723"},
		{Version: "4459.2.1", BuildID: "2025-11-23-2139"},
	}
	archBuilds   = []string{"20260701.555000", "20260715.556894"}
	cirrosBuilds = []layout.CirrosRelease{
		{Version: "0.6.3", Date: time.Date(2024, 9, 26, 10, 0, 0, 0, time.UTC)},
		{Version: "0.6.4", Date: time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)},
	}
	alpineBuilds = []layout.AlpineRelease{
		{Version: "3.23.3", Built: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)},
		{Version: "3.23.4", Built: time.Date(2026, 5, 2, 6, 12, 44, 0, time.UTC), Published: time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)},
		{Version: "3.23.4", Revision: 1, Built: time.Date(2026, 5, 9, 6, 0, 0, 0, time.UTC), Published: time.Date(2026, 5, 10, 8, 0, 0, 0, time.UTC)},
	}
)

// imageWant is what a run must report for one image.
type imageWant struct {
	image, prev, version, checksum, url, date, kind string
	latest                                          string // mirror path of its "latest" checksum file (or version file)
}

func ubuntuWant(dir, code, kind, ver, arch string) imageWant {
	file := "ubuntu-" + ver + "-" + kind + "-cloudimg-" + arch + ".img"
	name := "Ubuntu " + ver
	if kind == "minimal" {
		name += " Minimal"
	}
	if arch == "arm64" {
		name += " aarch64"
	}
	last := ubuntuMultiHostBuilds[len(ubuntuMultiHostBuilds)-1]
	return imageWant{
		image: name, version: last, kind: "new", date: "2026-07-05",
		checksum: "sha256:" + layout.UbuntuDigest(file, last, ""),
		url:      "https://cloud-images.ubuntu.com/" + dir + code + "/release-" + last + "/" + file,
		latest:   "/ubuntu/" + dir + code + "/release/SHA256SUMS",
	}
}

func debianWant(n, code, arch string) imageWant {
	name := "debian-" + n + "-genericcloud-" + arch
	image := "Debian " + n
	if arch == "arm64" {
		image += " aarch64"
	}
	last := debianBuilds[len(debianBuilds)-1]
	return imageWant{
		image: image, version: last, kind: "new", date: "2026-07-04",
		checksum: "sha512:" + layout.DebianDigest(name, last, ""),
		url:      "https://cloud.debian.org/images/cloud/" + code + "/" + last + "/" + name + "-" + last + ".qcow2",
		latest:   "/debian/images/cloud/" + code + "/latest/SHA512SUMS",
	}
}

func leapWant(ver, arch string) imageWant {
	alias, pinned := leapNames(ver, arch)
	b := leapBuilds[len(leapBuilds)-1]
	if ver == "16.0" {
		b = leap16Builds[len(leap16Builds)-1]
	}
	image := "openSUSE Leap " + ver
	if arch == "aarch64" {
		image += " aarch64"
	}
	name := strings.ReplaceAll(pinned, "{version}", b.Version)
	dir := "/distribution/leap/" + ver + "/appliances/"
	return imageWant{
		image: image, version: b.Version, kind: "new", date: b.Date.Format(time.DateOnly),
		checksum: "sha256:" + layout.OpenSUSEDigest(name, ""),
		url:      "https://download.opensuse.org" + dir + name,
		latest:   "/opensuse" + dir + alias + ".sha256",
	}
}

func leapNames(ver, arch string) (alias, pinned string) {
	if ver == "15.6" {
		return "openSUSE-Leap-15.6-Minimal-VM." + arch + "-Cloud.qcow2", "openSUSE-Leap-15.6-Minimal-VM." + arch + "-15.6.0-Cloud-Build{version}.qcow2"
	}
	return "Leap-" + ver + "-Minimal-VM." + arch + "-Cloud.qcow2", "Leap-" + ver + "-Minimal-VM." + arch + "-Cloud-Build{version}.qcow2"
}

// imageWants is every image of the test, amd64 siblings of the arm64 images
// included.
func imageWants() []imageWant {
	var ws []imageWant
	for _, u := range []struct{ dir, code, ver string }{{"releases/", "jammy", "22.04"}, {"releases/", "noble", "24.04"}} {
		for _, kind := range []string{"server", "minimal"} {
			dir := u.dir
			if kind == "minimal" {
				dir = "minimal/" + u.dir
			}
			for _, arch := range []string{"amd64", "arm64"} {
				ws = append(ws, ubuntuWant(dir, u.code, kind, u.ver, arch))
			}
		}
	}
	for _, d := range [][2]string{{"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"}} {
		for _, arch := range []string{"amd64", "arm64"} {
			ws = append(ws, debianWant(d[0], d[1], arch))
		}
	}
	for _, ver := range []string{"15.6", "16.0"} {
		for _, arch := range []string{"x86_64", "aarch64"} {
			ws = append(ws, leapWant(ver, arch))
		}
	}
	fc := flatcarReleases[len(flatcarReleases)-1]
	for _, b := range [][3]string{{"Flatcar Container Linux", "amd64-usr", "amd64"}, {"Flatcar Container Linux aarch64", "arm64-usr", "arm64"}} {
		w := imageWant{
			image: b[0], version: fc.Version, kind: "new", date: "2025-11-23",
			checksum: "sha512:" + layout.FlatcarDigest(fc.Version, b[2]),
			url:      "https://stable.release.flatcar-linux.net/" + b[1] + "/" + fc.Version + "/" + layout.FlatcarImage,
			latest:   "/flatcar/" + b[1] + "/current/" + layout.FlatcarImage + ".DIGESTS",
		}
		if b[2] == "amd64" {
			w.prev = "4230.2.4" // osism's flatcar.yml
		}
		ws = append(ws, w)
	}
	arch := archBuilds[len(archBuilds)-1]
	archName := "Arch-Linux-x86_64-cloudimg-" + arch + ".qcow2"
	ws = append(ws, imageWant{
		image: "Arch Linux", version: arch, kind: "new", date: "2026-07-15",
		checksum: "sha256:" + layout.ArchDigest(archName, ""),
		url:      "https://geo.mirror.pkgbuild.com/images/v" + arch + "/" + archName,
		latest:   "/arch/images/latest/Arch-Linux-x86_64-cloudimg.qcow2.SHA256",
	})
	ws = append(ws, imageWant{
		image: "Cirros", prev: "0.6.3", version: "0.6.4", kind: "new", date: "2026-06-30",
		checksum: "sha256:" + layout.CirrosDigest("cirros-0.6.4-x86_64-disk.img", ""),
		url:      "https://download.cirros-cloud.net/0.6.4/cirros-0.6.4-x86_64-disk.img",
		latest:   "/cirros/version/released",
	})
	return ws
}

// newMultiHostWorld is the mirror of every host above and a catalog directory holding
// osism's flatcar.yml and cirros.yml.
func newMultiHostWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, mirror: mirror.New(t), catalog: t.TempDir()}
	copyDir(t, "testdata/multi-host/catalog", w.catalog)
	m := w.mirror
	for _, u := range []struct{ dir, ver string }{{"releases/jammy/", "22.04"}, {"releases/noble/", "24.04"}} {
		for _, kind := range []string{"server", "minimal"} {
			dir := "/ubuntu/" + u.dir
			if kind == "minimal" {
				dir = "/ubuntu/minimal/" + u.dir
			}
			stem := "ubuntu-" + u.ver + "-" + kind + "-cloudimg-"
			layout.UbuntuArches(m, dir, []string{stem + "amd64.img", stem + "arm64.img"}, ubuntuMultiHostBuilds, "")
		}
	}
	for _, d := range [][2]string{{"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"}} {
		stem := "debian-" + d[0] + "-genericcloud-"
		layout.DebianArches(m, "/debian/images/cloud/"+d[1]+"/", []string{stem + "amd64", stem + "arm64"}, debianBuilds, "")
	}
	for _, arch := range []string{"x86_64", "aarch64"} {
		alias, pinned := leapNames("15.6", arch)
		layout.OpenSUSE(m, "/opensuse/distribution/leap/15.6/appliances/", alias, pinned, leapBuilds, "  ", "")
		alias, pinned = leapNames("16.0", arch)
		// Leap 16's sidecars separate digest and name by one space.
		layout.OpenSUSE(m, "/opensuse/distribution/leap/16.0/appliances/", alias, pinned, leap16Builds, " ", "")
	}
	layout.Flatcar(m, "/flatcar/amd64-usr/", flatcarReleases, "amd64")
	layout.Flatcar(m, "/flatcar/arm64-usr/", flatcarReleases, "arm64")
	layout.Arch(m, "/arch/images/", archBuilds, "")
	layout.Cirros(m, "/cirros/", cirrosBuilds, "")
	m.BigFile("/github/cirros-dev/cirros/releases/download/0.6.3/cirros-0.6.3-x86_64-disk.img", layout.ImageSize, time.Date(2024, 9, 26, 0, 0, 0, 0, time.UTC))
	layout.Alpine(m, "/alpine/", []string{"3.21", "3.22", "3.23"}, alpineBuilds, "")
	return w
}

func multiHostArgs(w *world, ws []imageWant, extra ...string) []string {
	// --add-all: the catalog holds a few hand-written entries, and these
	// tests want every image of the sources written.
	args := append(extra, "--catalog", w.catalog, "--signatures", "optional", "--add-all")
	for _, m := range hostMirrors {
		args = append(args, "--mirror", m[0]+"="+w.mirror.URL+m[1])
	}
	for _, x := range ws {
		// --add too: --add-all leaves out releases past their end of
		// life (Debian 11, Leap 15.6), and these tests want them all.
		args = append(args, "--only", x.image, "--add", x.image)
	}
	return args
}

func TestMultiHostEndToEnd(t *testing.T) {
	w := newMultiHostWorld(t)
	ws := imageWants()

	// The dry run reports every image's new build and writes nothing.
	flatcarBefore := w.read("flatcar.yml")
	r := w.run(nil, multiHostArgs(w, ws, "run", "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	checkImageUpdates(t, r.report.Updates, ws)
	if w.read("flatcar.yml") != flatcarBefore {
		t.Fatal("the dry run wrote flatcar.yml")
	}
	if !strings.Contains(r.stdout, "+++ b/etc/images/archlinux.yml") {
		t.Fatalf("the dry run's diff lacks the new archlinux.yml:\n%s", r.stdout)
	}

	// The run writes them, each file valid for the image manager.
	r = w.run(nil, multiHostArgs(w, ws, "run")...)
	if r.code != ExitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	checkImageUpdates(t, r.report.Updates, ws)
	files := []string{"archlinux.yml", "cirros.yml", "debian.yml", "flatcar.yml", "opensuse.yml", "ubuntu.yml"}
	var written []string
	for _, f := range r.report.Files {
		written = append(written, strings.TrimPrefix(f, "etc/images/"))
	}
	slices.Sort(written)
	if !slices.Equal(written, files) {
		t.Fatalf("files %v, want %v", written, files)
	}
	for _, f := range files {
		data := w.read(f)
		if errs := catalog.Validate(f, []byte(data)); len(errs) > 0 {
			t.Errorf("%s fails the image manager schema: %v", f, errs)
		}
		golden.Assert(t, "testdata/multi-host/golden/"+f, data)
	}
	// What people added to the existing entries stays.
	if fl := w.read("flatcar.yml"); !strings.Contains(fl, "mirror_url: https://nbg1.your-objectstorage.com/osism/openstack-images/flatcar/4230.2.4/flatcar_production_openstack_image.img") {
		t.Fatalf("flatcar.yml lost the mirror_url of 4230.2.4:\n%s", fl)
	}
	if c := w.read("cirros.yml"); !strings.Contains(c, "url: https://github.com/cirros-dev/cirros/releases/download/0.6.3/cirros-0.6.3-x86_64-disk.img") {
		t.Fatalf("cirros.yml lost its 0.6.3 entry:\n%s", c)
	}

	// Nothing changed upstream: a second run changes nothing and asks for
	// each image's latest checksum file (CirrOS: its version file) once;
	// the amd64 and arm64 images of a release share theirs.
	w.mirror.ResetCounts()
	r = w.run(nil, multiHostArgs(w, ws, "run")...)
	if r.code != ExitOK || len(r.report.Updates) != 0 || len(r.report.Unchanged) != len(ws) {
		t.Fatalf("second run: exit %d, %d updates, %d unchanged, want 0 and %d\n%s", r.code, len(r.report.Updates), len(r.report.Unchanged), len(ws), r.stderr)
	}
	// openSUSE Leap's releases wait for the one listing of leap/ that
	// both architectures share; Ubuntu's and Debian's series the tables
	// know do not (docs/sources.md, "New releases").
	wantReq := map[string]bool{"GET /opensuse/distribution/leap/": true}
	for _, x := range ws {
		wantReq["GET "+x.latest] = true
	}
	var got, want []string
	for _, rq := range w.mirror.Requests() {
		got = append(got, rq.Method+" "+rq.Path)
	}
	for k := range wantReq {
		want = append(want, k)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("second run requested\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func checkImageUpdates(t *testing.T, got []report.Update, ws []imageWant) {
	t.Helper()
	if len(got) != len(ws) {
		var names []string
		for _, u := range got {
			names = append(names, u.Image)
		}
		t.Fatalf("%d updates (%s), want %d", len(got), strings.Join(names, ", "), len(ws))
	}
	by := map[string]*report.Update{}
	for i := range got {
		by[got[i].Image] = &got[i]
	}
	for _, x := range ws {
		u := by[x.image]
		if u == nil {
			t.Errorf("no update for %s", x.image)
			continue
		}
		checkUpdate(t, u, x.prev, x.version, x.date, x.checksum, x.url, x.kind)
	}
}

func TestMultiHostOpenSUSEDateVersionedCatalog(t *testing.T) {
	// osism's opensuse.yml versions Leap 15.6 by date (20240603); upstream
	// names builds by their Build number (19.146), which the image manager's
	// natsort puts before a date, so it would never use it. The new build
	// is written in the entry's own scheme, its build date (20260620), with
	// the build number in the report; the old version keeps its mirror_url
	// and stays.
	w := newMultiHostWorld(t)
	src, err := os.ReadFile(filepath.Join("testdata", "multi-host", "osism-opensuse.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.catalog, "etc/images/opensuse.yml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	x := leapWant("15.6", "x86_64")
	x.prev = "20240603"
	x.version = strings.ReplaceAll(x.date, "-", "")
	r := w.run(nil, multiHostArgs(w, []imageWant{x}, "run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	checkImageUpdates(t, r.report.Updates, []imageWant{x})
	if id := r.report.Updates[0].BuildID; id != "19.146" {
		t.Errorf("build_id %q, want 19.146", id)
	}
	got := w.read("opensuse.yml")
	if !strings.HasPrefix(got, string(src)) {
		t.Fatalf("opensuse.yml changed more than its new version item:\n%s", got)
	}
	if added := got[len(src):]; !strings.Contains(added, "- version: '"+x.version+"'") || !strings.Contains(added, `checksum: "`+x.checksum+`"`) {
		t.Fatalf("the new item is not in the entry's style:\n%s", added)
	}
	if errs := catalog.Validate("opensuse.yml", []byte(got)); len(errs) > 0 {
		t.Fatalf("opensuse.yml fails the schema: %v", errs)
	}
	if errs := catalog.CheckLatest("opensuse.yml", []byte(got)); len(errs) > 0 {
		t.Fatalf("the image manager would not take the new build: %v", errs)
	}
}

// alpineSources is the built-in sources file with its disabled Alpine
// entries enabled, exactly as its comment tells people to do it.
func alpineSources(t *testing.T) string {
	t.Helper()
	data, err := sources.FS.ReadFile(sources.Name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	in, found := false, 0
	for i, l := range lines {
		switch {
		case l == "  # >>> disabled: Alpine":
			in = true
			found++
		case l == "  # <<< disabled: Alpine":
			in = false
			found++
		case in && l == "  #":
			lines[i] = ""
		case in:
			rest, ok := strings.CutPrefix(l, "  # ")
			if !ok {
				t.Fatalf("line %d of the disabled Alpine entries is not commented out as the others: %q", i+1, l)
			}
			lines[i] = "  " + rest
		}
	}
	if found != 2 || in {
		t.Fatal("the built-in sources file has no disabled Alpine block between its two markers")
	}
	path := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMultiHostAlpine(t *testing.T) {
	w := newMultiHostWorld(t)
	src := alpineSources(t)
	x86 := "nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r1.qcow2"
	arm := "nocloud_alpine-3.23.4-aarch64-uefi-cloudinit-r1.qcow2"
	dir := "https://dl-cdn.alpinelinux.org/alpine/v3.23/releases/cloud/"
	ws := []imageWant{
		// r1 is the newest: 3.23.4's rebuild. Its date is the metadata's
		// build time, not the later Last-Modified.
		{image: "Alpine 3.23", version: "3.23.4-r1", kind: "new", date: "2026-05-09", checksum: "sha512:" + layout.AlpineDigest(x86, ""), url: dir + x86},
		{image: "Alpine 3.23 aarch64", version: "3.23.4-r1", kind: "new", date: "2026-05-09", checksum: "sha512:" + layout.AlpineDigest(arm, ""), url: dir + arm},
	}
	// crawl renders nothing, so the schema's missing os_distro for Alpine
	// does not stand in the way of checking the crawl.
	r := w.run(nil, multiHostArgs(w, ws, "crawl", "--json", "--sources", src)...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	checkImageUpdates(t, r.report.Updates, ws)

	// With both in the catalog, a crawl costs the two shared listings
	// (alpine/ for the branch, its releases/cloud/) and one sidecar each.
	var b strings.Builder
	b.WriteString("---\nimages:\n")
	for _, x := range ws {
		arch := "x86_64"
		if strings.HasSuffix(x.image, "aarch64") {
			arch = "aarch64"
		}
		b.WriteString("  - name: " + x.image + "\n    enable: true\n    format: qcow2\n    login: alpine\n    min_disk: 1\n    min_ram: 256\n" +
			"    status: active\n    visibility: public\n    multi: true\n    meta:\n      architecture: " + arch + "\n      hypervisor_type: qemu\n" +
			"      os_distro: alpine\n      os_purpose: generic\n      replace_frequency: quarterly\n      uuid_validity: last-3\n      provided_until: none\n" +
			"    tags: []\n    versions:\n      - version: '" + x.version + "'\n        url: " + x.url + "\n        checksum: " + x.checksum + "\n        build_date: " + x.date + "\n")
	}
	if err := os.WriteFile(filepath.Join(w.catalog, "etc/images/alpine.yml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	w.mirror.ResetCounts()
	r = w.run(nil, multiHostArgs(w, ws, "crawl", "--json", "--sources", src)...)
	if r.code != ExitOK || len(r.report.Updates) != 0 || len(r.report.Unchanged) != 2 {
		t.Fatalf("second crawl: exit %d, report %+v\n%s", r.code, r.report, r.stderr)
	}
	var got []string
	for _, rq := range w.mirror.Requests() {
		got = append(got, rq.Method+" "+rq.Path)
	}
	slices.Sort(got)
	want := []string{"GET /alpine/", "GET /alpine/v3.23/releases/cloud/", "GET /alpine/v3.23/releases/cloud/" + arm + ".sha512", "GET /alpine/v3.23/releases/cloud/" + x86 + ".sha512"}
	if !slices.Equal(got, want) {
		t.Fatalf("second crawl requested\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
