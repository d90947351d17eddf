package cli

import (
	"github.com/osism/image-crawler/internal/testenv/golden"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aymanbagabas/go-udiff"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// The image manager's own catalog (testdata/osism: etc/images/*.yml and
// etc/schema.yaml of osism/openstack-image-manager, as its maintainers
// keep them) against a mirror where every distribution it follows has a
// newer build. This is what operators have: the bot's pull request must be
// the change a careful operator would make by hand, and no more
// (docs/catalog.md).

// osismWorld serves one test mirror per upstream host the catalog names,
// at the paths upstream uses.
type osismWorld struct {
	t       *testing.T
	catalog string // the repository: etc/images and etc/schema.yaml
	hosts   map[string]*mirror.Server
}

// Newer builds than the catalog holds, all in November 2026.
var (
	osismUbuntuDaily  = []string{"20261118", "20261125"}
	osismUbuntuMin    = []string{"20261105", "20261112"}
	osismDebianDaily  = []string{"20261123-2410", "20261124-2411"}
	osismDebianRel    = []string{"20261109-2399"}
	osismCentOS       = []string{"20261117.0"}
	osismCirros       = []layout.CirrosRelease{{Version: "0.6.3", Date: time.Date(2024, 9, 26, 0, 0, 0, 0, time.UTC)}, {Version: "0.6.4", Date: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}}
	osismFlatcar      = []layout.FlatcarRelease{{Version: "4230.2.4", BuildID: "2025-10-13-1200"}, {Version: "4459.2.1", BuildID: "2026-11-20-0930"}}
	osismLeap         = []layout.OpenSUSEBuild{{Version: "19.160", Date: time.Date(2026, 11, 19, 6, 0, 0, 0, time.UTC)}}
	osismAlma         = map[string]string{"8": "8.10-20261104", "9": "9.8-20261119"}
	osismRocky        = map[string][]string{"8": {"8.10-20261021.0"}, "9": {"9.7-20261116.0"}}
	osismGitHubCirros = []string{"0.6.2", "0.6.3"}
)

func newOsismWorld(t *testing.T) *osismWorld {
	t.Helper()
	w := &osismWorld{t: t, catalog: t.TempDir(), hosts: map[string]*mirror.Server{}}
	copyDir(t, "testdata/osism", w.catalog)
	ub := w.host("cloud-images.ubuntu.com")
	for _, s := range []struct{ code, ver string }{{"jammy", "22.04"}, {"noble", "24.04"}} {
		layout.UbuntuDaily(ub, "/"+s.code+"/", s.code+"-server-cloudimg-amd64.img", osismUbuntuDaily, "")
		layout.Ubuntu(ub, "/minimal/releases/"+s.code+"/", "ubuntu-"+s.ver+"-minimal-cloudimg-amd64.img", osismUbuntuMin, "")
		// The series directories release discovery lists.
		ub.Dir("/releases/"+s.code+"/", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	}
	deb := w.host("cdimage.debian.org")
	layout.Debian(deb, "/cdimage/cloud/bullseye/", "debian-11-genericcloud-amd64", osismDebianRel, "")
	layout.DebianDaily(deb, "/cdimage/cloud/bookworm/", "debian-12-genericcloud-amd64", osismDebianDaily, "")
	layout.DebianDaily(deb, "/cdimage/cloud/trixie/", "debian-13-genericcloud-amd64", osismDebianDaily, "")
	// The release builds on cloud.debian.org, whose codename directories
	// Debian's release discovery lists.
	cdo := w.host("cloud.debian.org")
	for n, code := range map[string]string{"11": "bullseye", "12": "bookworm", "13": "trixie"} {
		layout.Debian(cdo, "/images/cloud/"+code+"/", "debian-"+n+"-genericcloud-amd64", osismDebianRel, "")
	}
	for major, b := range osismAlma {
		layout.AlmaLinux(w.host("repo.almalinux.org"), "/almalinux/", major, "x86_64", b, "")
	}
	for major, bs := range osismRocky {
		layout.Rocky(w.host("download.rockylinux.org"), "/pub/rocky/", major, "x86_64", bs, "")
		// The shipped sources list Rocky's majors on dl.rockylinux.org,
		// which serves the same tree.
		layout.Rocky(w.host("dl.rockylinux.org"), "/pub/rocky/", major, "x86_64", bs, "")
	}
	layout.CentOSStream(w.host("cloud.centos.org"), "/centos/", "9", "x86_64", osismCentOS, "")
	layout.Cirros(w.host("download.cirros-cloud.net"), "/", osismCirros, "")
	gh := w.host("github.com")
	for _, v := range osismGitHubCirros {
		gh.BigFile("/cirros-dev/cirros/releases/download/"+v+"/cirros-"+v+"-x86_64-disk.img", layout.ImageSize, time.Date(2024, 9, 26, 0, 0, 0, 0, time.UTC))
	}
	layout.Flatcar(w.host("stable.release.flatcar-linux.net"), "/amd64-usr/", osismFlatcar, "amd64")
	alias, pinned := leapNames("15.6", "x86_64")
	layout.OpenSUSE(w.host("download.opensuse.org"), "/distribution/leap/15.6/appliances/", alias, pinned, osismLeap, "  ", "")
	layout.Fedora(w.host("dl.fedoraproject.org"), "/pub/fedora/linux/releases/", "", f43, f44)
	return w
}

// host is the mirror standing in for one upstream host.
func (w *osismWorld) host(name string) *mirror.Server {
	if m, ok := w.hosts[name]; ok {
		return m
	}
	m := mirror.New(w.t)
	w.hosts[name] = m
	return m
}

func (w *osismWorld) args(extra ...string) []string {
	args := append(extra, "--catalog", w.catalog, "--signatures", "off")
	names := make([]string, 0, len(w.hosts))
	for h := range w.hosts {
		names = append(names, h)
	}
	slices.Sort(names)
	for _, h := range names {
		args = append(args, "--mirror", "https://"+h+"/="+w.hosts[h].URL+"/")
	}
	return args
}

func (w *osismWorld) files() map[string]string {
	w.t.Helper()
	out := map[string]string{}
	paths, err := filepath.Glob(filepath.Join(w.catalog, "etc/images/*.yml"))
	if err != nil {
		w.t.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			w.t.Fatal(err)
		}
		out[filepath.Base(p)] = string(b)
	}
	return out
}

func (w *osismWorld) run(args ...string) result {
	w.t.Helper()
	ww := &world{t: w.t}
	return ww.run(nil, args...)
}

// onlyAdded fails unless after is before with whole lines inserted: the
// diff of a plain update.
func onlyAdded(t *testing.T, name, before, after string) {
	t.Helper()
	for _, l := range strings.Split(udiff.Unified("a/"+name, "b/"+name, before, after), "\n") {
		if strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---") {
			t.Errorf("%s: a line of the operator's was changed or removed: %q", name, l)
		}
	}
}

func TestOsismCatalogGetsOnlyNewVersionItems(t *testing.T) {
	w := newOsismWorld(t)
	before := w.files()
	r := w.run(w.args("run")...)
	if r.code != ExitOK || len(r.report.Failures) > 0 {
		t.Fatalf("exit %d, failures %+v\n%s", r.code, r.report.Failures, r.stderr)
	}
	after := w.files()

	// Every entry a source or a known stream describes got its new build.
	got := map[string]string{}
	for _, u := range r.report.Updates {
		got[u.Image] = u.Version
		if u.Kind != "new" || u.NewImage != "" {
			t.Errorf("%s: kind %s, new image %q", u.Image, u.Kind, u.NewImage)
		}
	}
	want := map[string]string{
		"Ubuntu 22.04": "20261125", "Ubuntu 24.04": "20261125",
		"Ubuntu 22.04 Minimal": "20261112", "Ubuntu 24.04 Minimal": "20261112",
		"Debian 11": "20261109", "Debian 12": "20261124", "Debian 13": "20261124",
		"AlmaLinux 8": "20261104", "AlmaLinux 9": "20261119",
		"Rocky 8": "20261021", "Rocky 9": "20261116",
		"CentOS Stream 9": "20261117.0",
		"Cirros":          "0.6.4", "Flatcar Container Linux": "4459.2.1",
		"openSUSE Leap 15.6": "20261119",
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s: version %q, want %q (the entry's own scheme)", name, got[name], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("updates %v, want %v", got, want)
	}

	// Build dates stay the upstream build identifiers in the report.
	for _, u := range r.report.Updates {
		if u.Image == "AlmaLinux 9" && u.BuildID != "9.8-20261119" {
			t.Errorf("AlmaLinux 9: build_id %q", u.BuildID)
		}
	}

	// Daily entries stay daily, pinned in their own tree.
	for _, u := range r.report.Updates {
		switch u.Image {
		case "Ubuntu 22.04":
			wantPrefix(t, u.URL, "https://cloud-images.ubuntu.com/jammy/20261125/jammy-server-cloudimg-amd64.img")
		case "Ubuntu 24.04":
			wantPrefix(t, u.URL, "https://cloud-images.ubuntu.com/noble/20261125/noble-server-cloudimg-amd64.img")
		case "Debian 12":
			wantPrefix(t, u.URL, "https://cdimage.debian.org/cdimage/cloud/bookworm/daily/20261124-2411/debian-12-genericcloud-amd64-daily-20261124-2411.qcow2")
		case "Debian 13":
			wantPrefix(t, u.URL, "https://cdimage.debian.org/cdimage/cloud/trixie/daily/20261124-2411/")
		case "Rocky 9":
			wantPrefix(t, u.URL, "https://download.rockylinux.org/pub/rocky/9.7/images/x86_64/")
		}
	}

	// The diff is only added lines, no image is added, every file still
	// validates against the catalog's own schema, and the image manager
	// takes every new build as the latest.
	schema, err := os.ReadFile(filepath.Join(w.catalog, "etc/schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := catalog.ParseSchema("etc/schema.yaml", schema)
	if err != nil {
		t.Fatal(err)
	}
	var diff strings.Builder
	for _, name := range slices.Sorted(maps.Keys(before)) {
		onlyAdded(t, name, before[name], after[name])
		if n, m := strings.Count(before[name], "\n  - name: "), strings.Count(after[name], "\n  - name: "); n != m {
			t.Errorf("%s: %d images, was %d", name, m, n)
		}
		if errs := catalog.ValidateWith(s, name, []byte(after[name])); len(errs) > 0 {
			t.Errorf("%s fails the catalog's schema: %v", name, errs)
		}
		if errs := catalog.CheckLatest(name, []byte(after[name])); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
		diff.WriteString(udiff.Unified("a/etc/images/"+name, "b/etc/images/"+name, before[name], after[name]))
	}
	golden.Assert(t, "testdata/golden/osism.diff", diff.String())

	// Shipped images the catalog lacks are offered, not added; entries no
	// source describes are named. AlmaLinux, Rocky and CentOS Stream offer
	// the majors their mirrors list: this mirror has no 10, so none is
	// offered (and none proposed, docs/sources.md "New releases").
	for _, name := range []string{"AlmaLinux 9 aarch64", "Rocky 9 aarch64", "CentOS Stream 9 aarch64", "Arch Linux", "Fedora 44", "Ubuntu 24.04 aarch64"} {
		if !slices.Contains(r.report.Available, name) {
			t.Errorf("%s is not listed as available: %v", name, r.report.Available)
		}
	}
	for _, name := range []string{"AlmaLinux 10", "Rocky 10", "CentOS Stream 10"} {
		if slices.Contains(r.report.Available, name) {
			t.Errorf("%s is offered, but the mirror does not list it: %v", name, r.report.Available)
		}
	}
	left := map[string]string{}
	for _, n := range r.report.NotUpdated {
		left[n.Image] = n.Reason
	}
	for _, name := range []string{"Ubuntu 14.04", "Debian 10", "CentOS 7", "CentOS Stream 8", "Fedora 37"} {
		if left[name] == "" {
			t.Errorf("%s is not listed as left alone: %v", name, left)
		}
	}

	// Nothing new upstream: the next run changes nothing.
	r2 := w.run(w.args("run")...)
	if r2.code != ExitOK || len(r2.report.Updates) != 0 || len(r2.report.Unchanged) != len(want) {
		t.Fatalf("second run: exit %d, updates %+v, %d unchanged\n%s", r2.code, r2.report.Updates, len(r2.report.Unchanged), r2.stderr)
	}
	if again := w.files(); !maps.Equal(again, after) {
		t.Fatal("the second run changed a file")
	}
}

func wantPrefix(t *testing.T, got, prefix string) {
	t.Helper()
	if !strings.HasPrefix(got, prefix) {
		t.Errorf("url %s, want it under %s", got, prefix)
	}
}

// twist edits one catalog file of the world, replacing old by new once.
func (w *osismWorld) twist(file, old, new string) {
	w.t.Helper()
	p := filepath.Join(w.catalog, "etc/images", file)
	b, err := os.ReadFile(p)
	if err != nil {
		w.t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		w.t.Fatalf("%s has no %q", file, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// An operator's own settings, comments and mirrors survive an update byte
// for byte, and an entry following a stream no source knows is left alone
// and named.
func TestOsismCatalogOperatorTwists(t *testing.T) {
	w := newOsismWorld(t)
	// Ubuntu 24.04: disabled, private, tagged, hotfixed, UEFI, a dated
	// provided_until and comments inside the entry.
	w.twist("ubuntu.yml", `  - name: Ubuntu 24.04
    enable: true
    shortname: ubuntu-24.04`, `  - name: Ubuntu 24.04
    enable: false   # until the kernel fix lands
    shortname: ubuntu-24.04`)
	w.twist("ubuntu.yml", `      os_version: '24.04'
      os_purpose: generic
      replace_frequency: quarterly
      uuid_validity: last-3
      provided_until: none
    tags: []
    latest_checksum_url: 
      https://cloud-images.ubuntu.com/noble/current/SHA256SUMS`, `      os_version: '24.04'
      os_purpose: generic
      hw_firmware_type: uefi
      replace_frequency: quarterly
      uuid_validity: last-3
      provided_until: 2029-05-31
    # Our tenants look for these.
    tags: [lts, "noble"]
    hotfix_hours: 6
    latest_checksum_url: 
      https://cloud-images.ubuntu.com/noble/current/SHA256SUMS`)
	w.twist("ubuntu.yml", `  - name: Ubuntu 24.04 Minimal
    enable: true
    shortname: ubuntu-24.04-minimal
    format: qcow2
    login: ubuntu
    min_disk: 8
    min_ram: 512
    status: active
    visibility: public`, `  - name: Ubuntu 24.04 Minimal
    enable: true
    shortname: ubuntu-24.04-minimal
    format: qcow2
    login: ubuntu
    min_disk: 8
    min_ram: 512
    status: active
    visibility: private`)
	// Debian 12 follows the operator's own mirror of the daily stream, a
	// layout no source describes.
	w.twist("debian.yml", `    latest_checksum_url: 
      https://cdimage.debian.org/cdimage/cloud/bookworm/daily/latest/SHA512SUMS
    latest_url: 
      https://cdimage.debian.org/cdimage/cloud/bookworm/daily/latest/debian-12-genericcloud-amd64-daily.qcow2`, `    latest_checksum_url: 
      https://mirror.example.org/debian-cloud/bookworm/SHA512SUMS
    latest_url: 
      https://mirror.example.org/debian-cloud/bookworm/current.qcow2`)
	before := w.files()

	r := w.run(w.args("run")...)
	if r.code != ExitOK || len(r.report.Failures) > 0 {
		t.Fatalf("exit %d, failures %+v\n%s", r.code, r.report.Failures, r.stderr)
	}
	after := w.files()
	for name := range before {
		onlyAdded(t, name, before[name], after[name])
	}
	ub := after["ubuntu.yml"]
	for _, keep := range []string{
		"enable: false   # until the kernel fix lands", "visibility: private", "hw_firmware_type: uefi",
		"provided_until: 2029-05-31", "# Our tenants look for these.", `tags: [lts, "noble"]`, "hotfix_hours: 6",
	} {
		if !strings.Contains(ub, keep) {
			t.Errorf("ubuntu.yml lost %q", keep)
		}
	}
	var updated []string
	for _, u := range r.report.Updates {
		updated = append(updated, u.Image)
	}
	for _, name := range []string{"Ubuntu 24.04", "Ubuntu 24.04 Minimal"} {
		if !slices.Contains(updated, name) {
			t.Errorf("%s was not updated: %v", name, updated)
		}
	}
	if slices.Contains(updated, "Debian 12") || entryText(before["debian.yml"], "Debian 12") != entryText(after["debian.yml"], "Debian 12") {
		t.Errorf("Debian 12 follows an unknown stream but was changed")
	}
	var left string
	for _, n := range r.report.NotUpdated {
		if n.Image == "Debian 12" {
			left = n.Reason
		}
	}
	if !strings.Contains(left, "follows https://mirror.example.org/debian-cloud/bookworm/current.qcow2, which no source describes") {
		t.Errorf("Debian 12 not named as left alone: %q", left)
	}
}

// --mirror-url-template writes mirror_url into every added version, where
// the entry's items keep it, from the entry's own shortname.
func TestOsismMirrorURLTemplate(t *testing.T) {
	w := newOsismWorld(t)
	before := w.files()
	tpl := "https://mirror.example.org/images/{{ image.shortname }}/{{ version.version }}-{{ image.shortname }}.{{ image.format }}"
	r := w.run(w.args("run", "--only", "AlmaLinux 9", "--only", "Debian 12", "--mirror-url-template", tpl)...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	after := w.files()
	onlyAdded(t, "almalinux.yml", before["almalinux.yml"], after["almalinux.yml"])
	if !strings.Contains(after["almalinux.yml"], `      - version: '20261119'
        url: 
          https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-9.8-20261119.x86_64.qcow2
        mirror_url: 
          https://mirror.example.org/images/almalinux-9/20261119-almalinux-9.qcow2
`) {
		t.Errorf("almalinux.yml: no mirror_url in the entry's style:\n%s", after["almalinux.yml"])
	}
	// Debian 12's items keep mirror_url after url, in their own key order.
	if !strings.Contains(after["debian.yml"], `          https://cdimage.debian.org/cdimage/cloud/bookworm/daily/20261124-2411/debian-12-genericcloud-amd64-daily-20261124-2411.qcow2
        mirror_url: 
          https://mirror.example.org/images/debian-12/20261124-debian-12.qcow2
        version: '20261124'
`) {
		t.Errorf("debian.yml: no mirror_url in the entry's style:\n%s", after["debian.yml"])
	}
	if r := w.run(w.args("run", "--mirror-url-template", "{{ image.nope }}")...); r.code != ExitUsage || !strings.Contains(r.stderr, "nope") {
		t.Errorf("a bad template: exit %d\n%s", r.code, r.stderr)
	}
}

// A build upstream no longer publishes leaves the entry when the operator
// keeps no mirror of it; a Rocky minor that upstream retired moves to the
// vault; a version with a mirror_url stays.
func TestOsismGoneVersionsArePrunedOrRepinned(t *testing.T) {
	w := newOsismWorld(t)
	// AlmaLinux 9: an earlier pinned build without mirror_url, whose file
	// AlmaLinux no longer publishes.
	w.twist("almalinux.yml", `        build_date: 2025-11-18
`, `        build_date: 2025-11-18
      - version: '20260301'
        url: 
          https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-9.7-20260301.x86_64.qcow2
        checksum: 
          sha256:1111111111111111111111111111111111111111111111111111111111111111
        build_date: 2026-03-01
`)
	// Rocky 9: a build of a minor release upstream moved to the vault.
	w.twist("rockylinux.yml", `        build_date: 2025-11-23
`, `        build_date: 2025-11-23
      - version: '20260415'
        url: 
          https://download.rockylinux.org/pub/rocky/9.6/images/x86_64/Rocky-9-GenericCloud-Base-9.6-20260415.0.x86_64.qcow2
        checksum: 
          sha256:2222222222222222222222222222222222222222222222222222222222222222
        build_date: 2026-04-15
`)
	w.host("dl.rockylinux.org").BigFile("/vault/rocky/9.6/images/x86_64/Rocky-9-GenericCloud-Base-9.6-20260415.0.x86_64.qcow2", layout.ImageSize, time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
	before := w.files()
	dry := w.run(w.args("run", "--dry-run", "--only", "AlmaLinux 9", "--only", "Rocky 9")...)
	for _, want := range []string{"Older versions whose files are gone upstream", "**AlmaLinux 9 20260301** removed", "**Rocky 9 20260415** now points at upstream's archive"} {
		if !strings.Contains(dry.stdout, want) {
			t.Errorf("the pull request body does not say %q:\n%s", want, dry.stdout)
		}
	}
	r := w.run(w.args("run", "--only", "AlmaLinux 9", "--only", "Rocky 9")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if len(r.report.Pruned) != 1 || r.report.Pruned[0].Image != "AlmaLinux 9" || r.report.Pruned[0].Version != "20260301" {
		t.Errorf("pruned %+v", r.report.Pruned)
	}
	if len(r.report.Repinned) != 1 || r.report.Repinned[0].Version != "20260415" ||
		r.report.Repinned[0].To != "https://dl.rockylinux.org/vault/rocky/9.6/images/x86_64/Rocky-9-GenericCloud-Base-9.6-20260415.0.x86_64.qcow2" {
		t.Errorf("repinned %+v", r.report.Repinned)
	}
	after := w.files()
	if strings.Contains(after["almalinux.yml"], "20260301") || !strings.Contains(after["almalinux.yml"], "version: '20251118'") {
		t.Errorf("almalinux.yml: the gone build stays, or the mirrored one went:\n%s", after["almalinux.yml"])
	}
	if !strings.Contains(after["rockylinux.yml"], "https://dl.rockylinux.org/vault/rocky/9.6/images/x86_64/Rocky-9-GenericCloud-Base-9.6-20260415.0.x86_64.qcow2") {
		t.Errorf("rockylinux.yml: not repinned to the vault:\n%s", after["rockylinux.yml"])
	}
	for name := range before {
		if errs := catalog.CheckLatest(name, []byte(after[name])); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
	}
}

// entryText is the text of one image's entry in a catalog file.
func entryText(file, name string) string {
	i := strings.Index(file, "  - name: "+name+"\n")
	if i < 0 {
		return ""
	}
	rest := file[i+1:]
	if j := strings.Index(rest, "\n  - name: "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// A catalog holding Fedora 43 the operator's way gets Fedora 44 proposed
// when upstream lists it, looking like the operator's own entry: its
// enable, visibility, tags and meta, in its key order. Fedora
// for aarch64, which the catalog does not carry, is only offered.
func TestNewReleaseCopiesItsSibling(t *testing.T) {
	w := newELWorld(t)
	fedora43 := `---
images:
  - name: Fedora 43
    enable: false
    shortname: fedora-43
    format: qcow2
    login: fedora
    min_disk: 5
    min_ram: 1024
    status: active
    visibility: private
    multi: true
    meta:
      architecture: x86_64
      hw_disk_bus: virtio
      hypervisor_type: qemu
      os_distro: fedora
      os_version: '43'
      os_purpose: generic
      replace_frequency: quarterly
      uuid_validity: last-3
      provided_until: 2026-12-15
    tags: [fedora, team-a]
    versions:
      - version: '43-1.6'
        url: https://dl.fedoraproject.org/pub/fedora/linux/releases/43/Cloud/x86_64/images/Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2
        checksum: sha256:` + layout.FedoraDigest("43-1.6", "x86_64", "") + `
        build_date: 2025-10-23
`
	if err := os.WriteFile(filepath.Join(w.catalog, "etc/images/fedora.yml"), []byte(fedora43), 0o644); err != nil {
		t.Fatal(err)
	}
	r := w.run(nil, "run", "--catalog", w.catalog, "--sources", w.sources, "--signatures", "off",
		"--only", "Fedora 43", "--only", "Fedora 44", "--only", "Fedora 44 aarch64",
		"--mirror", "https://dl.fedoraproject.org/="+w.mirror.URL+"/fedora/")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if len(r.report.Updates) != 1 || r.report.Updates[0].Image != "Fedora 44" || r.report.Updates[0].NewImage != "new release" {
		t.Fatalf("updates %+v", r.report.Updates)
	}
	if !slices.Contains(r.report.Available, "Fedora 44 aarch64") {
		t.Errorf("Fedora 44 aarch64 not offered: %v", r.report.Available)
	}
	got := w.read("fedora.yml")
	if !strings.HasPrefix(got, fedora43) {
		t.Fatalf("Fedora 43's entry changed:\n%s", got)
	}
	added := got[len(fedora43):]
	golden.Assert(t, "testdata/golden/fedora-new-release.yml", added)
	for _, want := range []string{
		"- name: Fedora 44\n    enable: false\n    shortname: fedora-44\n", "min_disk: 5", "visibility: private",
		"hw_disk_bus: virtio", "os_version: '44'", "provided_until: 2026-12-15", "tags: [fedora, team-a]",
		"Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2",
	} {
		if !strings.Contains(added, want) {
			t.Errorf("the new entry lacks %q:\n%s", want, added)
		}
	}
	if errs := catalog.Validate("fedora.yml", []byte(got)); len(errs) > 0 {
		t.Errorf("fedora.yml fails the schema: %v", errs)
	}
}

// An empty catalog gets the whole selected set from the templates.
func TestEmptyCatalogGetsEverySelectedImage(t *testing.T) {
	w := newWorld(t)
	empty := t.TempDir()
	r := w.run(nil, "run", "--catalog", empty, "--only", "Ubuntu 24.04", "--only", "Debian 12",
		"--mirror", "https://cloud-images.ubuntu.com/="+w.mirror.URL+"/ubuntu/",
		"--mirror", "https://cloud.debian.org/="+w.mirror.URL+"/debian/", "--signatures", "optional")
	if r.code != ExitOK || len(r.report.Updates) != 2 {
		t.Fatalf("exit %d, updates %+v\n%s", r.code, r.report.Updates, r.stderr)
	}
	for _, u := range r.report.Updates {
		if u.NewImage != "bootstrap" {
			t.Errorf("%s: new image %q, want bootstrap", u.Image, u.NewImage)
		}
	}
	for _, f := range []string{"ubuntu.yml", "debian.yml"} {
		b, err := os.ReadFile(filepath.Join(empty, "etc/images", f))
		if err != nil {
			t.Fatal(err)
		}
		if errs := catalog.Validate(f, b); len(errs) > 0 || !strings.Contains(string(b), "latest_url: ") {
			t.Errorf("%s: %v\n%s", f, errs, b)
		}
	}
}

// validate reads the catalog's own schema, reports an entry the image
// manager would not take the newest build of, and refuses to pass a
// catalog it found no file in.
func TestValidateOsismCatalog(t *testing.T) {
	w := &world{t: t}
	dir := t.TempDir()
	copyDir(t, "testdata/osism", dir)
	r := w.runPlain(nil, "validate", "--catalog", dir)
	if r.code != ExitOK || !strings.Contains(r.stdout, "ok  schema etc/schema.yaml") || !strings.Contains(r.stdout, "ok  etc/images/ubuntu.yml (11 images)") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A schema that permits more than the built-in copy: its own wins.
	schema := filepath.Join(dir, "etc/schema.yaml")
	b, _ := os.ReadFile(schema)
	if !strings.Contains(string(b), "'centos',") {
		t.Fatalf("the schema's os_distro enum changed: %s", b)
	}
	os.WriteFile(schema, []byte(strings.Replace(string(b), "'centos',", "'centos', 'almalinux',", 1)), 0o644)
	alma := filepath.Join(dir, "etc/images/almalinux.yml")
	a, _ := os.ReadFile(alma)
	os.WriteFile(alma, []byte(strings.ReplaceAll(string(a), "os_distro: centos", "os_distro: almalinux")), 0o644)
	if r := w.runPlain(nil, "validate", "--catalog", dir); r.code != ExitOK {
		t.Fatalf("the catalog's own schema was not used: exit %d\n%s", r.code, r.stderr)
	}

	// 9.8-20260526 after 20251118: natsort keeps 20251118 as the latest.
	os.WriteFile(alma, []byte(string(a)+`      - version: '9.8-20260526'
        url: https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2
        checksum: sha256:5ff9c048859046f41db4a33b1f1a96675711288078aac66b47d0be023af270d2
        build_date: 2026-05-26
`), 0o644)
	r = w.runPlain(nil, "validate", "--catalog", dir)
	if r.code != ExitError || !strings.Contains(r.stderr, "etc/images/almalinux.yml:") || !strings.Contains(r.stderr, "20251118") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}

	// No catalog file: a wrong path, or the catalog dir itself.
	for _, args := range [][]string{
		{"validate", "--catalog", filepath.Join(dir, "nope")},
		{"validate", "--catalog", filepath.Join(dir, "etc/images")},
		{"validate", "--catalog", dir, "--catalog-dir", "etc/image"},
	} {
		if r := w.runPlain(nil, args...); r.code != ExitError || !strings.Contains(r.stderr, "no catalog file") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if r := w.runPlain(nil, "validate", "--catalog", t.TempDir(), "--allow-empty"); r.code != ExitOK {
		t.Errorf("--allow-empty: exit %d\n%s", r.code, r.stderr)
	}
}

// An aarch64 twin joins where the catalog already carries aarch64 images
// of its family and holds its x86_64 twin; elsewhere it is only offered.
func TestArchTwinJoinsWhereTheFamilyHasOne(t *testing.T) {
	w := newELWorld(t)
	// The catalog holds Rocky 9 (x86_64, from testdata) and now Rocky 8
	// and Rocky 8 aarch64: Rocky 9 aarch64 is proposed; AlmaLinux 9
	// aarch64 is not (no AlmaLinux aarch64 in the catalog).
	r := w.run(nil, "run", "--catalog", w.catalog, "--sources", w.sources, "--signatures", "off",
		"--only", "Rocky 8", "--only", "Rocky 8 aarch64", "--add", "rocky 8", "--add", "ROCKY 8 AARCH64",
		"--mirror", "https://dl.rockylinux.org/="+w.mirror.URL+"/rocky/")
	if r.code != ExitOK || len(r.report.Updates) != 2 {
		t.Fatalf("adding Rocky 8: exit %d %+v\n%s", r.code, r.report.Updates, r.stderr)
	}
	r = w.run(nil, "run", "--catalog", w.catalog, "--sources", w.sources, "--signatures", "off",
		"--only", "Rocky 9", "--only", "Rocky 9 aarch64", "--only", "AlmaLinux 9", "--only", "AlmaLinux 9 aarch64",
		"--mirror", "https://dl.rockylinux.org/="+w.mirror.URL+"/rocky/",
		"--mirror", "https://repo.almalinux.org/="+w.mirror.URL+"/alma/")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	by := byImage(r.report)
	if u := by["Rocky 9 aarch64"]; u == nil || u.NewImage != "new architecture" {
		t.Errorf("Rocky 9 aarch64: %+v", u)
	}
	if by["AlmaLinux 9 aarch64"] != nil || !slices.Contains(r.report.Available, "AlmaLinux 9 aarch64") || !slices.Contains(r.report.Available, "AlmaLinux 9") {
		t.Errorf("AlmaLinux was added: %+v, available %v", r.report.Updates, r.report.Available)
	}
	rocky := w.read("rockylinux.yml")
	arm := entryText(rocky, "Rocky 9 aarch64")
	if !strings.Contains(arm, "architecture: aarch64") || !strings.Contains(arm, "Rocky-9-GenericCloud-Base-9.6-20250531.0.aarch64.qcow2") {
		t.Errorf("Rocky 9 aarch64 entry:\n%s", arm)
	}
}
