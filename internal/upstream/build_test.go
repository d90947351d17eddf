package upstream

import (
	"testing"

	"github.com/osism/image-crawler/internal/source"
)

func TestBuildChecksumURL(t *testing.T) {
	t.Parallel()
	img := func(typ string, u source.Upstream) source.Image { return source.Image{Type: typ, Upstream: u} }
	tests := []struct {
		name   string
		img    source.Image
		pinned string
		want   string // "" = none
	}{
		{"ubuntu", img("ubuntu", source.Upstream{Checksums: "SHA256SUMS"}),
			"https://h/releases/noble/release-20260705/u.img", "https://h/releases/noble/release-20260705/SHA256SUMS"},
		{"debian", img("debian", source.Upstream{Checksums: "SHA512SUMS"}),
			"https://h/bookworm/20250210-2019/d-20250210-2019.qcow2", "https://h/bookworm/20250210-2019/SHA512SUMS"},
		{"alias-checksum", img("alias-checksum", source.Upstream{Checksums: "CHECKSUM"}),
			"https://h/9/images/A-9.8-20260526.qcow2", "https://h/9/images/CHECKSUM"},
		{"alias-sidecar confirms in the directory's CHECKSUM", img("alias-sidecar-minor", source.Upstream{Checksums: "R.latest.qcow2.CHECKSUM", Filename: "R.latest.qcow2"}),
			"https://h/9.6/images/R-9.6-20250531.0.qcow2", "https://h/9.6/images/CHECKSUM"},
		{"opensuse sidecar", img("opensuse", source.Upstream{Filename: "o.qcow2", Checksums: "o.qcow2.sha256"}),
			"https://h/o-1.2.3.qcow2", "https://h/o-1.2.3.qcow2.sha256"},
		{"alpine", img("alpine", source.Upstream{Algorithm: "sha512"}),
			"https://h/v3.23/a-3.23.0.qcow2", "https://h/v3.23/a-3.23.0.qcow2.sha512"},
		{"fedora", img("fedora", source.Upstream{Pinned: "F-Generic-{version}.x86_64.qcow2", Checksums: "F-{version}-x86_64-CHECKSUM"}),
			"https://h/44/Cloud/x86_64/images/F-Generic-44-1.7.x86_64.qcow2", "https://h/44/Cloud/x86_64/images/F-44-1.7-x86_64-CHECKSUM"},
		{"fedora, another name", img("fedora", source.Upstream{Pinned: "F-Generic-{version}.x86_64.qcow2", Checksums: "F-{version}-x86_64-CHECKSUM"}),
			"https://h/44/Cloud/x86_64/images/other.qcow2", ""},
		{"no source", source.Image{}, "https://h/x/y.img", ""},
		{"a directory", img("ubuntu", source.Upstream{Checksums: "SHA256SUMS"}), "https://h/x/", ""},
	}
	for _, tt := range tests {
		got, ok := BuildChecksumURL(tt.img, tt.pinned)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: %q %v, want %q", tt.name, got, ok, tt.want)
		}
	}
}
