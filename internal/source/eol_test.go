package source

import (
	"strings"
	"testing"
)

func TestEndOfLifeTables(t *testing.T) {
	const head = "version: 1\n"
	const img = `images:
  - name: Debian 12
    shortname: debian-12
    file: debian.yml
    type: debian
    arch: x86_64
    upstream:
      url: https://cloud.debian.org/images/cloud/bookworm/
      checksums: SHA512SUMS
      algorithm: sha512
      filename: debian-12-genericcloud-amd64.qcow2
      pinned: debian-12-genericcloud-amd64-{version}.qcow2
    image:
      format: qcow2
      login: debian
`
	tests := []struct {
		name, block string
		want        string // "" = valid
		line        string
	}{
		{"none", "", "", ""},
		{"both", "end_of_life:\n  debian: https://salsa.debian.org/debian/distro-info-data/-/raw/main/debian.csv\n  ubuntu: https://example.org/ubuntu.csv\n", "", ""},
		{"unknown distro", "end_of_life:\n  fedora: https://example.org/fedora.csv\n", `end_of_life.fedora: no release table for "fedora"`, "s.yaml:3:"},
		{"not a URL", "end_of_life:\n  debian: /etc/debian.csv\n", `end_of_life.debian: "/etc/debian.csv": want an http or https URL`, "s.yaml:3:"},
		{"credentials", "end_of_life:\n  debian: https://u:p@example.org/debian.csv\n", "credentials do not belong", ""},
		{"not a mapping", "end_of_life: [debian]\n", "cannot unmarshal", "s.yaml:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("s.yaml", []byte(head+tt.block+img))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(tt.block, "salsa") && (f.EndOfLife["debian"] == "" || !strings.Contains(strings.Join(f.Hosts(), " "), "salsa.debian.org")) {
					t.Errorf("end_of_life %v, hosts %v", f.EndOfLife, f.Hosts())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.line) {
				t.Fatalf("error %v, want %q at %q", err, tt.want, tt.line)
			}
		})
	}
}
