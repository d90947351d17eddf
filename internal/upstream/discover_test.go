package upstream

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
)

// Series directories become releases: numbered from the built-in tables
// when they know the codename as released, from the image's file name in
// the latest alias otherwise (one more request, for that directory only);
// Ubuntu offers LTS releases unless interim is set.
func TestDiscoverCodenames(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ubuntu := source.Image{
		Name: "Ubuntu {release}", Shortname: "ubuntu-{release}", Type: "ubuntu", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: "https://cloud-images.ubuntu.com/releases/{codename}/", Latest: "release/",
			Filename: "ubuntu-{release}-server-cloudimg-amd64.img", Releases: 2,
		},
	}
	debian := source.Image{
		Name: "Debian {release}", Shortname: "debian-{release}", Type: "debian", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: "https://cloud.debian.org/images/cloud/{codename}/", Latest: "latest/",
			Filename: "debian-{release}-genericcloud-amd64.qcow2", Releases: 3,
		},
	}
	alma := source.Image{
		Name: "AlmaLinux {release}", Shortname: "almalinux-{release}", Type: "almalinux", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: "https://repo.almalinux.org/almalinux/{release}/cloud/x86_64/images/", ReleasePattern: "[0-9]+", Releases: 2,
		},
	}
	tests := []struct {
		name  string
		img   source.Image
		dirs  []string          // release directories upstream
		files map[string]string // extra files (path under the host)
		want  []string          // names + URL
		reqs  int
	}{
		{
			name: "ubuntu lts", img: ubuntu,
			dirs: []string{"focal", "jammy", "noble", "plucky", "questing", "resolute", "streams"},
			want: []string{"Ubuntu 24.04 /releases/noble/", "Ubuntu 26.04 /releases/resolute/"},
			reqs: 2, // releases/, and streams/release/ that is no release
		},
		{
			name: "ubuntu interim", img: func() source.Image { i := ubuntu; i.Upstream.Interim = true; return i }(),
			dirs: []string{"noble", "questing", "resolute"},
			want: []string{"Ubuntu 25.10 /releases/questing/", "Ubuntu 26.04 /releases/resolute/"},
			reqs: 1,
		},
		{
			name: "ubuntu release the tables do not know", img: ubuntu,
			dirs:  []string{"noble", "resolute", "tenacious"},
			files: map[string]string{"/releases/tenacious/release/ubuntu-28.04-server-cloudimg-amd64.img": "x"},
			want:  []string{"Ubuntu 26.04 /releases/resolute/", "Ubuntu 28.04 /releases/tenacious/"},
			reqs:  2,
		},
		{
			name: "debian forky before its images", img: debian,
			dirs:  []string{"buster", "bullseye", "bookworm", "trixie", "forky", "sid"},
			files: map[string]string{"/images/cloud/forky/daily/x": "x"},
			want:  []string{"Debian 11 /images/cloud/bullseye/", "Debian 12 /images/cloud/bookworm/", "Debian 13 /images/cloud/trixie/"},
			reqs:  3, // images/cloud/, forky/latest/, sid/latest/
		},
		{
			name: "debian forky released", img: debian,
			dirs:  []string{"bullseye", "bookworm", "trixie", "forky"},
			files: map[string]string{"/images/cloud/forky/latest/debian-14-genericcloud-amd64.qcow2": "x"},
			want:  []string{"Debian 12 /images/cloud/bookworm/", "Debian 13 /images/cloud/trixie/", "Debian 14 /images/cloud/forky/"},
			reqs:  2,
		},
		{
			name: "almalinux majors", img: alma,
			dirs: []string{"8", "8.10", "9", "9.7", "10", "10.1"},
			want: []string{"AlmaLinux 9 /almalinux/9/cloud/x86_64/images/", "AlmaLinux 10 /almalinux/10/cloud/x86_64/images/"},
			reqs: 1,
		},
		{
			name: "releases_only", img: func() source.Image {
				i := alma
				i.Upstream.Releases, i.Upstream.ReleasesOnly = 0, []string{"8", "10", "11"}
				return i
			}(),
			dirs: []string{"8", "9", "10"},
			want: []string{"AlmaLinux 8 /almalinux/8/cloud/x86_64/images/", "AlmaLinux 10 /almalinux/10/cloud/x86_64/images/"},
			reqs: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := tt.img.Upstream.URL[:strings.Index(tt.img.Upstream.URL[len("https://"):], "/")+len("https://")+1]
			h := newMirroredHost(t, host, "/")
			root := strings.TrimPrefix(tt.img.Upstream.ReleasesURL(), strings.TrimSuffix(host, "/"))
			for _, d := range tt.dirs {
				h.m.Dir(root+d+"/", modTime)
			}
			for p, body := range tt.files {
				h.m.File(p, []byte(body), modTime)
			}
			out, failed := Discover(context.Background(), h.client, []source.Image{tt.img}, nil, DiscoverOptions{Now: now})
			if len(failed) > 0 {
				t.Fatalf("failed: %v", failed[0].Err)
			}
			var got []string
			for _, o := range out {
				got = append(got, o.Name+" "+strings.TrimPrefix(o.Upstream.URL, strings.TrimSuffix(host, "/")))
				if o.PerRelease() || strings.Contains(o.Upstream.Filename, "{") {
					t.Errorf("%s is not concrete: %+v", o.Name, o.Upstream)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if n := len(h.m.Requests()); n != tt.reqs {
				t.Errorf("%d requests, want %d: %q", n, tt.reqs, reqStrings(h.m))
			}
		})
	}
}

// Every source of a family shares the one listing of its releases.
func TestDiscoverSharesListing(t *testing.T) {
	h := newMirroredHost(t, "https://repo.almalinux.org/", "/")
	for _, d := range []string{"9", "10"} {
		h.m.Dir("/almalinux/"+d+"/cloud/", modTime)
	}
	var imgs []source.Image
	for _, arch := range []string{"x86_64", "aarch64"} {
		imgs = append(imgs, source.Image{
			Name: "AlmaLinux {release} " + arch, Type: "almalinux", Arch: arch,
			Upstream: source.Upstream{URL: "https://repo.almalinux.org/almalinux/{release}/cloud/" + arch + "/images/", Releases: 1},
		})
	}
	out, failed := Discover(context.Background(), h.client, imgs, nil, DiscoverOptions{})
	if len(failed) > 0 || len(out) != 2 || out[0].Name != "AlmaLinux 10 x86_64" || out[1].Name != "AlmaLinux 10 aarch64" {
		t.Fatalf("out %v failed %v", out, failed)
	}
	checkRequests(t, reqStrings(h.m), "GET /almalinux/")
}

func TestUbuntuLTS(t *testing.T) {
	for v, want := range map[string]bool{"24.04": true, "26.04": true, "25.04": false, "26.10": false, "24": false, "124.04": false} {
		if got := ubuntuLTS(v); got != want {
			t.Errorf("ubuntuLTS(%q) = %v", v, got)
		}
	}
}
