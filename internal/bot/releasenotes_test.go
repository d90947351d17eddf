package bot

import (
	"testing"

	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/source"
)

// The release notes link of each shipped kind of template (docs/sources.md,
// "New releases").
func TestReleaseNotes(t *testing.T) {
	tests := []struct {
		name, tpl, release, version, buildID, want string
	}{
		{"AlmaLinux per minor", "https://wiki.almalinux.org/release-notes/{major}.{minor}.html", "9", "9.7-20261101", "",
			"https://wiki.almalinux.org/release-notes/9.7.html"},
		{"AlmaLinux 10 respin", "https://wiki.almalinux.org/release-notes/{major}.{minor}.html", "10", "20261120", "10.1-20261120.0",
			"https://wiki.almalinux.org/release-notes/10.1.html"},
		{"Rocky per minor", "https://docs.rockylinux.org/release_notes/{major}_{minor}/", "9", "9.6-20250531.0", "",
			"https://docs.rockylinux.org/release_notes/9_6/"},
		{"no point release in the build", "https://docs.rockylinux.org/release_notes/{major}_{minor}/", "9", "20250531", "", ""},
		{"Fedora per release", "https://docs.fedoraproject.org/en-US/fedora/f{release}/release-notes/", "44", "44-1.7", "",
			"https://docs.fedoraproject.org/en-US/fedora/f44/release-notes/"},
		{"Flatcar per version", "https://www.flatcar.org/releases#release-{version}", "", "4459.2.1", "",
			"https://www.flatcar.org/releases#release-4459.2.1"},
		{"none", "", "9", "9.7-20261101", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := source.Image{Release: tt.release, Upstream: source.Upstream{ReleaseNotes: tt.tpl}}
			if got := releaseNotes(img, plan.Update{Version: tt.version, BuildID: tt.buildID}); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
