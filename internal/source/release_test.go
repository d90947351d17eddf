package source

import (
	"strings"
	"testing"
)

const perRelease = `version: 1
images:
  - name: Fedora {release}
    shortname: fedora-{release}
    file: fedora.yml
    type: fedora
    arch: x86_64
    upstream:
      url: https://dl.fedoraproject.org/pub/fedora/linux/releases/{release}/Cloud/x86_64/images/
      releases: 2
      checksums: Fedora-Cloud-{version}-x86_64-CHECKSUM
      algorithm: sha256
      pinned: Fedora-Cloud-Base-Generic-{version}.x86_64.qcow2
    image:
      format: qcow2
      login: fedora
      tags: [a]
      meta:
        architecture: x86_64
        os_version: '{release}'
        min: 1
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

func TestPerReleaseErrors(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           string // "" = valid
	}{
		{"valid", "", "", ""},
		{"releases missing", "      releases: 2\n", "", "upstream.releases is missing (type fedora needs it)"},
		{"releases negative", "releases: 2", "releases: -1", "upstream.releases -1: want a positive number"},
		{"no {release} in the name", "name: Fedora {release}", "name: Fedora", `name "Fedora": a per-release source (upstream.releases) writes {release} in it once`},
		{"two in the shortname", "shortname: fedora-{release}", "shortname: fedora-{release}-{release}", "shortname"},
		{"not in the url", "releases/{release}/Cloud", "releases/44/Cloud", "upstream.url"},
		{"in the host", "https://dl.fedoraproject.org/pub/fedora/linux/releases/{release}/", "https://{release}.example.org/pub/", "upstream.url"},
		{"last in the url", "releases/{release}/Cloud/x86_64/images/", "releases/{release}", "upstream.url"},
		{"inside a segment is fine", "releases/{release}/Cloud", "releases/f{release}/Cloud", ""},
		{"{release} without releases", "      url: https://cloud.debian.org/images/cloud/bookworm/", "      url: https://cloud.debian.org/images/cloud/{release}/", `upstream.url "https://cloud.debian.org/images/cloud/{release}/": {release} needs upstream.releases`},
		{"{release} in meta without releases", "      login: debian\n", "      login: debian\n      meta:\n        os_version: '{release}'\n", "image.meta.os_version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := perRelease
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

func TestForRelease(t *testing.T) {
	f, err := Parse("s.yaml", []byte(perRelease))
	if err != nil {
		t.Fatal(err)
	}
	tpl := f.Images[0]
	if !tpl.PerRelease() || f.Images[1].PerRelease() {
		t.Fatal("PerRelease")
	}
	if got := tpl.Upstream.ReleasesURL(); got != "https://dl.fedoraproject.org/pub/fedora/linux/releases/" {
		t.Fatalf("ReleasesURL %s", got)
	}
	a, b := tpl.ForRelease("43"), tpl.ForRelease("44")
	b.Meta.Tags[0] = "changed"
	b.Meta.Properties[0].Value = "changed"
	osv, _ := a.Meta.Properties.Get("os_version")
	if a.Name != "Fedora 43" || a.Shortname != "fedora-43" || osv != "43" || a.PerRelease() ||
		a.Upstream.URL != "https://dl.fedoraproject.org/pub/fedora/linux/releases/43/Cloud/x86_64/images/" ||
		a.Upstream.Pinned != tpl.Upstream.Pinned || a.Meta.Tags[0] != "a" || a.Meta.Properties[0].Value != "x86_64" {
		t.Fatalf("ForRelease(43): %+v", a)
	}
	if n, _ := a.Meta.Properties.Get("min"); n != 1 {
		t.Fatalf("a non-string meta value changed: %v", n)
	}
	if v, _ := tpl.Meta.Properties.Get("os_version"); v != "{release}" || tpl.Meta.Tags[0] != "a" {
		t.Fatal("ForRelease changed the per-release image")
	}
}

func TestReleaseNames(t *testing.T) {
	fedora := Image{Name: "Fedora {release} aarch64", Upstream: Upstream{Releases: 2, URL: "https://h/releases/{release}/Cloud/"}}
	alpine := Image{Name: "Alpine {release}", Upstream: Upstream{Releases: 1, URL: "https://h/alpine/v{release}/releases/cloud/"}}
	tests := []struct {
		img  Image
		name string
		want string // release, "" = no match
	}{
		{fedora, "Fedora 44 aarch64", "44"},
		{fedora, "Fedora 44", ""},
		{fedora, "Fedora {release} aarch64", ""},
		{fedora, "Fedora 44 aarch64 x", ""},
		{alpine, "Alpine 3.23", "3.23"},
		{alpine, "Alpine 3.", ""},
	}
	for _, tt := range tests {
		got, ok := tt.img.ReleaseNamed(tt.name)
		// MatchesName takes the source's own name too: all its releases.
		if got != tt.want || ok != (tt.want != "") || tt.img.MatchesName(tt.name) != (ok || tt.name == tt.img.Name) {
			t.Errorf("%s: ReleaseNamed(%q) = %q %v, want %q", tt.img.Name, tt.name, got, ok, tt.want)
		}
	}
	dirs := []struct {
		img       Image
		dir, want string
	}{
		{fedora, "44", "44"}, {fedora, "test", ""}, {fedora, "44_Beta", ""},
		{alpine, "v3.23", "3.23"}, {alpine, "3.23", ""}, {alpine, "edge", ""}, {alpine, "latest-stable", ""},
	}
	for _, tt := range dirs {
		got, ok := tt.img.Upstream.ReleaseDir(tt.dir)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: ReleaseDir(%q) = %q %v, want %q", tt.img.Name, tt.dir, got, ok, tt.want)
		}
	}
	if got := alpine.Upstream.ReleasesURL(); got != "https://h/alpine/" {
		t.Errorf("ReleasesURL %s", got)
	}
	if !(Image{Name: "Debian 12"}).MatchesName("Debian 12") || (Image{Name: "Debian 12"}).MatchesName("Debian 1") {
		t.Error("MatchesName of an ordinary image")
	}
}

func TestSelectPerRelease(t *testing.T) {
	f, err := Parse("s.yaml", []byte(perRelease))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		only []string
		want string // names, or the error
	}{
		{nil, "Fedora {release}, Debian 12"},
		{[]string{"Fedora 44"}, "Fedora {release}"},
		{[]string{"Fedora 44", "Fedora 43", "Debian 12"}, "Fedora {release}, Debian 12"},
		{[]string{"Fedora"}, `--only "Fedora": no such image in s.yaml; for "Fedora" did you mean "Fedora {release}"?`},
		// The per-release source's own name, which a failure to list its
		// releases is reported under, selects all its releases.
		{[]string{"Fedora {release}"}, "Fedora {release}"},
		{[]string{"fedora 44", "DEBIAN 12"}, "Fedora {release}, Debian 12"},
		{[]string{"Fedora 4x"}, `--only "Fedora 4x": no such image in s.yaml; for "Fedora 4x" did you mean "Fedora 4"?`},
	}
	for _, tt := range tests {
		imgs, err := f.Select(tt.only)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			var names []string
			for _, img := range imgs {
				names = append(names, img.Name)
			}
			got = strings.Join(names, ", ")
		}
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("Select(%q) = %s, want %s", tt.only, got, tt.want)
		}
	}
}

// The shipped per-release sources are valid and expand to what the osism
// catalog calls Fedora images.
func TestShippedPerRelease(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, img := range f.Images {
		if img.PerRelease() && img.Type == "fedora" {
			c := img.ForRelease("44")
			osv, _ := c.Meta.Properties.Get("os_version")
			got = append(got, c.Name+"|"+c.Shortname+"|"+c.File+"|"+osv.(string)+"|"+c.Arch)
		}
	}
	want := "Fedora 44|fedora-44|fedora.yml|44|x86_64, Fedora 44 aarch64|fedora-44-aarch64|fedora.yml|44|aarch64"
	if strings.Join(got, ", ") != want {
		t.Fatalf("got %s\nwant %s", strings.Join(got, ", "), want)
	}
}

// A name pattern is compiled once per process, whatever number of catalog
// images it is matched against; one that does not compile matches nothing.
func TestNamePatternCompiledOnce(t *testing.T) {
	a, b := namePattern("Fedora ", releaseNumber, ""), namePattern("Fedora ", releaseNumber, "")
	if a == nil || a != b {
		t.Fatalf("compiled twice: %p, %p", a, b)
	}
	if namePattern("X ", "(", "") != nil {
		t.Fatal("a pattern that does not compile")
	}
	if _, ok := matchPattern("X ", "(", "", "X 1"); ok {
		t.Fatal("a pattern that does not compile matched")
	}
	if r, ok := matchRelease("fedora ", "", "FEDORA 43"); !ok || r != "43" {
		t.Fatalf("matchRelease = %q, %v", r, ok)
	}
}
