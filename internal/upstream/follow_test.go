package upstream

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/source"
)

// sourced returns an image of the built-in sources file as it is, keys and
// signature setting included (shipped turns signatures off for the test
// mirror; Follow must see the real settings).
func sourced(t testing.TB, name string) source.Image {
	t.Helper()
	f, err := builtinSources()
	if err != nil {
		t.Fatal(err)
	}
	if img, ok := f.Concrete(name); ok {
		return img
	}
	t.Fatalf("no image %q in the built-in sources", name)
	return source.Image{}
}

// entryOnly is an image no source names: only the catalog entry's name.
func entryOnly(name string) func(testing.TB) source.Image {
	return func(testing.TB) source.Image { return source.Image{Name: name} }
}

func fromSource(name string) func(testing.TB) source.Image {
	return func(t testing.TB) source.Image { return sourced(t, name) }
}

// The real entries of the image manager's catalog (etc/images/*.yml) and
// the other layouts of each stream.
func TestFollow(t *testing.T) {
	const (
		ubuntu = "https://cloud-images.ubuntu.com/"
		cdimg  = "https://cdimage.debian.org/cdimage/cloud/"
		cloud  = "https://cloud.debian.org/images/cloud/"
		alma9  = "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/"
		rocky9 = "pub/rocky/9/images/x86_64/"
		cs9    = "https://cloud.centos.org/centos/9-stream/x86_64/images/"
	)
	type want struct {
		typ, url, latest, checksums, algorithm, filename, pinned string
		signature                                                string // SignatureMode of the result
		keys                                                     bool   // the source's keys were kept
		note                                                     bool   // SignatureNote is set
	}
	tests := []struct {
		name           string
		img            func(testing.TB) source.Image
		latest, sums   string
		want           want
		wantLayoutName string
	}{
		{
			"Ubuntu daily: the release key signs it too", fromSource("Ubuntu 24.04"),
			ubuntu + "noble/current/noble-server-cloudimg-amd64.img", ubuntu + "noble/current/SHA256SUMS",
			want{"ubuntu-daily", ubuntu + "noble/", "current/", "SHA256SUMS", "sha256", "noble-server-cloudimg-amd64.img", "", "required", true, false},
			"Ubuntu daily",
		},
		{
			"Ubuntu release, as the source crawls it", fromSource("Ubuntu 22.04"),
			ubuntu + "releases/jammy/release/ubuntu-22.04-server-cloudimg-amd64.img", ubuntu + "releases/jammy/release/SHA256SUMS",
			want{"ubuntu", ubuntu + "releases/jammy/", "release/", "SHA256SUMS", "sha256", "ubuntu-22.04-server-cloudimg-amd64.img", "", "required", true, false},
			"Ubuntu release",
		},
		{
			"Ubuntu minimal release", fromSource("Ubuntu 22.04 Minimal"),
			ubuntu + "minimal/releases/jammy/release/ubuntu-22.04-minimal-cloudimg-amd64.img", ubuntu + "minimal/releases/jammy/release/SHA256SUMS",
			want{"ubuntu", ubuntu + "minimal/releases/jammy/", "release/", "SHA256SUMS", "sha256", "ubuntu-22.04-minimal-cloudimg-amd64.img", "", "off", false, false},
			"Ubuntu minimal release",
		},
		{
			"Ubuntu minimal daily", fromSource("Ubuntu 24.04 Minimal"),
			ubuntu + "minimal/daily/noble/current/ubuntu-24.04-minimal-cloudimg-amd64.img", ubuntu + "minimal/daily/noble/current/SHA256SUMS",
			want{"ubuntu-daily", ubuntu + "minimal/daily/noble/", "current/", "SHA256SUMS", "sha256", "ubuntu-24.04-minimal-cloudimg-amd64.img", "", "off", false, false},
			"Ubuntu minimal daily",
		},
		{
			"minimal images are not signed by the server key", fromSource("Ubuntu 24.04"),
			ubuntu + "minimal/daily/noble/current/ubuntu-24.04-minimal-cloudimg-amd64.img", ubuntu + "minimal/daily/noble/current/SHA256SUMS",
			want{"ubuntu-daily", ubuntu + "minimal/daily/noble/", "current/", "SHA256SUMS", "sha256", "ubuntu-24.04-minimal-cloudimg-amd64.img", "", "off", false, true},
			"Ubuntu minimal daily",
		},
		{
			"Ubuntu daily of an old series, -disk1 name", entryOnly("Ubuntu 16.04"),
			ubuntu + "xenial/current/xenial-server-cloudimg-amd64-disk1.img", ubuntu + "xenial/current/SHA256SUMS",
			want{"ubuntu-daily", ubuntu + "xenial/", "current/", "SHA256SUMS", "sha256", "xenial-server-cloudimg-amd64-disk1.img", "", "off", false, true},
			"Ubuntu daily",
		},
		{
			"Debian daily on cdimage.debian.org", fromSource("Debian 12"),
			cdimg + "bookworm/daily/latest/debian-12-genericcloud-amd64-daily.qcow2", cdimg + "bookworm/daily/latest/SHA512SUMS",
			want{"debian", cdimg + "bookworm/daily/", "latest/", "SHA512SUMS", "sha512", "debian-12-genericcloud-amd64-daily.qcow2", "debian-12-genericcloud-amd64-daily-{version}.qcow2", "off", false, false},
			"Debian daily",
		},
		{
			"Debian daily on cloud.debian.org", fromSource("Debian 13"),
			cloud + "trixie/daily/latest/debian-13-genericcloud-amd64-daily.qcow2", cloud + "trixie/daily/latest/SHA512SUMS",
			want{"debian", cloud + "trixie/daily/", "latest/", "SHA512SUMS", "sha512", "debian-13-genericcloud-amd64-daily.qcow2", "debian-13-genericcloud-amd64-daily-{version}.qcow2", "off", false, false},
			"Debian daily",
		},
		{
			"Debian release on cdimage.debian.org", fromSource("Debian 11"),
			cdimg + "bullseye/latest/debian-11-genericcloud-amd64.qcow2", cdimg + "bullseye/latest/SHA512SUMS",
			want{"debian", cdimg + "bullseye/", "latest/", "SHA512SUMS", "sha512", "debian-11-genericcloud-amd64.qcow2", "debian-11-genericcloud-amd64-{version}.qcow2", "off", false, false},
			"Debian release",
		},
		{
			"Debian release on cloud.debian.org, another format", entryOnly("Debian 12 raw"),
			cloud + "bookworm/latest/debian-12-nocloud-amd64.tar.xz", cloud + "bookworm/latest/SHA512SUMS",
			want{"debian", cloud + "bookworm/", "latest/", "SHA512SUMS", "sha512", "debian-12-nocloud-amd64.tar.xz", "debian-12-nocloud-amd64-{version}.tar.xz", "off", false, true},
			"Debian release",
		},
		{
			"AlmaLinux alias: the source's signed CHECKSUM", fromSource("AlmaLinux 9"),
			alma9 + "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", alma9 + "CHECKSUM",
			want{"alias-checksum", alma9, "", "CHECKSUM", "sha256", "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", "AlmaLinux-9-GenericCloud-{version}.x86_64.qcow2", "required", true, false},
			"alias in the directory checksum file",
		},
		{
			"AlmaLinux 8's keys do not sign AlmaLinux 9", fromSource("AlmaLinux 8"),
			alma9 + "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", alma9 + "CHECKSUM",
			want{"alias-checksum", alma9, "", "CHECKSUM", "sha256", "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", "AlmaLinux-9-GenericCloud-{version}.x86_64.qcow2", "off", false, true},
			"alias in the directory checksum file",
		},
		{
			"Rocky alias sidecar on download.rockylinux.org", fromSource("Rocky 9"),
			"https://download.rockylinux.org/" + rocky9 + "Rocky-9-GenericCloud.latest.x86_64.qcow2",
			"https://download.rockylinux.org/" + rocky9 + "Rocky-9-GenericCloud.latest.x86_64.qcow2.CHECKSUM",
			want{"alias-sidecar-minor", "https://download.rockylinux.org/" + rocky9, "", "Rocky-9-GenericCloud.latest.x86_64.qcow2.CHECKSUM", "sha256",
				"Rocky-9-GenericCloud.latest.x86_64.qcow2", "Rocky-9-GenericCloud-Base-{version}.x86_64.qcow2", "off", false, false},
			"alias with its own checksum sidecar",
		},
		{
			"Rocky alias sidecar on dl.rockylinux.org keeps Rocky 8's key: the build is confirmed in the signed CHECKSUM", fromSource("Rocky 8"),
			"https://dl.rockylinux.org/pub/rocky/8/images/x86_64/Rocky-8-GenericCloud.latest.x86_64.qcow2",
			"https://dl.rockylinux.org/pub/rocky/8/images/x86_64/Rocky-8-GenericCloud.latest.x86_64.qcow2.CHECKSUM",
			want{"alias-sidecar-minor", "https://dl.rockylinux.org/pub/rocky/8/images/x86_64/", "", "Rocky-8-GenericCloud.latest.x86_64.qcow2.CHECKSUM", "sha256",
				"Rocky-8-GenericCloud.latest.x86_64.qcow2", "Rocky-8-GenericCloud-Base-{version}.x86_64.qcow2", "required", true, false},
			"alias with its own checksum sidecar",
		},
		{
			"Rocky on download.rockylinux.org is the same tree as dl.rockylinux.org", fromSource("Rocky 10"),
			"https://download.rockylinux.org/pub/rocky/10/images/x86_64/Rocky-10-GenericCloud-Base.latest.x86_64.qcow2",
			"https://download.rockylinux.org/pub/rocky/10/images/x86_64/CHECKSUM",
			want{"alias-checksum-minor", "https://download.rockylinux.org/pub/rocky/10/images/x86_64/", "", "CHECKSUM", "sha256",
				"Rocky-10-GenericCloud-Base.latest.x86_64.qcow2", "Rocky-10-GenericCloud-Base-{version}.x86_64.qcow2", "required", true, false},
			"alias in the directory checksum file",
		},
		{
			"Rocky minor directory: pinned where it is", fromSource("Rocky 9"),
			"https://dl.rockylinux.org/vault/rocky/9.5/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2",
			"https://dl.rockylinux.org/vault/rocky/9.5/images/x86_64/CHECKSUM",
			want{"alias-checksum", "https://dl.rockylinux.org/vault/rocky/9.5/images/x86_64/", "", "CHECKSUM", "sha256",
				"Rocky-9-GenericCloud-Base.latest.x86_64.qcow2", "Rocky-9-GenericCloud-Base-{version}.x86_64.qcow2", "off", false, false},
			"alias in the directory checksum file",
		},
		{
			"CentOS Stream alias", fromSource("CentOS Stream 9"),
			cs9 + "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2", cs9 + "CHECKSUM",
			want{"alias-checksum", cs9, "", "CHECKSUM", "sha256", "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2", "CentOS-Stream-GenericCloud-9-{version}.x86_64.qcow2", "off", false, false},
			"alias in the directory checksum file",
		},
		{
			"CentOS Stream alias sidecar", entryOnly("CentOS Stream 9"),
			cs9 + "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2", cs9 + "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2.SHA256SUM",
			want{"alias-sidecar", cs9, "", "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2.SHA256SUM", "sha256", "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2", "CentOS-Stream-GenericCloud-9-{version}.x86_64.qcow2", "off", false, true},
			"alias with its own checksum sidecar",
		},
		{
			"HEREBE: CentOS Stream 9", fromSource("CentOS Stream 9"),
			cs9 + `CentOS-Stream-GenericCloud-9-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`, cs9 + "CHECKSUM",
			want{"pattern", cs9, "", "CHECKSUM", "sha256", "", `CentOS-Stream-GenericCloud-9-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`, "off", false, false},
			"HEREBE...DRAGONS pattern",
		},
		{
			"HEREBE: CentOS Stream 8", entryOnly("CentOS Stream 8"),
			"https://cloud.centos.org/centos/8-stream/x86_64/images/" + `CentOS-Stream-GenericCloud-8-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`,
			"https://cloud.centos.org/centos/8-stream/x86_64/images/CHECKSUM",
			want{"pattern", "https://cloud.centos.org/centos/8-stream/x86_64/images/", "", "CHECKSUM", "sha256", "", `CentOS-Stream-GenericCloud-8-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`, "off", false, true},
			"HEREBE...DRAGONS pattern",
		},
		{
			"HEREBE: CentOS 7 with $ inside the markers", entryOnly("CentOS 7"),
			`https://cloud.centos.org/centos/7/images/CentOS-7-x86_64-GenericCloud-HEREBE\d+\.qcow2$DRAGONS`,
			"https://cloud.centos.org/centos/7/images/sha256sum.txt",
			want{"pattern", "https://cloud.centos.org/centos/7/images/", "", "sha256sum.txt", "sha256", "", `CentOS-7-x86_64-GenericCloud-HEREBE\d+\.qcow2$DRAGONS`, "off", false, true},
			"HEREBE...DRAGONS pattern",
		},
		{
			"spaces and a newline around the URLs (folded YAML)", fromSource("Ubuntu 24.04"),
			"  " + ubuntu + "noble/current/noble-server-cloudimg-amd64.img \n", "\t" + ubuntu + "noble/current/SHA256SUMS  ",
			want{"ubuntu-daily", ubuntu + "noble/", "current/", "SHA256SUMS", "sha256", "noble-server-cloudimg-amd64.img", "", "required", true, false},
			"Ubuntu daily",
		},
		{
			"http: pinned on http as the entry wrote it", fromSource("Debian 12"),
			"http://cdimage.debian.org/cdimage/cloud/bookworm/daily/latest/debian-12-genericcloud-amd64-daily.qcow2",
			"http://cdimage.debian.org/cdimage/cloud/bookworm/daily/latest/SHA512SUMS",
			want{"debian", "http://cdimage.debian.org/cdimage/cloud/bookworm/daily/", "latest/", "SHA512SUMS", "sha512", "debian-12-genericcloud-amd64-daily.qcow2", "debian-12-genericcloud-amd64-daily-{version}.qcow2", "off", false, false},
			"Debian daily",
		},
		{
			"http Ubuntu keeps the key: a signature covers content, not transport", fromSource("Ubuntu 24.04"),
			"http://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", "http://cloud-images.ubuntu.com/noble/current/SHA256SUMS",
			want{"ubuntu-daily", "http://cloud-images.ubuntu.com/noble/", "current/", "SHA256SUMS", "sha256", "noble-server-cloudimg-amd64.img", "", "required", true, false},
			"Ubuntu daily",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := tt.img(t)
			st, err := FollowStream(img, tt.latest, tt.sums)
			if err != nil {
				t.Fatal(err)
			}
			got := st.Image
			u := got.Upstream
			w := tt.want
			if got.Type != w.typ || u.URL != w.url || u.Latest != w.latest || u.Checksums != w.checksums || u.Algorithm != w.algorithm ||
				u.Filename != w.filename || u.Pinned != w.pinned || u.VersionURL != "" || u.Releases != 0 {
				t.Fatalf("got %s %+v\nwant %+v", got.Type, u, w)
			}
			if u.SignatureMode() != w.signature {
				t.Errorf("signature %s, want %s", u.SignatureMode(), w.signature)
			}
			kept := len(u.Keys) > 0 && slices.Equal(u.Keys, img.Upstream.Keys) && len(u.KeyData) == len(img.Upstream.KeyData) &&
				u.SignatureFile == img.Upstream.SignatureFile
			if kept != w.keys {
				t.Errorf("keys kept: %v, want %v (%v %q)", kept, w.keys, u.Keys, u.SignatureFile)
			}
			if !w.keys && (len(u.Keys) > 0 || len(u.KeyData) > 0 || u.SignatureFile != "") {
				t.Errorf("keys of another stream left in place: %v %q", u.Keys, u.SignatureFile)
			}
			if (st.SignatureNote != "") != w.note {
				t.Errorf("signature note %q, want one: %v", st.SignatureNote, w.note)
			}
			if st.Layout != tt.wantLayoutName {
				t.Errorf("layout %q, want %q", st.Layout, tt.wantLayoutName)
			}
			// Everything but the crawl belongs to the source as it was.
			if got.Name != img.Name || got.Shortname != img.Shortname || got.File != img.File || got.Arch != img.Arch ||
				got.Limit != img.Limit || got.Template != img.Template || got.Line != img.Line {
				t.Errorf("image fields changed: %+v", got)
			}
			if _, ok := strategies[got.Type]; !ok {
				t.Errorf("type %q has no strategy", got.Type)
			}
			checkPinnedUnder(t, got, tt.latest)

			plain, err := Follow(img, tt.latest, tt.sums)
			if err != nil || plain.Type != got.Type || plain.Upstream.URL != got.Upstream.URL {
				t.Errorf("Follow differs from FollowStream: %+v %v", plain, err)
			}
		})
	}
}

func TestFollowUnknown(t *testing.T) {
	const (
		ubuntu = "https://cloud-images.ubuntu.com/noble/current/"
		cs9    = "https://cloud.centos.org/centos/9-stream/x86_64/images/"
	)
	tests := []struct {
		name, latest, sums, wantURL string
	}{
		{"a host no source knows", "https://images.example.org/linux/foo-1.qcow2", "https://images.example.org/linux/SHA256SUMS", "https://images.example.org/linux/foo-1.qcow2"},
		{"a fixed Ubuntu build, no stream", "https://cloud-images.ubuntu.com/releases/noble/release-20260705/ubuntu-24.04-server-cloudimg-amd64.img",
			"https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS", "https://cloud-images.ubuntu.com/releases/noble/release-20260705/ubuntu-24.04-server-cloudimg-amd64.img"},
		{"a fixed Debian build", "https://cloud.debian.org/images/cloud/bookworm/20250210-2019/debian-12-genericcloud-amd64-20250210-2019.qcow2",
			"https://cloud.debian.org/images/cloud/bookworm/20250210-2019/SHA512SUMS", "https://cloud.debian.org/images/cloud/bookworm/20250210-2019/debian-12-genericcloud-amd64-20250210-2019.qcow2"},
		{"Ubuntu with MD5SUMS", ubuntu + "noble-server-cloudimg-amd64.img", ubuntu + "MD5SUMS", ubuntu + "noble-server-cloudimg-amd64.img"},
		{"a query string on the image", ubuntu + "noble-server-cloudimg-amd64.img?mirror=1", ubuntu + "SHA256SUMS", ubuntu + "noble-server-cloudimg-amd64.img?mirror=1"},
		{"a query string on the checksums", ubuntu + "noble-server-cloudimg-amd64.img", ubuntu + "SHA256SUMS?x=1", ubuntu + "SHA256SUMS?x=1"},
		{"a fragment", ubuntu + "noble-server-cloudimg-amd64.img#top", ubuntu + "SHA256SUMS", ubuntu + "noble-server-cloudimg-amd64.img#top"},
		{"the checksum file in another directory", ubuntu + "noble-server-cloudimg-amd64.img",
			"https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS", "https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS"},
		{"the checksum file on another host", "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img",
			"https://mirror.example.org/noble/current/SHA256SUMS", "https://mirror.example.org/noble/current/SHA256SUMS"},
		{"ftp", "ftp://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", "ftp://cloud-images.ubuntu.com/noble/current/SHA256SUMS",
			"ftp://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"},
		{"credentials", "https://user:pw@cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", "https://user:pw@cloud-images.ubuntu.com/noble/current/SHA256SUMS",
			"https://user:pw@cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"},
		{"empty", "", "", ""},
		{"a directory", ubuntu, ubuntu + "SHA256SUMS", ubuntu},
		{"climbing", "https://cloud-images.ubuntu.com/noble/../noble/current/noble-server-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/noble/../noble/current/SHA256SUMS",
			"https://cloud-images.ubuntu.com/noble/../noble/current/noble-server-cloudimg-amd64.img"},
		{"HEREBE without DRAGONS", cs9 + `CentOS-Stream-GenericCloud-9-HEREBE\d+.x86_64.qcow2`, cs9 + "CHECKSUM", cs9 + `CentOS-Stream-GenericCloud-9-HEREBE\d+.x86_64.qcow2`},
		{"HEREBE with no regular expression", cs9 + `CentOS-Stream-GenericCloud-9-HEREBE(\dDRAGONS.x86_64.qcow2`, cs9 + "CHECKSUM", cs9 + `CentOS-Stream-GenericCloud-9-HEREBE(\dDRAGONS.x86_64.qcow2`},
		{"an alias of a distribution no source knows", "https://example.org/images/Foo-9-latest.x86_64.qcow2", "https://example.org/images/CHECKSUM", "https://example.org/images/Foo-9-latest.x86_64.qcow2"},
		{"an alias with another alias's sidecar", cs9 + "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2", cs9 + "CentOS-Stream-ec2-9-latest.x86_64.raw.xz.SHA256SUM",
			cs9 + "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2"},
		{"Debian in the codename directory itself", "https://cloud.debian.org/images/cloud/bookworm/debian-12-genericcloud-amd64.qcow2",
			"https://cloud.debian.org/images/cloud/bookworm/SHA512SUMS", "https://cloud.debian.org/images/cloud/bookworm/debian-12-genericcloud-amd64.qcow2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, img := range []source.Image{{Name: "X"}, sourced(t, "Ubuntu 24.04")} {
				got, err := Follow(img, tt.latest, tt.sums)
				var unknown *UnknownStreamError
				if !errors.As(err, &unknown) {
					t.Fatalf("error %v (%T), want an *UnknownStreamError; image %+v", err, err, got.Upstream)
				}
				if unknown.URL != tt.wantURL {
					t.Errorf("URL %q, want %q", unknown.URL, tt.wantURL)
				}
				if want := "follows " + tt.wantURL + ", which no source describes"; err.Error() != want {
					t.Errorf("message %q, want %q", err, want)
				}
				if unknown.Reason == "" {
					t.Error("no reason")
				}
			}
		})
	}
}

// checkPinnedUnder checks what Follow promises of any image it returns: a
// strategy crawls it, its checksums are of a known algorithm, and the URL
// of a build it pins stays on the entry's host, below the entry's tree, as
// the crawl's cross-check demands.
func checkPinnedUnder(t testing.TB, img source.Image, latest string) {
	t.Helper()
	u := img.Upstream
	if _, ok := strategies[img.Type]; !ok {
		t.Fatalf("type %q has no strategy", img.Type)
	}
	if u.Algorithm != "sha256" && u.Algorithm != "sha512" {
		t.Fatalf("algorithm %q", u.Algorithm)
	}
	latest = strings.TrimSpace(latest)
	entry, err := url.Parse(latest[:strings.LastIndex(latest, "/")+1])
	if err != nil {
		t.Fatalf("accepted a latest_url that does not parse: %v", err)
	}
	base, err := url.Parse(u.URL)
	if err != nil || !strings.HasSuffix(u.URL, "/") {
		t.Fatalf("upstream.url %q: %v", u.URL, err)
	}
	if base.Scheme != entry.Scheme || base.Host != entry.Host || !strings.HasPrefix(entry.Path, base.Path) {
		t.Fatalf("upstream.url %s is not the entry's %s or above it on its host", u.URL, entry)
	}
	var pinned string
	switch img.Type {
	case "ubuntu":
		pinned = join(u.URL, "release-20260705", u.PinnedName("20260705"))
	case "ubuntu-daily":
		pinned = join(u.URL, "20260705.1", u.PinnedName("20260705.1"))
	case "debian":
		pinned = join(u.URL, "20260705-2019", u.PinnedName("20260705-2019"))
	case "alias-checksum", "alias-sidecar":
		pinned = join(u.URL, u.PinnedName("9.6-20250531.0"))
	case "alias-checksum-minor", "alias-sidecar-minor":
		major := rockyMajor().FindStringSubmatch(u.Filename)
		if major == nil {
			t.Fatalf("%s for %q, which names no Rocky major release", img.Type, u.Filename)
		}
		dir, err := minorVersionDir(u.URL, major[1]+".6-20250531.0")
		if err != nil {
			t.Fatalf("minor directory of %s: %v", u.URL, err)
		}
		pinned = join(dir, u.PinnedName(major[1]+".6-20250531.0"))
	case "pattern":
		if _, err := compileBuildPattern(u.Pinned); err != nil {
			t.Fatalf("pattern %q: %v", u.Pinned, err)
		}
		pinned = join(u.URL, "build.qcow2")
	default:
		t.Fatalf("Follow returned type %q", img.Type)
	}
	if img.Type != "pattern" && strings.Count(u.PinnedName("V"), "/") > 0 {
		t.Fatalf("pinned name %q holds a /", u.PinnedName("V"))
	}
	if err := underSource(u.URL, pinned); err != nil {
		t.Fatalf("a pinned build %s: %v", pinned, err)
	}
	if p, _ := url.Parse(pinned); p == nil || p.Host != entry.Host {
		t.Fatalf("pinned %s is not on the entry's host %s", pinned, entry.Host)
	}
}

func FuzzFollow(f *testing.F) {
	seeds := [][2]string{
		{"https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/noble/current/SHA256SUMS"},
		{"https://cloud-images.ubuntu.com/minimal/releases/jammy/release/ubuntu-22.04-minimal-cloudimg-amd64.img", "https://cloud-images.ubuntu.com/minimal/releases/jammy/release/SHA256SUMS"},
		{"https://cdimage.debian.org/cdimage/cloud/bookworm/daily/latest/debian-12-genericcloud-amd64-daily.qcow2", "https://cdimage.debian.org/cdimage/cloud/bookworm/daily/latest/SHA512SUMS"},
		{"https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM"},
		{"https://download.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud.latest.x86_64.qcow2", "https://download.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud.latest.x86_64.qcow2.CHECKSUM"},
		{`https://cloud.centos.org/centos/7/images/CentOS-7-x86_64-GenericCloud-HEREBE\d+\.qcow2$DRAGONS`, "https://cloud.centos.org/centos/7/images/sha256sum.txt"},
		{"https://h/9/Rocky-9-x.latest.q", "https://h/9/CHECKSUM"},
		{"http://h:8080/a/current/x-cloudimg-y.img", "http://h:8080/a/current/SHA256SUMS"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, latest, sums string) {
		for _, img := range []source.Image{{Name: "X"}, {Name: "Y", Type: "ubuntu", Upstream: source.Upstream{URL: "https://cloud-images.ubuntu.com/releases/noble/", Checksums: "SHA256SUMS", Keys: []string{"k"}, KeyData: [][]byte{{1}}}}} {
			st, err := FollowStream(img, latest, sums)
			if err != nil {
				var unknown *UnknownStreamError
				if !errors.As(err, &unknown) {
					t.Fatalf("error %v (%T) is no *UnknownStreamError", err, err)
				}
				continue
			}
			checkPinnedUnder(t, st.Image, latest)
			if st.Image.Name != img.Name {
				t.Fatalf("name %q", st.Image.Name)
			}
		}
	})
}
