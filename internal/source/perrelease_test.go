package source

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// leapFamily is openSUSE Leap as one per-release source: 16.0's names are
// the source's, 15.6 has its own names and an end of life.
const leapFamily = `version: 1
images:
  - name: openSUSE Leap {release}
    shortname: opensuse-leap-{release}
    file: opensuse.yml
    type: opensuse
    arch: x86_64
    upstream:
      url: https://download.opensuse.org/distribution/leap/{release}/appliances/
      releases: 2
      release_pattern: '1[0-9]\.[0-9]+'
      checksums: Leap-{release}-Minimal-VM.x86_64-Cloud.qcow2.sha256
      algorithm: sha256
      filename: Leap-{release}-Minimal-VM.x86_64-Cloud.qcow2
      pinned: Leap-{release}-Minimal-VM.x86_64-Cloud-Build{version}.qcow2
      signature: required
      signature_file: "{checksums}.asc"
      keys: [keys/opensuse-project-signing-key-2022.asc]
      per_release:
        '15.6':
          eol: 2026-04-30
          checksums: openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2.sha256
          filename: openSUSE-Leap-{release}-Minimal-VM.x86_64-Cloud.qcow2
          pinned: openSUSE-Leap-15.6-Minimal-VM.x86_64-15.6.0-Cloud-Build{version}.qcow2
          signature: "off"
        '16.0':
          keys: [keys/almalinux-10.asc]
    image:
      format: qcow2
      login: opensuse
      meta:
        architecture: x86_64
        os_version: '{release}'
`

func TestPerReleaseSettings(t *testing.T) {
	f, err := Parse("s.yaml", []byte(leapFamily))
	if err != nil {
		t.Fatal(err)
	}
	src := f.Images[0]
	tests := []struct {
		release                           string
		filename, pinned, eol, sig, check string
		keys                              []string
	}{
		// Signature off: the source's keys are not the release's.
		{"15.6", "openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2", "openSUSE-Leap-15.6-Minimal-VM.x86_64-15.6.0-Cloud-Build{version}.qcow2", "2026-04-30", "off",
			"openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2.sha256", nil},
		{"16.0", "Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2", "Leap-16.0-Minimal-VM.x86_64-Cloud-Build{version}.qcow2", "", "required",
			"Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2.sha256", []string{"keys/almalinux-10.asc"}},
		// A release the file does not name has the source's settings.
		{"16.1", "Leap-16.1-Minimal-VM.x86_64-Cloud.qcow2", "Leap-16.1-Minimal-VM.x86_64-Cloud-Build{version}.qcow2", "", "required",
			"Leap-16.1-Minimal-VM.x86_64-Cloud.qcow2.sha256", []string{"keys/opensuse-project-signing-key-2022.asc"}},
	}
	for _, tt := range tests {
		t.Run(tt.release, func(t *testing.T) {
			img := src.ForRelease(tt.release)
			u := img.Upstream
			if u.Filename != tt.filename || u.Pinned != tt.pinned || u.EOL != tt.eol || u.SignatureMode() != tt.sig || u.Checksums != tt.check {
				t.Errorf("got filename %q pinned %q eol %q signature %q checksums %q", u.Filename, u.Pinned, u.EOL, u.SignatureMode(), u.Checksums)
			}
			if !slices.Equal(u.Keys, tt.keys) || len(u.KeyData) != len(tt.keys) || len(tt.keys) > 0 && len(u.KeyData[0]) == 0 {
				t.Errorf("keys %v (%d loaded), want %v", u.Keys, len(u.KeyData), tt.keys)
			}
			if img.PerRelease() || u.PerRelease != nil {
				t.Error("a release is still a per-release source")
			}
		})
	}
	// The source itself is untouched.
	if src.Upstream.Filename != "Leap-{release}-Minimal-VM.x86_64-Cloud.qcow2" || len(src.Upstream.PerRelease) != 2 {
		t.Errorf("the source changed: %+v", src.Upstream)
	}
	// CheckKeys parses the keys of every release's settings too.
	if err := CheckKeys(f.Images); err != nil {
		t.Fatal(err)
	}
}

func TestPerReleaseSettingsErrors(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           string // "" = valid
	}{
		{"valid", "", "", ""},
		{"unknown key", "          eol: 2026-04-30\n", "          eol: 2026-04-30\n          url: https://example.org/\n", `unknown key "upstream.per_release.15.6.url"`},
		{"bad eol", "eol: 2026-04-30", "eol: 30.4.2026", `upstream.per_release."15.6": eol "30.4.2026": want a date`},
		{"not a release", "'15.6':", "'leap-15.6':", `upstream.per_release."leap-15.6": not a release number`},
		{"outside the pattern", "'15.6':", "'42.3':", `upstream.per_release."42.3": not a release number`},
		{"a missing key file", "keys/almalinux-10.asc", "keys/nonesuch.asc", `upstream.per_release."16.0".keys: keys/nonesuch.asc`},
		{"required without keys", "          keys: [keys/almalinux-10.asc]\n", "          keys: []\n          signature: required\n", `upstream.per_release."16.0": signature is required but no key`},
		{"bad signature", `signature: "off"`, `signature: "maybe"`, `signature "maybe"`},
		{"a name that climbs", "pinned: openSUSE-Leap-15.6", "pinned: ../openSUSE-Leap-15.6", "want a name relative to upstream.url"},
		{"not per-release", "      releases: 2\n      release_pattern: '1[0-9]\\.[0-9]+'\n", "", "only a per-release source"},
		{"not in releases_only", "      releases: 2\n", "      releases_only: ['16.0']\n", `upstream.per_release."15.6": not one of upstream.releases_only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := leapFamily
			if tt.old != "" {
				if !strings.Contains(data, tt.old) {
					t.Fatalf("test edit %q does not apply", tt.old)
				}
				data = strings.Replace(data, tt.old, tt.new, 1)
			}
			_, err := Parse("s.yaml", []byte(data))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// A key that a release's own settings name is looked at before the first
// request like the source's own: a file that is no key stops the run at
// once (CheckKeysBeside), and a release that turns signatures on has its
// keys checked even where the source's own setting is off.
func TestPerReleaseKeysBeforeTheFirstRequest(t *testing.T) {
	dir := t.TempDir()
	junk := "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all!!\n-----END PGP PUBLIC KEY BLOCK-----\n"
	if err := os.WriteFile(filepath.Join(dir, "junk.asc"), []byte(junk), 0o644); err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(leapFamily, "keys: [keys/almalinux-10.asc]", "keys: [junk.asc]", 1)
	src = strings.Replace(src, "      signature: required\n", "      signature: \"off\"\n", 1)
	src = strings.Replace(src, "          keys: [junk.asc]", "          signature: required\n          keys: [junk.asc]", 1)
	f, err := ParseFS("s.yaml", []byte(src), os.DirFS(dir))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if !(SignaturePolicy{}).Verifies(f.Images[0]) {
		t.Error("a source whose release 16.0 requires signatures is not verified")
	}
	if wait, err := CheckKeysBeside(f.Images); err == nil || !strings.Contains(err.Error(), "junk.asc") {
		t.Errorf("CheckKeysBeside: %v (wait %v), want junk.asc refused before any request", err, wait != nil)
	}
}
