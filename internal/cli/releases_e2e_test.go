package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// discoverySources offers Ubuntu LTS releases and Debian releases by their
// series directories and AlmaLinux by its major directories: the newest two
// (three of Debian) of each (docs/sources.md, "New releases").
const discoverySources = `version: 1
anchors:
  meta: &meta
    hw_disk_bus: scsi
    hypervisor_type: qemu
    os_purpose: generic
    replace_frequency: quarterly
    uuid_validity: last-3
    provided_until: none
  image: &image
    format: qcow2
    min_disk: 8
    min_ram: 512
    status: active
    visibility: public
    multi: true
    enable: true
    tags: []
images:
  - name: Ubuntu {release}
    shortname: ubuntu-{release}
    file: ubuntu.yml
    type: ubuntu
    arch: x86_64
    upstream:
      url: https://cloud-images.ubuntu.com/releases/{codename}/
      releases: 2
      latest: release/
      checksums: SHA256SUMS
      algorithm: sha256
      filename: ubuntu-{release}-server-cloudimg-amd64.img
      release_notes: https://cloud-images.ubuntu.com/releases/{codename}/release-{version}/ubuntu-{release}-server-cloudimg-amd64.manifest
      signature: "off"
    image:
      <<: *image
      login: ubuntu
      meta:
        architecture: x86_64
        <<: *meta
        os_distro: ubuntu
        os_version: '{release}'
  - name: Debian {release}
    shortname: debian-{release}
    file: debian.yml
    type: debian
    arch: x86_64
    upstream:
      url: https://cloud.debian.org/images/cloud/{codename}/
      releases: 3
      latest: latest/
      checksums: SHA512SUMS
      algorithm: sha512
      filename: debian-{release}-genericcloud-amd64.qcow2
      pinned: debian-{release}-genericcloud-amd64-{version}.qcow2
      signature: "off"
    image:
      <<: *image
      login: debian
      meta:
        architecture: x86_64
        <<: *meta
        os_distro: debian
        os_version: '{release}'
  - name: AlmaLinux {release}
    shortname: almalinux-{release}
    file: almalinux.yml
    type: alias-checksum
    arch: x86_64
    upstream:
      url: https://repo.almalinux.org/almalinux/{release}/cloud/x86_64/images/
      releases: 2
      release_pattern: '[0-9]+'
      checksums: CHECKSUM
      algorithm: sha256
      filename: AlmaLinux-{release}-GenericCloud-latest.x86_64.qcow2
      pinned: AlmaLinux-{release}-GenericCloud-{version}.x86_64.qcow2
      signature: "off"
    image:
      <<: *image
      login: almalinux
      meta:
        architecture: x86_64
        <<: *meta
        os_distro: centos
        os_version: '{release}'
`

type discoveryWorld struct {
	*world
	sources string
}

func newDiscoveryWorld(t *testing.T) *discoveryWorld {
	t.Helper()
	w := &world{t: t, mirror: mirror.New(t), catalog: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(w.catalog, "etc/images"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(src, []byte(discoverySources), 0o644); err != nil {
		t.Fatal(err)
	}
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", "ubuntu-24.04-server-cloudimg-amd64.img", []string{"20261101"}, "")
	layout.Debian(w.mirror, "/debian/images/cloud/bookworm/", "debian-12-genericcloud-amd64", []string{"20261101-1990"}, "")
	layout.AlmaLinux(w.mirror, "/almalinux/", "9", "x86_64", "9.7-20261101", "")
	return &discoveryWorld{world: w, sources: src}
}

func (w *discoveryWorld) args(extra ...string) []string {
	return append(extra,
		"--catalog", w.catalog, "--sources", w.sources,
		"--mirror", "https://cloud-images.ubuntu.com/="+w.mirror.URL+"/ubuntu/",
		"--mirror", "https://cloud.debian.org/="+w.mirror.URL+"/debian/",
		"--mirror", "https://repo.almalinux.org/="+w.mirror.URL+"/",
	)
}

func (w *discoveryWorld) edit(file, old, new string) {
	w.t.Helper()
	p := filepath.Join(w.catalog, "etc/images", file)
	b, err := os.ReadFile(p)
	if err != nil {
		w.t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		w.t.Fatalf("%s has no %q", file, old)
	}
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(b), old, new)), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// A new Ubuntu LTS, a new Debian release and a new AlmaLinux major appear
// upstream between two runs: the run before proposes nothing, the run after
// proposes each as one new image that copies its sibling's operator fields.
func TestNewReleasesFoundUpstream(t *testing.T) {
	w := newDiscoveryWorld(t)

	// A new catalog: the releases upstream lists now.
	r := w.run(nil, w.args("run")...)
	if r.code != ExitOK {
		t.Fatalf("bootstrap: exit %d\n%s", r.code, r.stderr)
	}
	if got := updatedImages(r); !slices.Equal(got, []string{"Ubuntu 24.04", "Debian 12", "AlmaLinux 9"}) {
		t.Fatalf("bootstrap wrote %v", got)
	}
	// The operator makes the entries their own.
	for _, f := range []string{"ubuntu.yml", "debian.yml", "almalinux.yml"} {
		w.edit(f, "visibility: public", "visibility: private  # ours")
		w.edit(f, "tags: []", "tags: [golden]")
	}

	// Nothing new upstream: nothing proposed.
	r = w.run(nil, w.args("run")...)
	if r.code != ExitOK || len(r.report.Updates) != 0 || len(r.report.Failures) != 0 {
		t.Fatalf("unchanged upstream: exit %d, updates %v, failures %v", r.code, updatedImages(r), r.report.Failures)
	}

	// Ubuntu 26.04, Debian 13 and AlmaLinux 10 are published.
	layout.Ubuntu(w.mirror, "/ubuntu/releases/resolute/", "ubuntu-26.04-server-cloudimg-amd64.img", []string{"20261120"}, "")
	layout.Debian(w.mirror, "/debian/images/cloud/trixie/", "debian-13-genericcloud-amd64", []string{"20261120-2000"}, "")
	layout.AlmaLinux(w.mirror, "/almalinux/", "10", "x86_64", "10.1-20261120.0", "")

	r = w.run(nil, w.args("run")...)
	if r.code != ExitOK {
		t.Fatalf("new releases: exit %d\n%s", r.code, r.stderr)
	}
	want := []string{"Ubuntu 26.04", "Debian 13", "AlmaLinux 10"}
	if got := updatedImages(r); !slices.Equal(got, want) {
		t.Fatalf("new releases: updates %v, want %v", got, want)
	}
	for _, u := range r.report.Updates {
		if u.NewImage != "new release" || u.Checksum == "" {
			t.Errorf("%s: new_image %q checksum %q", u.Image, u.NewImage, u.Checksum)
		}
	}
	if u := byImage(r.report)["Ubuntu 26.04"]; u.ReleaseNotes != "https://cloud-images.ubuntu.com/releases/resolute/release-20261120/ubuntu-26.04-server-cloudimg-amd64.manifest" {
		t.Errorf("Ubuntu 26.04 release notes %q", u.ReleaseNotes)
	}
	for _, c := range []struct{ file, name, version string }{
		{"ubuntu.yml", "Ubuntu 26.04", "26.04"}, {"debian.yml", "Debian 13", "13"}, {"almalinux.yml", "AlmaLinux 10", "10"},
	} {
		entry := entryText(w.read(c.file), c.name)
		// The sibling's values, written as a new entry of the catalog's.
		for _, keep := range []string{"visibility: private", "tags: [golden]", `os_version: "` + c.version + `"`} {
			if !strings.Contains(entry, keep) {
				t.Errorf("%s lacks %q:\n%s", c.name, keep, entry)
			}
		}
	}
}

// A catalog holding a release past its end of life is told so, and with
// --disable-eol the entry's enable flag, and nothing else of it, becomes
// false.
func TestEndOfLife(t *testing.T) {
	w := newDiscoveryWorld(t)
	layout.Debian(w.mirror, "/debian/images/cloud/bullseye/", "debian-11-genericcloud-amd64", []string{"20261101-1990"}, "")
	// Debian 11 ended on 2026-08-31 (distro-info-data, eol-lts): a new
	// catalog does not get it, nor does --add-all; --add does.
	for _, extra := range [][]string{nil, {"--add-all"}} {
		r := w.run(nil, w.args(append([]string{"run", "--dry-run", "--only", "Debian 11", "--only", "Debian 12"}, extra...)...)...)
		if got := updatedImages(r); !slices.Equal(got, []string{"Debian 12"}) || !slices.Equal(r.report.Available, []string{"Debian 11"}) {
			t.Fatalf("%v: updates %v, available %v", extra, got, r.report.Available)
		}
	}
	r := w.run(nil, w.args("run", "--only", "Debian 11", "--only", "Debian 12", "--add", "Debian 11")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if got := updatedImages(r); !slices.Equal(got, []string{"Debian 11", "Debian 12"}) {
		t.Fatalf("updates %v", got)
	}
	before := w.read("debian.yml")

	// The next run says so, in the report and the pull request body.
	r = w.run(nil, w.args("run", "--dry-run")...)
	if len(r.report.EndOfLife) != 1 || r.report.EndOfLife[0].Image != "Debian 11" || r.report.EndOfLife[0].EOL != "2026-08-31" ||
		r.report.EndOfLife[0].State != "ended" || !strings.Contains(r.report.EndOfLife[0].Origin, "debian.csv") || r.report.EndOfLife[0].Disabled {
		t.Fatalf("end_of_life %+v", r.report.EndOfLife)
	}
	if w.read("debian.yml") != before {
		t.Fatal("without --disable-eol the catalog changed")
	}
	if !strings.Contains(r.stdout, "### End of life") || !strings.Contains(r.stdout, "**Debian 11** (`etc/images/debian.yml`): support ended 2026-08-31 (distro-info-data debian.csv (eol-lts))") {
		t.Errorf("the pull request body lacks the end of life:\n%s", r.stdout)
	}
	// crawl shows it in its table.
	r = w.run(nil, w.args("crawl")...)
	if !strings.Contains(r.stdout, "2026-08-31 (ended)") {
		t.Errorf("crawl's table lacks the end of life:\n%s", r.stdout)
	}

	r = w.run(nil, w.args("run", "--disable-eol")...)
	if r.code != ExitOK || len(r.report.EndOfLife) != 1 || !r.report.EndOfLife[0].Disabled {
		t.Fatalf("--disable-eol: exit %d, end_of_life %+v\n%s", r.code, r.report.EndOfLife, r.stderr)
	}
	after := w.read("debian.yml")
	d11 := entryText(before, "Debian 11")
	if want := strings.Replace(before, d11, strings.Replace(d11, "enable: true", "enable: false", 1), 1); after != want {
		t.Fatalf("--disable-eol changed more than Debian 11's enable:\n%s", after)
	}
	// Disabled, it is no longer reported.
	r = w.run(nil, w.args("crawl", "--json")...)
	if len(r.report.EndOfLife) != 0 {
		t.Fatalf("a disabled image is still reported: %+v", r.report.EndOfLife)
	}
}

func updatedImages(r result) []string {
	var out []string
	if r.report == nil {
		return nil
	}
	for _, u := range r.report.Updates {
		out = append(out, u.Image)
	}
	return out
}
