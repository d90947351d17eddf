package verify

import (
	"net/url"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/source"
)

func TestAliasReason(t *testing.T) {
	t.Parallel()
	debian := source.Image{Type: "debian", Upstream: source.Upstream{
		Filename: "debian-12-genericcloud-amd64.qcow2", Pinned: "debian-12-genericcloud-amd64-{version}.qcow2"}}
	tests := []struct {
		url       string
		entry     catalog.Entry
		img       source.Image
		described bool
		want      string // "" = pinned
	}{
		{url: "https://cloud-images.ubuntu.com/releases/noble/release-20260705/ubuntu-24.04-server-cloudimg-amd64.img"},
		{url: "https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img", want: "directory release/"},
		{url: "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", want: "directory current/"},
		{url: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2", want: "directory latest/"},
		{url: "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", want: `"-latest."`},
		{url: "https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2", want: `".latest."`},
		{url: "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-9.6-20250522.x86_64.qcow2"},
		{url: "https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-HEREBE\\d+DRAGONS.x86_64.qcow2", want: "HEREBE"},
		{url: "https://example.org/d/20250210-2019/debian-12-genericcloud-amd64.qcow2", img: debian, described: true, want: "the name of the source's alias"},
		{url: "https://example.org/d/20250210-2019/debian-12-genericcloud-amd64.qcow2", img: debian, described: false},
		{url: "https://example.org/x/image.qcow2", entry: catalog.Entry{LatestURL: "https://example.org/x/image.qcow2"}, want: "latest_url"},
		// A pinned name that merely contains "latest" elsewhere.
		{url: "https://example.org/releases/20260101/greatest-image.qcow2"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		got := aliasReason(tt.url, u, baseName(u.Path), tt.entry, tt.img, tt.described)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestNameDate(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/releases/noble/release-20260705/ubuntu-24.04-server-cloudimg-amd64.img":      "2026-07-05",
		"/bookworm/20250210-2019/debian-12-genericcloud-amd64-20250210-2019.qcow2":     "2025-02-10",
		"/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2":    "2026-05-26",
		"/arch/v20260715.556894/Arch-Linux-x86_64-cloudimg-20260715.556894.qcow2":      "2026-07-15",
		"/fedora/44/Cloud/x86_64/images/Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2": "",
		"/flatcar/3510.2.6/flatcar_production_openstack_image.img":                     "",
		"/x/20261345/image.img":    "", // not a day
		"/x/120260705/image.img":   "", // nine digits: not a date
		"/20251118/x/20260102.img": "2026-01-02",
	}
	for p, want := range tests {
		d, ok := nameDate(p)
		got := ""
		if ok {
			got = d.Format("2006-01-02")
		}
		if got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
}

func TestChangeOf(t *testing.T) {
	t.Parallel()
	v := catalog.Version{Version: "1", URL: "u", Checksum: "c", BuildDate: "2026-01-01", Extra: []catalog.Field{{Key: "mirror_url", YAML: "m"}}}
	old := &catalog.Image{Versions: []catalog.Version{v}}
	with := func(f func(*catalog.Version)) catalog.Version {
		c := v
		c.Extra = append([]catalog.Field(nil), v.Extra...)
		f(&c)
		return c
	}
	tests := []struct {
		name string
		old  *catalog.Image
		v    catalog.Version
		want string
	}{
		{"new image", nil, v, Added},
		{"same", old, with(func(c *catalog.Version) { c.Line = 99 }), ""},
		{"new version", old, with(func(c *catalog.Version) { c.Version = "2" }), Added},
		{"url", old, with(func(c *catalog.Version) { c.URL = "x" }), Modified},
		{"checksum", old, with(func(c *catalog.Version) { c.Checksum = "x" }), Modified},
		{"build_date", old, with(func(c *catalog.Version) { c.BuildDate = "x" }), Modified},
		{"mirror_url", old, with(func(c *catalog.Version) { c.Extra[0].YAML = "x" }), Modified},
	}
	for _, tt := range tests {
		if got := changeOf(tt.old, tt.v); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLatest(t *testing.T) {
	t.Parallel()
	ver := func(v, d string) catalog.Version { return catalog.Version{Version: v, BuildDate: d} }
	tests := []struct {
		name     string
		versions []catalog.Version
		changed  int
		badDate  bool
		want     string // a failure containing this; "ok" passes; "unchecked" not checked
	}{
		{"appended newest", []catalog.Version{ver("20260615", "2026-06-15"), ver("20260705", "2026-07-05")}, 1, false, "ok"},
		{"sorts first", []catalog.Version{ver("20260615", "2026-06-15"), ver("2026.07.05", "2026-07-05")}, 1, false, "does not sort last by natsort: the image manager imports 20260615"},
		{"latest but older", []catalog.Version{ver("9.8-20260526", "2026-05-26"), ver("20251118", "2025-11-18")}, 1, false, "sorts last by natsort, so the image manager imports it as the latest, but 9.8-20260526"},
		{"older item added", []catalog.Version{ver("20260615", "2026-06-15"), ver("20260101", "2026-01-01")}, 1, false, "ok"},
		{"same day", []catalog.Version{ver("20260705.1", "2026-07-05"), ver("20260705", "2026-07-05")}, 1, false, "ok"},
		{"no date", []catalog.Version{ver("1", ""), ver("2", "2026-01-01")}, 0, false, "unchecked"},
		{"bad date", []catalog.Version{ver("20260615", "2026-06-15"), ver("20260705", "2026-06-05")}, 1, true, "unchecked"},
	}
	for _, tt := range tests {
		img := &catalog.Image{Versions: tt.versions}
		tk := &task{badDate: tt.badDate}
		(&verifier{}).latest(img, []int{tt.changed}, []*task{tk})
		got := "ok"
		switch {
		case len(tk.item.Failures) > 0:
			got = strings.Join(tk.item.Failures, "; ")
		case len(tk.item.Unchecked) > 0:
			got = "unchecked"
		}
		if !strings.Contains(got, tt.want) || (tt.want == "ok") != (got == "ok") {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// FuzzNameDate: a date found in a path is a real day written in it as eight
// digits.
func FuzzNameDate(f *testing.F) {
	for _, s := range []string{"/releases/noble/release-20260705/u.img", "/x/20261345/y", "/a/120260705/b", "/20251118/x/20260102.img", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		d, ok := nameDate(p)
		if !ok {
			return
		}
		if s := d.Format("20060102"); !strings.Contains(p, s) || d.Year() < 1900 || d.Year() > 2099 {
			t.Fatalf("%q: %s", p, s)
		}
	})
}
