package upstream

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// The latest_url and latest_checksum_url of every entry of the image
// manager's own catalog (osism/openstack-image-manager etc/images/*.yml)
// that has them, with the source (if any) that names the entry. Each is
// followed, laid out on a test mirror where its stream has a newer build,
// and crawled: it stays in its stream (the Ubuntu and Debian entries on
// their daily streams), on its own host. CentOS 7's tree is gone upstream
// and has its own test (TestFollowedStreams).
var imageManagerEntries = []struct{ name, source, latest, sums string }{
	{"Ubuntu 14.04", "", "https://cloud-images.ubuntu.com/trusty/current/trusty-server-cloudimg-amd64-disk1.img", "https://cloud-images.ubuntu.com/trusty/current/SHA256SUMS"},
	{"Ubuntu 16.04", "", "https://cloud-images.ubuntu.com/xenial/current/xenial-server-cloudimg-amd64-disk1.img", "https://cloud-images.ubuntu.com/xenial/current/SHA256SUMS"},
	{"Ubuntu 16.04 Minimal", "", "https://cloud-images.ubuntu.com/minimal/releases/xenial/release/ubuntu-16.04-minimal-cloudimg-amd64-disk1.img", "https://cloud-images.ubuntu.com/minimal/releases/xenial/release/SHA256SUMS"},
	{"Ubuntu 18.04", "", "https://cloud-images.ubuntu.com/bionic/current/bionic-server-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/bionic/current/SHA256SUMS"},
	{"Ubuntu 18.04 Minimal", "", "https://cloud-images.ubuntu.com/minimal/releases/bionic/release/ubuntu-18.04-minimal-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/minimal/releases/bionic/release/SHA256SUMS"},
	{"Ubuntu 20.04", "", "https://cloud-images.ubuntu.com/focal/current/focal-server-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/focal/current/SHA256SUMS"},
	{"Ubuntu 20.04 Minimal", "", "https://cloud-images.ubuntu.com/minimal/releases/focal/release/ubuntu-20.04-minimal-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/minimal/releases/focal/release/SHA256SUMS"},
	{"Ubuntu 22.04", "Ubuntu 22.04", "https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/jammy/current/SHA256SUMS"},
	{"Ubuntu 22.04 Minimal", "Ubuntu 22.04 Minimal", "https://cloud-images.ubuntu.com/minimal/releases/jammy/release/ubuntu-22.04-minimal-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/minimal/releases/jammy/release/SHA256SUMS"},
	{"Ubuntu 24.04", "Ubuntu 24.04", "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/noble/current/SHA256SUMS"},
	{"Ubuntu 24.04 Minimal", "Ubuntu 24.04 Minimal", "https://cloud-images.ubuntu.com/minimal/releases/noble/release/ubuntu-24.04-minimal-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/minimal/releases/noble/release/SHA256SUMS"},
	{"Debian 10", "", "https://cdimage.debian.org/cdimage/cloud/buster/latest/debian-10-genericcloud-amd64.qcow2", "https://cdimage.debian.org/cdimage/cloud/buster/latest/SHA512SUMS"},
	{"Debian 11", "Debian 11", "https://cdimage.debian.org/cdimage/cloud/bullseye/latest/debian-11-genericcloud-amd64.qcow2", "https://cdimage.debian.org/cdimage/cloud/bullseye/latest/SHA512SUMS"},
	{"Debian 12", "Debian 12", "https://cdimage.debian.org/cdimage/cloud/bookworm/daily/latest/debian-12-genericcloud-amd64-daily.qcow2", "https://cdimage.debian.org/cdimage/cloud/bookworm/daily/latest/SHA512SUMS"},
	{"Debian 13", "Debian 13", "https://cdimage.debian.org/cdimage/cloud/trixie/daily/latest/debian-13-genericcloud-amd64-daily.qcow2", "https://cdimage.debian.org/cdimage/cloud/trixie/daily/latest/SHA512SUMS"},
	{"AlmaLinux 8", "AlmaLinux 8", "https://repo.almalinux.org/almalinux/8/cloud/x86_64/images/AlmaLinux-8-GenericCloud-latest.x86_64.qcow2", "https://repo.almalinux.org/almalinux/8/cloud/x86_64/images/CHECKSUM"},
	{"AlmaLinux 9", "AlmaLinux 9", "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM"},
	{"Rocky 8", "Rocky 8", "https://download.rockylinux.org/pub/rocky/8/images/x86_64/Rocky-8-GenericCloud.latest.x86_64.qcow2", "https://download.rockylinux.org/pub/rocky/8/images/x86_64/Rocky-8-GenericCloud.latest.x86_64.qcow2.CHECKSUM"},
	{"Rocky 9", "Rocky 9", "https://download.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud.latest.x86_64.qcow2", "https://download.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud.latest.x86_64.qcow2.CHECKSUM"},
	{"CentOS Stream 8", "", `https://cloud.centos.org/centos/8-stream/x86_64/images/CentOS-Stream-GenericCloud-8-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`, "https://cloud.centos.org/centos/8-stream/x86_64/images/CHECKSUM"},
	{"CentOS Stream 9", "CentOS Stream 9", `https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`, "https://cloud.centos.org/centos/9-stream/x86_64/images/CHECKSUM"},
}

func TestFollowImageManagerCatalog(t *testing.T) {
	builds := []string{"20260601", "20260705"}
	for _, e := range imageManagerEntries {
		t.Run(e.name, func(t *testing.T) {
			img := source.Image{Name: e.name, Arch: "x86_64"}
			if e.source != "" {
				img = shipped(t, e.source)
			}
			followed, err := Follow(img, e.latest, e.sums)
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(followed.Upstream.URL)
			if err != nil {
				t.Fatal(err)
			}
			m := mirror.New(t)
			if err := layout.Source(m, followed, builds); err != nil {
				t.Fatal(err)
			}
			c := testClient(httpclient.Options{Mirrors: []httpclient.Mirror{{From: u.Scheme + "://" + u.Host + "/", To: m.URL + "/"}}})
			out := Crawl(context.Background(), c, []source.Image{followed}, nil, 1, nil)
			o := out[0]
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			if !strings.Contains(o.Result.Version, "20260705") {
				t.Errorf("version %s, want the newest build of 20260705", o.Result.Version)
			}
			// The pinned build is in the entry's own stream directory: the
			// alias's directory, the parent of Ubuntu's and Debian's alias
			// directory, or for Rocky the minor directory of its major.
			stream := e.latest[:strings.LastIndex(e.latest, "/")+1]
			switch followed.Type {
			case "ubuntu", "ubuntu-daily", "debian":
				stream = followed.Upstream.URL
			case "alias-sidecar-minor", "alias-checksum-minor":
				major := strings.TrimPrefix(e.name, "Rocky ")
				stream = strings.TrimSuffix(stream, major+"/images/x86_64/") + major + "."
			}
			if !strings.HasPrefix(o.Result.URL, stream) {
				t.Errorf("pinned %s, not in the stream %s", o.Result.URL, stream)
			}
			if strings.Contains(e.latest, "/daily/") != strings.Contains(o.Result.URL, "/daily/") ||
				strings.Contains(e.latest, "/releases/") != strings.Contains(o.Result.URL, "/releases/") {
				t.Errorf("%s pinned %s, in another stream", e.latest, o.Result.URL)
			}
			t.Logf("%s -> %s %s", e.latest, followed.Type, o.Result.URL)
		})
	}
}
