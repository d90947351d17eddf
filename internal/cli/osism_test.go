package cli

import (
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
	}
	deb := w.host("cdimage.debian.org")
	layout.Debian(deb, "/cdimage/cloud/bullseye/", "debian-11-genericcloud-amd64", osismDebianRel, "")
	layout.DebianDaily(deb, "/cdimage/cloud/bookworm/", "debian-12-genericcloud-amd64", osismDebianDaily, "")
	layout.DebianDaily(deb, "/cdimage/cloud/trixie/", "debian-13-genericcloud-amd64", osismDebianDaily, "")
	for major, b := range osismAlma {
		layout.AlmaLinux(w.host("repo.almalinux.org"), "/almalinux/", major, "x86_64", b, "")
	}
	for major, bs := range osismRocky {
		layout.Rocky(w.host("download.rockylinux.org"), "/pub/rocky/", major, "x86_64", bs, "")
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
	golden(t, "testdata/golden/osism.diff", diff.String())

	// Shipped images the catalog lacks are offered, not added; entries no
	// source describes are named.
	for _, name := range []string{"AlmaLinux 10", "Rocky 10", "CentOS Stream 10", "Arch Linux", "Fedora 44", "Ubuntu 24.04 aarch64"} {
		if !slices.Contains(r.report.Available, name) {
			t.Errorf("%s is not listed as available: %v", name, r.report.Available)
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

