package bot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/render"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/internal/upstream"
)

const orderSources = `version: 1
images:
  - name: Debian {release}
    shortname: debian-{release}
    file: debian.yml
    type: debian
    arch: x86_64
    upstream:
      url: https://cloud.debian.org/images/cloud/{codename}/
      releases: 1
      latest: latest/
      checksums: SHA512SUMS
      algorithm: sha512
      filename: debian-{release}-genericcloud-amd64.qcow2
      pinned: debian-{release}-genericcloud-amd64-{version}.qcow2
      signature: "off"
    image: &image
      format: qcow2
      min_disk: 8
      min_ram: 512
      status: active
      visibility: public
      login: x
      meta: {architecture: x86_64, hw_disk_bus: scsi, hypervisor_type: qemu, os_distro: debian, os_version: '{release}'}
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
      signature: "off"
    image:
      <<: *image
      meta: {architecture: x86_64, hw_disk_bus: scsi, hypervisor_type: qemu, os_distro: ubuntu, os_version: '24.04'}
`

// gate holds the release listing of the per-release source until the
// crawl of the image that does not need it has asked for its checksums.
type gate struct {
	upstream.Fetcher
	listing, release string
	opened           chan struct{}
}

func (g *gate) Get(ctx context.Context, url string) (*httpclient.Response, error) {
	switch {
	case url == g.listing:
		select {
		case <-g.opened:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case strings.HasPrefix(url, g.release):
		select {
		case <-g.opened:
		default:
			close(g.opened)
		}
	}
	return g.Fetcher.Get(ctx, url)
}

// No image waits for a request it does not depend on: the crawl of Ubuntu
// 24.04 starts while the Debian release listing is still unanswered. Were
// discovery a serial step before the crawl, the listing would never be let
// through and the run would end at its deadline with a failure.
func TestDiscoveryBesideTheCrawl(t *testing.T) {
	m := mirror.New(t)
	layout.Ubuntu(m, "/ubuntu/releases/noble/", "ubuntu-24.04-server-cloudimg-amd64.img", []string{"20261101"}, "")
	layout.Debian(m, "/debian/images/cloud/trixie/", "debian-13-genericcloud-amd64", []string{"20261101-1990"}, "")
	src, err := source.Parse("sources.yaml", []byte(orderSources))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := render.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	client := httpclient.NewClient(httpclient.Options{Mirrors: []httpclient.Mirror{
		{From: "https://cloud-images.ubuntu.com/", To: m.URL + "/ubuntu/"},
		{From: "https://cloud.debian.org/", To: m.URL + "/debian/"},
	}})
	g := &gate{
		Fetcher: client,
		listing: "https://cloud.debian.org/images/cloud/",
		release: "https://cloud-images.ubuntu.com/releases/noble/",
		opened:  make(chan struct{}),
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "etc/images"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A failure guard, not a timing assertion: a serial discovery would
	// wait here forever.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Crawl(ctx, Options{Catalog: dir, Sources: src, Templates: tpl, Fetcher: g})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range rep.Updates {
		got = append(got, u.Image)
	}
	if len(rep.Failures) > 0 || strings.Join(got, ", ") != "Debian 13, Ubuntu 24.04" {
		t.Fatalf("updates %v, failures %+v", got, rep.Failures)
	}
}

// --only naming nothing but releases already held lists no releases.
func TestNeedDiscovery(t *testing.T) {
	ubuntu := source.Image{Name: "Ubuntu {release}", Line: 1, Upstream: source.Upstream{Releases: 3, URL: "https://h/releases/{codename}/"}}
	debian := source.Image{Name: "Debian {release}", Line: 2, Upstream: source.Upstream{Releases: 3, URL: "https://h/cloud/{codename}/"}}
	held := []source.Image{ubuntu.ForCodename("24.04", "noble")}
	tests := []struct {
		only []string
		want string
	}{
		{nil, "Ubuntu {release}, Debian {release}"},
		{[]string{"Ubuntu 24.04"}, ""},
		{[]string{"Ubuntu 24.04", "Debian 12"}, "Debian {release}"},
		{[]string{"Ubuntu 26.04"}, "Ubuntu {release}"},
	}
	for _, tt := range tests {
		var got []string
		for _, img := range needDiscovery([]source.Image{ubuntu, debian}, held, tt.only) {
			got = append(got, img.Name)
		}
		if strings.Join(got, ", ") != tt.want {
			t.Errorf("needDiscovery(%q) = %q, want %q", tt.only, got, tt.want)
		}
	}
}
