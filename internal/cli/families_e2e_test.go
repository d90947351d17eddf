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

// familySources are AlmaLinux and Rocky as the shipped sources write them:
// one per-release source per architecture, the majors their mirrors list,
// with settings per release (docs/sources.md, "Per-release settings"). The
// test mirror signs with its own key (mirror.asc): Rocky 9 publishes no
// signature, and a major the file does not name is checked against the
// source's keys.
const familySources = `version: 1
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
    min_disk: 10
    min_ram: 512
    status: active
    visibility: public
    multi: true
    enable: true
    tags: []
  alma: &alma
    releases: 3
    release_pattern: '[0-9]+'
    checksums: CHECKSUM
    algorithm: sha256
    release_notes: https://wiki.almalinux.org/release-notes/{major}.{minor}.html
    signature: required
    signature_file: "{checksums}.asc"
    keys: [mirror.asc]
  rocky: &rocky
    releases: 3
    release_pattern: '[0-9]+'
    checksums: CHECKSUM
    algorithm: sha256
    release_notes: https://docs.rockylinux.org/release_notes/{major}_{minor}/
    signature: required
    keys: [mirror.asc]
images:
  - name: AlmaLinux {release}
    shortname: almalinux-{release}
    file: almalinux.yml
    type: alias-checksum
    arch: x86_64
    upstream:
      <<: *alma
      url: https://repo.almalinux.org/almalinux/{release}/cloud/x86_64/images/
      filename: AlmaLinux-{release}-GenericCloud-latest.x86_64.qcow2
      pinned: AlmaLinux-{release}-GenericCloud-{version}.x86_64.qcow2
      per_release:
        '8':
          eol: 2029-03-01
          keys: [keys/almalinux-8.asc]
          enable: false
        '9':
          keys: [mirror.asc]
    image:
      <<: *image
      login: almalinux
      meta:
        architecture: x86_64
        <<: *meta
        os_distro: centos
        os_version: '{release}'
  - name: AlmaLinux {release} aarch64
    shortname: almalinux-{release}-aarch64
    file: almalinux.yml
    type: alias-checksum
    arch: aarch64
    upstream:
      <<: *alma
      url: https://repo.almalinux.org/almalinux/{release}/cloud/aarch64/images/
      filename: AlmaLinux-{release}-GenericCloud-latest.aarch64.qcow2
      pinned: AlmaLinux-{release}-GenericCloud-{version}.aarch64.qcow2
      per_release:
        '9':
          keys: [mirror.asc]
    image:
      <<: *image
      login: almalinux
      meta:
        architecture: aarch64
        hw_firmware_type: uefi
        <<: *meta
        os_distro: centos
        os_version: '{release}'
  - name: Rocky {release}
    shortname: rocky-{release}
    file: rockylinux.yml
    type: alias-checksum-minor
    arch: x86_64
    upstream:
      <<: *rocky
      url: https://dl.rockylinux.org/pub/rocky/{release}/images/x86_64/
      filename: Rocky-{release}-GenericCloud-Base.latest.x86_64.qcow2
      pinned: Rocky-{release}-GenericCloud-Base-{version}.x86_64.qcow2
      per_release:
        '9':
          signature: "off"
    image:
      <<: *image
      login: rocky
      meta:
        architecture: x86_64
        <<: *meta
        os_distro: rocky
        os_version: '{release}'
  - name: Rocky {release} aarch64
    shortname: rocky-{release}-aarch64
    file: rockylinux.yml
    type: alias-checksum-minor
    arch: aarch64
    upstream:
      <<: *rocky
      url: https://dl.rockylinux.org/pub/rocky/{release}/images/aarch64/
      filename: Rocky-{release}-GenericCloud-Base.latest.aarch64.qcow2
      pinned: Rocky-{release}-GenericCloud-Base-{version}.aarch64.qcow2
      per_release:
        '9':
          signature: "off"
    image:
      <<: *image
      login: rocky
      meta:
        architecture: aarch64
        hw_firmware_type: uefi
        <<: *meta
        os_distro: rocky
        os_version: '{release}'
`

// A new AlmaLinux major and a new Rocky major appear upstream between two
// runs. The run before proposes nothing; the run after proposes each, for
// each architecture, as one new image that copies its sibling's operator
// fields, pinned to its build and checked (its signature by the source's
// key, as no setting names the new major). One listing of each family's
// majors serves both architectures.
func TestNewMajorsOfAlmaLinuxAndRocky(t *testing.T) {
	w := &discoveryWorld{world: &world{t: t, mirror: mirror.New(t), catalog: t.TempDir()}}
	if err := os.MkdirAll(filepath.Join(w.catalog, "etc/images"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(src, []byte(familySources), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mirror.asc"), layout.MirrorPublicKey(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arch := range []string{"x86_64", "aarch64"} {
		layout.AlmaLinux(w.mirror, "/alma/almalinux/", "9", arch, "9.7-20261101", "")
		layout.Rocky(w.mirror, "/rocky/pub/rocky/", "9", arch, []string{"9.7-20261101.0"}, "")
	}
	args := func(extra ...string) []string {
		return append(extra, "--catalog", w.catalog, "--sources", src,
			"--mirror", "https://repo.almalinux.org/="+w.mirror.URL+"/alma/",
			"--mirror", "https://dl.rockylinux.org/="+w.mirror.URL+"/rocky/")
	}

	r := w.run(nil, args("run")...)
	if r.code != ExitOK {
		t.Fatalf("bootstrap: exit %d\n%s", r.code, r.stderr)
	}
	if got, want := updatedImages(r), []string{"AlmaLinux 9", "AlmaLinux 9 aarch64", "Rocky 9", "Rocky 9 aarch64"}; !slices.Equal(got, want) {
		t.Fatalf("bootstrap wrote %v, want %v", got, want)
	}
	for _, u := range r.report.Updates {
		// AlmaLinux 9's setting names the mirror's key; Rocky 9's says
		// that nothing is signed.
		if u.Verified != strings.HasPrefix(u.Image, "AlmaLinux") {
			t.Errorf("%s: signature_verified %v", u.Image, u.Verified)
		}
	}
	for _, f := range []string{"almalinux.yml", "rockylinux.yml"} {
		w.edit(f, "visibility: public", "visibility: private  # ours")
		w.edit(f, "tags: []", "tags: [golden]")
	}

	// Nothing new upstream: nothing proposed.
	r = w.run(nil, args("run")...)
	if r.code != ExitOK || len(r.report.Updates) != 0 || len(r.report.Failures) != 0 {
		t.Fatalf("unchanged upstream: exit %d, updates %v, failures %v\n%s", r.code, updatedImages(r), r.report.Failures, r.stderr)
	}

	// AlmaLinux's listing fails: the majors the catalog holds and the
	// sources file names (per_release) were crawled without waiting for it,
	// and only new majors could not be looked for.
	w.mirror.Fault("/alma/almalinux/", mirror.Fault{Status: 404})
	r = w.run(nil, args("run")...)
	if r.code != ExitOK || len(r.report.Failures) != 0 || len(r.report.Unchanged) != 4 ||
		!slices.ContainsFunc(r.report.Warnings, func(s string) bool { return strings.HasPrefix(s, "AlmaLinux {release}: new releases not looked for") }) {
		t.Fatalf("failed listing: exit %d, failures %v, unchanged %v, warnings %q\n%s", r.code, r.report.Failures, r.report.Unchanged, r.report.Warnings, r.stderr)
	}
	w.mirror.Fault("/alma/almalinux/", mirror.Fault{})

	// AlmaLinux 10 and Rocky 10 are published, for both architectures.
	for _, arch := range []string{"x86_64", "aarch64"} {
		layout.AlmaLinux(w.mirror, "/alma/almalinux/", "10", arch, "10.1-20261120.0", "")
		layout.Rocky(w.mirror, "/rocky/pub/rocky/", "10", arch, []string{"10.1-20261120.0"}, "")
	}
	w.mirror.ResetCounts()
	r = w.run(nil, args("run")...)
	if r.code != ExitOK {
		t.Fatalf("new majors: exit %d\n%s", r.code, r.stderr)
	}
	want := []string{"AlmaLinux 10", "AlmaLinux 10 aarch64", "Rocky 10", "Rocky 10 aarch64"}
	if got := updatedImages(r); !slices.Equal(got, want) {
		t.Fatalf("new majors: updates %v, want %v", got, want)
	}
	for _, p := range []string{"/alma/almalinux/", "/rocky/pub/rocky/"} {
		if n := w.mirror.CountPath("GET", p); n != 1 {
			t.Errorf("%s listed %d times, want once for both architectures", p, n)
		}
	}
	by := byImage(r.report)
	for _, c := range []struct{ name, url, digest, notes string }{
		{"AlmaLinux 10", "https://repo.almalinux.org/almalinux/10/cloud/x86_64/images/AlmaLinux-10-GenericCloud-10.1-20261120.0.x86_64.qcow2",
			layout.AlmaLinuxDigest("10", "x86_64", "10.1-20261120.0", ""), "https://wiki.almalinux.org/release-notes/10.1.html"},
		{"AlmaLinux 10 aarch64", "https://repo.almalinux.org/almalinux/10/cloud/aarch64/images/AlmaLinux-10-GenericCloud-10.1-20261120.0.aarch64.qcow2",
			layout.AlmaLinuxDigest("10", "aarch64", "10.1-20261120.0", ""), "https://wiki.almalinux.org/release-notes/10.1.html"},
		// Rocky pins the minor directory.
		{"Rocky 10", "https://dl.rockylinux.org/pub/rocky/10.1/images/x86_64/Rocky-10-GenericCloud-Base-10.1-20261120.0.x86_64.qcow2",
			layout.RockyDigest("10", "x86_64", "10.1-20261120.0", ""), "https://docs.rockylinux.org/release_notes/10_1/"},
		{"Rocky 10 aarch64", "https://dl.rockylinux.org/pub/rocky/10.1/images/aarch64/Rocky-10-GenericCloud-Base-10.1-20261120.0.aarch64.qcow2",
			layout.RockyDigest("10", "aarch64", "10.1-20261120.0", ""), "https://docs.rockylinux.org/release_notes/10_1/"},
	} {
		u := by[c.name]
		if u.NewImage != "new release" || u.URL != c.url || u.Checksum != "sha256:"+c.digest || !u.Verified || u.ReleaseNotes != c.notes {
			t.Errorf("%s: new_image %q url %s checksum %s verified %v release notes %q", c.name, u.NewImage, u.URL, u.Checksum, u.Verified, u.ReleaseNotes)
		}
	}
	for _, c := range []struct{ file, name, arch string }{
		{"almalinux.yml", "AlmaLinux 10", "x86_64"}, {"almalinux.yml", "AlmaLinux 10 aarch64", "aarch64"},
		{"rockylinux.yml", "Rocky 10", "x86_64"}, {"rockylinux.yml", "Rocky 10 aarch64", "aarch64"},
	} {
		entry := entryText(w.read(c.file), c.name)
		// The sibling's values (of its own architecture), written as a new
		// entry of the catalog's.
		for _, keep := range []string{"visibility: private", "tags: [golden]", `os_version: "10"`, "architecture: " + c.arch} {
			if !strings.Contains(entry, keep) {
				t.Errorf("%s lacks %q:\n%s", c.name, keep, entry)
			}
		}
	}
	// The body of the pull request names each.
	for _, n := range want {
		if !strings.Contains(r.stdout+r.stderr, n) {
			t.Errorf("the output does not name %s", n)
		}
	}
}

// openSUSE Leap 15.6 ended on 2026-04-30 (its per_release eol in the
// shipped sources): as Debian 11, it is not added with the rest, a catalog
// that holds it is still crawled, and the run says it ended.
func TestLeap156PastItsEndWithTheShippedSources(t *testing.T) {
	w := newMultiHostWorld(t)
	leap := func(extra ...string) []string {
		args := append(extra, "--catalog", w.catalog, "--signatures", "optional",
			"--only", "openSUSE Leap 15.6", "--only", "openSUSE Leap 16.0")
		for _, m := range hostMirrors {
			args = append(args, "--mirror", m[0]+"="+w.mirror.URL+m[1])
		}
		return args
	}
	r := w.run(nil, leap("run", "--add-all")...)
	if r.code != ExitOK || !slices.Equal(updatedImages(r), []string{"openSUSE Leap 16.0"}) || !slices.Contains(r.report.Available, "openSUSE Leap 15.6") {
		t.Fatalf("--add-all: exit %d, updates %v, available %v\n%s", r.code, updatedImages(r), r.report.Available, r.stderr)
	}
	r = w.run(nil, leap("run", "--add", "openSUSE Leap 15.6")...)
	if r.code != ExitOK || !slices.Equal(updatedImages(r), []string{"openSUSE Leap 15.6"}) {
		t.Fatalf("--add: exit %d, updates %v\n%s", r.code, updatedImages(r), r.stderr)
	}
	r = w.run(nil, leap("run", "--dry-run")...)
	if r.code != ExitOK || len(r.report.Unchanged) != 2 {
		t.Fatalf("exit %d, unchanged %+v\n%s", r.code, r.report.Unchanged, r.stderr)
	}
	if eol := r.report.EndOfLife; len(eol) != 1 || eol[0].Image != "openSUSE Leap 15.6" || eol[0].EOL != "2026-04-30" || eol[0].State != "ended" || eol[0].Origin != "sources file eol" {
		t.Fatalf("end_of_life %+v", eol)
	}
}
