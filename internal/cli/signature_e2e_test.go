package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/signedubuntu"
)

// signedSources is a sources file like the shipped one, but Ubuntu trusts a
// key made by the test, kept next to the file (keys/test-signing-key.asc).
const signedSources = `version: 1
anchors:
  meta: &meta
    hw_disk_bus: scsi
    hw_rng_model: virtio
    hw_scsi_model: virtio-scsi
    hw_watchdog_action: reset
    hypervisor_type: qemu
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
  - name: Ubuntu 24.04
    shortname: ubuntu-24.04
    file: ubuntu.yml
    type: ubuntu
    arch: x86_64
    upstream:
      url: https://cloud-images.ubuntu.com/releases/noble/
      latest: release/
      checksums: SHA256SUMS
      algorithm: sha256
      filename: ubuntu-24.04-server-cloudimg-amd64.img
      signature: required
      signature_file: "{checksums}.gpg"
      keys: [keys/test-signing-key.asc]
    image:
      <<: *image
      login: ubuntu
      meta:
        architecture: x86_64
        <<: *meta
        os_distro: ubuntu
        os_version: '24.04'
        os_purpose: generic
        replace_frequency: quarterly
        uuid_validity: last-3
        provided_until: none
  - name: Debian 12
    shortname: debian-12
    file: debian.yml
    type: debian
    arch: x86_64
    upstream:
      url: https://cloud.debian.org/images/cloud/bookworm/
      latest: latest/
      checksums: SHA512SUMS
      algorithm: sha512
      filename: debian-12-genericcloud-amd64.qcow2
      pinned: debian-12-genericcloud-amd64-{version}.qcow2
      signature: "off"
    image:
      <<: *image
      login: debian
      meta:
        architecture: x86_64
        <<: *meta
        os_distro: debian
        os_version: '12'
        os_purpose: generic
        replace_frequency: quarterly
        uuid_validity: last-3
        provided_until: none
`

// signedWorld is the e2e world with every Ubuntu build's SHA256SUMS signed
// by the trusted key, and a sources file that trusts it.
type signedWorld struct {
	*world
	*signedubuntu.World
	sources string
}

var ubuntuBuilds = []string{"20260601", "20260615", "20260705"}

func newSignedWorld(t *testing.T) *signedWorld {
	t.Helper()
	base := newWorld(t)
	w := &signedWorld{world: base, World: signedubuntu.New(t, base.mirror, ubuntuBase, ubuntuBuilds)}
	dir := t.TempDir()
	w.sources = filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(w.sources, []byte(signedSources), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "keys"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "keys", "test-signing-key.asc"), w.Trusted.Public(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *signedWorld) args(extra ...string) []string {
	return append(extra,
		"--catalog", w.catalog, "--sources", w.sources, "--add", "Debian 12",
		"--mirror", "https://cloud-images.ubuntu.com/="+w.mirror.URL+"/ubuntu/",
		"--mirror", "https://cloud.debian.org/="+w.mirror.URL+"/debian/",
	)
}

// ubuntuRow is the pull request body's table row of Ubuntu 24.04.
func ubuntuRow(t *testing.T, body string) string {
	t.Helper()
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "| Ubuntu 24.04 |") {
			return l
		}
	}
	t.Fatalf("no Ubuntu 24.04 row in:\n%s", body)
	return ""
}

func TestSignatureVerifiedEndToEnd(t *testing.T) {
	t.Parallel()
	w := newSignedWorld(t)
	r := w.run(nil, w.args("run", "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	u := byImage(r.report)
	if u["Ubuntu 24.04"] == nil || !u["Ubuntu 24.04"].Verified {
		t.Fatalf("Ubuntu 24.04 not verified: %+v", r.report.Updates)
	}
	if u["Debian 12"] == nil || u["Debian 12"].Verified {
		t.Fatalf("Debian 12 (signature off) reported verified: %+v", u["Debian 12"])
	}
	if row := ubuntuRow(t, r.stdout); !strings.Contains(row, "| ✅ verified |") {
		t.Fatalf("row %q lacks ✅ verified", row)
	}
	if strings.Contains(r.stdout, "[!CAUTION]") || strings.Contains(r.stderr, "WARNING") {
		t.Fatalf("a verified run warns:\n%s\n%s", r.stdout, r.stderr)
	}
	if n := w.mirror.CountPath("GET", ubuntuBase+"release-20260705/SHA256SUMS.gpg"); n != 1 {
		t.Fatalf("the build's signature was fetched %d times, want 1", n)
	}

	// Written for real, then nothing changed: one request per image, the
	// signature not fetched again.
	if r := w.run(nil, w.args("run")...); r.code != ExitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	w.mirror.ResetCounts()
	if r := w.run(nil, w.args("run")...); r.code != ExitOK || len(r.report.Unchanged) != 2 {
		t.Fatalf("second run: exit %d %+v", r.code, r.report)
	}
	if n := w.mirror.Count(); n != 2 {
		t.Fatalf("an unchanged signed image cost %d requests, want 2 for two images: %v", n, w.mirror.Requests())
	}
}

func TestSignatureFailuresWriteNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		breakIt func(t *testing.T, w *signedWorld)
		want    string
	}{
		{"tampered SHA256SUMS", func(t *testing.T, w *signedWorld) {
			// A hostile mirror points alias and build at its own image.
			for _, p := range []string{"release/SHA256SUMS", "release-20260705/SHA256SUMS"} {
				body := bytes.Replace(get(t, w.mirror, ubuntuBase+p), []byte(layout.UbuntuDigest(ubuntuFile, "20260705", "")), []byte(strings.Repeat("e", 64)), 1)
				w.mirror.File(ubuntuBase+p, body, time.Time{})
			}
		}, "signature does not match content"},
		{"signed by another key", func(t *testing.T, w *signedWorld) { w.Sign(t, w.Stranger, "20260705") },
			"signature by unknown key 0x"},
		{"signature missing", func(t *testing.T, w *signedWorld) { w.mirror.Remove(ubuntuBase + "release-20260705/SHA256SUMS.gpg") },
			"SHA256SUMS.gpg is not published, and the signature of SHA256SUMS is required"},
		{"signature is an error page", func(t *testing.T, w *signedWorld) {
			w.mirror.File(ubuntuBase+"release-20260705/SHA256SUMS.gpg", []byte("<html><body>Not Found</body></html>"), time.Time{})
		}, "malformed signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSignedWorld(t)
			tt.breakIt(t, w)
			before := w.read("ubuntu.yml")
			r := w.run(nil, w.args("run")...)
			if r.code != 3 {
				t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
			}
			if len(r.report.Failures) != 1 || r.report.Failures[0].Image != "Ubuntu 24.04" || !strings.Contains(r.report.Failures[0].Error, tt.want) {
				t.Fatalf("failures %+v, want Ubuntu 24.04: %q", r.report.Failures, tt.want)
			}
			if w.read("ubuntu.yml") != before {
				t.Fatal("ubuntu.yml changed although its signature failed")
			}
			if byImage(r.report)["Debian 12"] == nil {
				t.Fatalf("Debian 12 was held back by Ubuntu's failure: %+v", r.report)
			}
		})
	}
}

func TestSignaturesOverride(t *testing.T) {
	t.Parallel()
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		w := newSignedWorld(t)
		w.Sign(t, w.Stranger, "20260705") // would fail verification, were it checked
		r := w.run(nil, w.args("run", "--dry-run", "--signatures", "off")...)
		if r.code != ExitOK {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if u := byImage(r.report)["Ubuntu 24.04"]; u == nil || u.Verified {
			t.Fatalf("Ubuntu 24.04: %+v", u)
		}
		if !strings.Contains(r.stderr, "WARNING: --signatures off: no upstream signature will be checked") {
			t.Fatalf("no loud warning on stderr:\n%s", r.stderr)
		}
		for _, want := range []string{"> [!CAUTION]", "**no checksum file in this pull request was verified**"} {
			if !strings.Contains(r.stdout, want) {
				t.Fatalf("pull request body lacks %q:\n%s", want, r.stdout)
			}
		}
		if row := ubuntuRow(t, r.stdout); !strings.Contains(row, "| not verified |") {
			t.Fatalf("row %q", row)
		}
		if n := w.mirror.CountPath("GET", ubuntuBase+"release-20260705/SHA256SUMS.gpg"); n != 0 {
			t.Fatalf("off fetched the signature %d times", n)
		}
	})
	t.Run("optional without signature files", func(t *testing.T) {
		t.Parallel()
		w := newSignedWorld(t)
		for _, v := range ubuntuBuilds {
			w.mirror.Remove(ubuntuBase + "release-" + v + "/SHA256SUMS.gpg")
		}
		r := w.run(nil, w.args("run", "--dry-run", "--signatures", "optional")...)
		if r.code != ExitOK || len(r.report.Updates) != 2 {
			t.Fatalf("exit %d %+v\n%s", r.code, r.report, r.stderr)
		}
		if u := byImage(r.report)["Ubuntu 24.04"]; u.Verified {
			t.Fatal("verified without a signature")
		}
		if strings.Contains(r.stdout, "[!CAUTION]") {
			t.Fatal("optional is not off: no CAUTION")
		}
	})
	t.Run("optional still refuses a bad signature", func(t *testing.T) {
		t.Parallel()
		w := newSignedWorld(t)
		w.Sign(t, w.Stranger, "20260705")
		r := w.run(nil, w.args("run", "--dry-run", "--signatures", "optional")...)
		if r.code != 3 || len(r.report.Failures) != 1 || !strings.Contains(r.report.Failures[0].Error, "signature by unknown key") {
			t.Fatalf("exit %d %+v", r.code, r.report)
		}
	})
	t.Run("required reaches unsigned sources too", func(t *testing.T) {
		t.Parallel()
		w := newSignedWorld(t)
		r := w.run(nil, w.args("run", "--dry-run", "--signatures", "required")...)
		if r.code != 3 || len(r.report.Failures) != 1 || r.report.Failures[0].Image != "Debian 12" {
			t.Fatalf("exit %d %+v", r.code, r.report)
		}
		if u := byImage(r.report)["Ubuntu 24.04"]; u == nil || !u.Verified {
			t.Fatalf("Ubuntu 24.04: %+v", u)
		}
	})
	t.Run("bad mode", func(t *testing.T) {
		t.Parallel()
		w := newSignedWorld(t)
		r := w.runPlain(nil, w.args("crawl", "--signatures", "sometimes")...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, `--signatures "sometimes": want required, optional or off`) {
			t.Fatalf("exit %d %s", r.code, r.stderr)
		}
	})
}

func TestMissingKeyFileIsAUsageError(t *testing.T) {
	t.Parallel()
	w := newSignedWorld(t)
	if err := os.Remove(filepath.Join(filepath.Dir(w.sources), "keys", "test-signing-key.asc")); err != nil {
		t.Fatal(err)
	}
	r := w.runPlain(nil, w.args("crawl")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "sources.yaml:32: image \"Ubuntu 24.04\": upstream.keys: keys/test-signing-key.asc: no such key file") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

// A key file that is no key stops a run that verifies with it, before any
// request, and validate; --signatures off never parses it, so the run goes
// on, and so does a run of only the images that do not verify.
func TestBrokenKeyOnlyMattersWhenVerified(t *testing.T) {
	t.Parallel()
	const want = `sources.yaml:32: image "Ubuntu 24.04": upstream.keys: keys/test-signing-key.asc: not an OpenPGP public key`
	junk := "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all!!\n-----END PGP PUBLIC KEY BLOCK-----\n"
	tests := []struct {
		name      string
		args      []string
		wantUsage bool
	}{
		{"verified", []string{"crawl"}, true},
		{"validate", []string{"validate"}, true},
		{"signatures off", []string{"crawl", "--signatures", "off"}, false},
		{"only an unsigned image", []string{"crawl", "--only", "Debian 12"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSignedWorld(t)
			if err := os.WriteFile(filepath.Join(filepath.Dir(w.sources), "keys", "test-signing-key.asc"), []byte(junk), 0o644); err != nil {
				t.Fatal(err)
			}
			args := w.args(tt.args...)
			if tt.args[0] == "validate" {
				args = []string{"validate", "--sources", w.sources, "--catalog", w.catalog}
			}
			w.mirror.ResetCounts() // signing the builds read them
			r := w.runPlain(nil, args...)
			requests := w.mirror.Count()
			if tt.wantUsage {
				if r.code != ExitUsage || !strings.Contains(r.stderr, want) {
					t.Fatalf("exit %d, want %d and %q\n%s", r.code, ExitUsage, want, r.stderr)
				}
				if requests != 0 {
					t.Fatalf("%d requests before the usage error, want none", requests)
				}
				return
			}
			if r.code == ExitUsage || strings.Contains(r.stderr, "not an OpenPGP public key") {
				t.Fatalf("exit %d: the key was parsed\n%s", r.code, r.stderr)
			}
			if requests == 0 {
				t.Fatal("no request: the run did not crawl")
			}
		})
	}
}
