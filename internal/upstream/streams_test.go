package upstream

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/internal/testenv/pgptest"
	"github.com/osism/image-crawler/internal/testenv/signedubuntu"
)

// streamWorld is a test mirror standing in for one upstream host, and the
// crawl of a catalog entry that follows a stream on it.
type streamWorld struct {
	m       *mirror.Server
	mirrors []httpclient.Mirror
	prefix  string // where the host's tree starts on m
}

func newStreamWorld(t *testing.T, host, prefix string) *streamWorld {
	t.Helper()
	m := mirror.New(t)
	return &streamWorld{m: m, mirrors: []httpclient.Mirror{{From: host, To: m.URL + prefix}}, prefix: prefix}
}

// crawl crawls img as a run does (strategy and cross-check, a client of its
// own so nothing is remembered) and returns the outcome and the requests.
func (w *streamWorld) crawl(t *testing.T, img source.Image, known Known) (Outcome, []string) {
	t.Helper()
	w.m.ResetCounts()
	out := Crawl(context.Background(), testClient(httpclient.Options{Mirrors: w.mirrors}), []source.Image{img}, map[string]Known{img.Name: known}, 1, nil)
	var reqs []string
	for _, r := range w.m.Requests() {
		reqs = append(reqs, r.Method+" "+r.Path)
	}
	return out[0], reqs
}

// Each stream an entry may follow, crawled end to end through Follow and
// the test mirror: the newest build of that stream is found and pinned in
// it, every request stays in the stream's tree (not in the release tree
// beside it, which has a newer build), an unchanged image costs exactly the
// one request for the entry's own checksum file, and a build published
// later is found next.
func TestFollowedStreams(t *testing.T) {
	const (
		ubuntu   = "https://cloud-images.ubuntu.com/"
		cdimg    = "https://cdimage.debian.org/"
		cloudDeb = "https://cloud.debian.org/"
		alma     = "https://repo.almalinux.org/"
		rockyDl  = "https://dl.rockylinux.org/"
		rockyDn  = "https://download.rockylinux.org/"
		centos   = "https://cloud.centos.org/"
	)
	centos7, err := os.ReadFile("../checksum/testdata/checksums/centos7-sha256sum.txt")
	if err != nil {
		t.Fatal(err)
	}
	const (
		noble   = "noble-server-cloudimg-amd64.img"
		minimal = "ubuntu-24.04-minimal-cloudimg-amd64.img"
		deb12   = "debian-12-genericcloud-amd64"
		deb13   = "debian-13-genericcloud-amd64"
		deb11   = "debian-11-genericcloud-amd64"
		cs9     = "centos/9-stream/x86_64/images/"
	)
	tests := []struct {
		name         string
		host, prefix string
		setup        func(m *mirror.Server)
		img          source.Image
		latest, sums string
		known        Known
		want         Result
		tree         string // every request stays below it
		next         func(m *mirror.Server)
		wantNext     string // version after next
	}{
		{
			name: "Ubuntu daily", host: ubuntu, prefix: "/ubuntu/",
			setup: func(m *mirror.Server) {
				layout.Ubuntu(m, "/ubuntu/releases/noble/", "ubuntu-24.04-server-cloudimg-amd64.img", []string{"20260801"}, "")
				layout.UbuntuDaily(m, "/ubuntu/noble/", noble, []string{"20260612", "20260705", "20260705.1"}, "")
			},
			img:    shipped(t, "Ubuntu 24.04"),
			latest: ubuntu + "noble/current/" + noble, sums: ubuntu + "noble/current/SHA256SUMS",
			known: Known{Version: "20260108", Checksum: "sha256:00786c0936a7dd91a6b07941ca60bb56652975e0e72f9dacf73c887ada420966"},
			want: Result{
				Version: "20260705.1", Checksum: "sha256:" + layout.UbuntuDailyDigest(noble, "20260705.1", ""),
				URL: ubuntu + "noble/20260705.1/" + noble, BuildDate: "2026-07-05", ChecksumURL: ubuntu + "noble/20260705.1/SHA256SUMS",
			},
			tree: "/ubuntu/noble/",
			next: func(m *mirror.Server) {
				layout.UbuntuDaily(m, "/ubuntu/noble/", noble, []string{"20260612", "20260705", "20260705.1", "20260706"}, "")
			},
			wantNext: "20260706",
		},
		{
			name: "Ubuntu minimal daily", host: ubuntu, prefix: "/ubuntu/",
			setup: func(m *mirror.Server) {
				layout.Ubuntu(m, "/ubuntu/minimal/releases/noble/", minimal, []string{"20260801"}, "")
				layout.UbuntuDaily(m, "/ubuntu/minimal/daily/noble/", minimal, []string{"20260701", "20260702"}, "")
			},
			img:    shipped(t, "Ubuntu 24.04 Minimal"),
			latest: ubuntu + "minimal/daily/noble/current/" + minimal, sums: ubuntu + "minimal/daily/noble/current/SHA256SUMS",
			want: Result{
				Version: "20260702", Checksum: "sha256:" + layout.UbuntuDailyDigest(minimal, "20260702", ""),
				URL: ubuntu + "minimal/daily/noble/20260702/" + minimal, BuildDate: "2026-07-02", ChecksumURL: ubuntu + "minimal/daily/noble/20260702/SHA256SUMS",
			},
			tree: "/ubuntu/minimal/daily/noble/",
		},
		{
			name: "Ubuntu minimal release", host: ubuntu, prefix: "/ubuntu/",
			setup: func(m *mirror.Server) {
				layout.Ubuntu(m, "/ubuntu/minimal/releases/jammy/", "ubuntu-22.04-minimal-cloudimg-amd64.img", []string{"20260601", "20260705"}, "")
				layout.UbuntuDaily(m, "/ubuntu/minimal/daily/jammy/", "ubuntu-22.04-minimal-cloudimg-amd64.img", []string{"20260801"}, "")
			},
			img:    shipped(t, "Ubuntu 22.04 Minimal"),
			latest: ubuntu + "minimal/releases/jammy/release/ubuntu-22.04-minimal-cloudimg-amd64.img", sums: ubuntu + "minimal/releases/jammy/release/SHA256SUMS",
			want: Result{
				Version: "20260705", Checksum: "sha256:" + layout.UbuntuDigest("ubuntu-22.04-minimal-cloudimg-amd64.img", "20260705", ""),
				URL:       ubuntu + "minimal/releases/jammy/release-20260705/ubuntu-22.04-minimal-cloudimg-amd64.img",
				BuildDate: "2026-07-05", ChecksumURL: ubuntu + "minimal/releases/jammy/release-20260705/SHA256SUMS",
			},
			tree: "/ubuntu/minimal/releases/jammy/",
		},
		{
			name: "Debian daily on cdimage.debian.org", host: cdimg, prefix: "/",
			setup: func(m *mirror.Server) {
				layout.Debian(m, "/cdimage/cloud/bookworm/", deb12, []string{"20260801-2100"}, "")
				layout.DebianDaily(m, "/cdimage/cloud/bookworm/", deb12, []string{"20260122-2365", "20260124-2367"}, "")
			},
			img:    shipped(t, "Debian 12"),
			latest: cdimg + "cdimage/cloud/bookworm/daily/latest/" + deb12 + "-daily.qcow2", sums: cdimg + "cdimage/cloud/bookworm/daily/latest/SHA512SUMS",
			want: Result{
				Version: "20260124-2367", Checksum: "sha512:" + layout.DebianDailyDigest(deb12, "20260124-2367", ""),
				URL:       cdimg + "cdimage/cloud/bookworm/daily/20260124-2367/" + deb12 + "-daily-20260124-2367.qcow2",
				BuildDate: "2026-01-24", ChecksumURL: cdimg + "cdimage/cloud/bookworm/daily/20260124-2367/SHA512SUMS",
			},
			tree: "/cdimage/cloud/bookworm/daily/",
			next: func(m *mirror.Server) {
				layout.DebianDaily(m, "/cdimage/cloud/bookworm/", deb12, []string{"20260122-2365", "20260124-2367", "20260125-2368"}, "")
			},
			wantNext: "20260125-2368",
		},
		{
			name: "Debian daily on cloud.debian.org", host: cloudDeb, prefix: "/cloud/",
			setup: func(m *mirror.Server) {
				layout.Debian(m, "/cloud/images/cloud/trixie/", deb13, []string{"20260801-2100"}, "")
				layout.DebianDaily(m, "/cloud/images/cloud/trixie/", deb13, []string{"20260716-2541", "20260717-2542"}, "")
			},
			img:    shipped(t, "Debian 13"),
			latest: cloudDeb + "images/cloud/trixie/daily/latest/" + deb13 + "-daily.qcow2", sums: cloudDeb + "images/cloud/trixie/daily/latest/SHA512SUMS",
			want: Result{
				Version: "20260717-2542", Checksum: "sha512:" + layout.DebianDailyDigest(deb13, "20260717-2542", ""),
				URL:       cloudDeb + "images/cloud/trixie/daily/20260717-2542/" + deb13 + "-daily-20260717-2542.qcow2",
				BuildDate: "2026-07-17", ChecksumURL: cloudDeb + "images/cloud/trixie/daily/20260717-2542/SHA512SUMS",
			},
			tree: "/cloud/images/cloud/trixie/daily/",
		},
		{
			name: "Debian release on cdimage.debian.org beside newer dailies", host: cdimg, prefix: "/",
			setup: func(m *mirror.Server) {
				layout.Debian(m, "/cdimage/cloud/bullseye/", deb11, []string{"20260101-2001", "20260301-2050"}, "")
				layout.DebianDaily(m, "/cdimage/cloud/bullseye/", deb11, []string{"20260801-2200"}, "")
			},
			img:    shipped(t, "Debian 11"),
			latest: cdimg + "cdimage/cloud/bullseye/latest/" + deb11 + ".qcow2", sums: cdimg + "cdimage/cloud/bullseye/latest/SHA512SUMS",
			want: Result{
				Version: "20260301-2050", Checksum: "sha512:" + layout.DebianDigest(deb11, "20260301-2050", ""),
				URL:       cdimg + "cdimage/cloud/bullseye/20260301-2050/" + deb11 + "-20260301-2050.qcow2",
				BuildDate: "2026-03-01", ChecksumURL: cdimg + "cdimage/cloud/bullseye/20260301-2050/SHA512SUMS",
			},
			// The build directories are listed in the codename directory,
			// whose daily/ must not be entered.
			tree: "/cdimage/cloud/bullseye/",
		},
		{
			name: "AlmaLinux alias", host: alma, prefix: "/alma/",
			setup: func(m *mirror.Server) {
				layout.AlmaLinux(m, "/alma/almalinux/", "9", "x86_64", "9.8-20260526", "")
			},
			img:    shipped(t, "AlmaLinux 9"),
			latest: alma + "almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", sums: alma + "almalinux/9/cloud/x86_64/images/CHECKSUM",
			known: Known{Version: "20251118", Checksum: "sha256:5ff9c048859046f41db4a33b1f1a96675711288078aac66b47d0be023af270d1"},
			want: Result{
				Version: "9.8-20260526", Checksum: "sha256:" + layout.AlmaLinuxDigest("9", "x86_64", "9.8-20260526", ""),
				URL:       alma + "almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2",
				BuildDate: "2026-05-26", ChecksumURL: alma + "almalinux/9/cloud/x86_64/images/CHECKSUM",
			},
			tree: "/alma/almalinux/9/cloud/x86_64/images/",
			next: func(m *mirror.Server) {
				layout.AlmaLinux(m, "/alma/almalinux/", "9", "x86_64", "9.8-20260610", "")
			},
			wantNext: "9.8-20260610",
		},
		{
			name: "Rocky alias sidecar on download.rockylinux.org", host: rockyDn, prefix: "/rocky/",
			setup: func(m *mirror.Server) {
				layout.Rocky(m, "/rocky/pub/rocky/", "9", "x86_64", []string{"9.5-20241118.0", "9.6-20250531.0", "9.6-20250603.1"}, "")
			},
			img:    shipped(t, "Rocky 9"),
			latest: rockyDn + "pub/rocky/9/images/x86_64/Rocky-9-GenericCloud.latest.x86_64.qcow2",
			sums:   rockyDn + "pub/rocky/9/images/x86_64/Rocky-9-GenericCloud.latest.x86_64.qcow2.CHECKSUM",
			want: Result{
				Version: "9.6-20250603.1", Checksum: "sha256:" + layout.RockyDigest("9", "x86_64", "9.6-20250603.1", ""),
				URL:       rockyDn + "pub/rocky/9.6/images/x86_64/Rocky-9-GenericCloud-Base-9.6-20250603.1.x86_64.qcow2",
				BuildDate: "2025-06-03", ChecksumURL: rockyDn + "pub/rocky/9/images/x86_64/CHECKSUM",
			},
			tree: "/rocky/pub/rocky/9",
			next: func(m *mirror.Server) {
				layout.Rocky(m, "/rocky/pub/rocky/", "9", "x86_64", []string{"9.5-20241118.0", "9.6-20250531.0", "9.6-20250603.1", "9.7-20251123.0"}, "")
			},
			wantNext: "9.7-20251123.0",
		},
		{
			name: "Rocky alias sidecar on dl.rockylinux.org, clear-signed CHECKSUM", host: rockyDl, prefix: "/rocky/",
			setup: func(m *mirror.Server) {
				layout.Rocky(m, "/rocky/pub/rocky/", "8", "x86_64", []string{"8.9-20231119.0", "8.10-20240528.0"}, "")
			},
			img:    shipped(t, "Rocky 8"),
			latest: rockyDl + "pub/rocky/8/images/x86_64/Rocky-8-GenericCloud.latest.x86_64.qcow2",
			sums:   rockyDl + "pub/rocky/8/images/x86_64/Rocky-8-GenericCloud.latest.x86_64.qcow2.CHECKSUM",
			want: Result{
				Version: "8.10-20240528.0", Checksum: "sha256:" + layout.RockyDigest("8", "x86_64", "8.10-20240528.0", ""),
				URL:       rockyDl + "pub/rocky/8.10/images/x86_64/Rocky-8-GenericCloud-Base-8.10-20240528.0.x86_64.qcow2",
				BuildDate: "2024-05-28", ChecksumURL: rockyDl + "pub/rocky/8/images/x86_64/CHECKSUM",
			},
			tree: "/rocky/pub/rocky/8",
		},
		{
			name: "CentOS Stream alias sidecar", host: centos, prefix: "/centos/",
			setup: func(m *mirror.Server) {
				layout.CentOSStream(m, "/centos/centos/", "9", "x86_64", []string{"20260630.0", "20260630.2", "20260615.0"}, "")
			},
			img:    shipped(t, "CentOS Stream 9"),
			latest: centos + cs9 + "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2",
			sums:   centos + cs9 + "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2.SHA256SUM",
			want: Result{
				Version: "20260615.0", Checksum: "sha256:" + layout.CentOSStreamDigest("9", "x86_64", "20260615.0", ""),
				URL:       centos + cs9 + "CentOS-Stream-GenericCloud-9-20260615.0.x86_64.qcow2",
				BuildDate: "2026-06-15", ChecksumURL: centos + cs9 + "CHECKSUM",
			},
			tree: "/centos/" + cs9,
		},
		{
			name: "HEREBE: CentOS Stream 9, the real CHECKSUM", host: centos, prefix: "/centos/",
			setup: func(m *mirror.Server) {
				layout.CentOSStream9Capture(m, "/centos/centos/")
			},
			img:    shipped(t, "CentOS Stream 9"),
			latest: centos + cs9 + `CentOS-Stream-GenericCloud-9-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`, sums: centos + cs9 + "CHECKSUM",
			known: Known{Version: "20260120", Checksum: "sha256:4754fa55d85b3a487651f18940b389cef055d1436432dd01b1d059d0b879f141"},
			want: Result{
				Version: layout.CentOSStream9CaptureBuild, Checksum: "sha256:" + layout.CentOSStream9CaptureDigest,
				URL:       centos + cs9 + "CentOS-Stream-GenericCloud-9-20260714.1.x86_64.qcow2",
				BuildDate: "2026-07-14", ChecksumURL: centos + cs9 + "CHECKSUM",
			},
			tree: "/centos/" + cs9,
		},
		{
			// The builds are published out of order; the newest by natsort
			// is a same-day respin, not the last listed.
			name: "HEREBE: CentOS Stream 8", host: centos, prefix: "/centos/",
			setup: func(m *mirror.Server) {
				layout.CentOSStream(m, "/centos/centos/", "8", "x86_64", []string{"20240527.2", "20240101.0", "20240527.0"}, "")
			},
			img:    source.Image{Name: "CentOS Stream 8"},
			latest: centos + "centos/8-stream/x86_64/images/" + `CentOS-Stream-GenericCloud-8-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`,
			sums:   centos + "centos/8-stream/x86_64/images/CHECKSUM",
			want: Result{
				Version: "20240527.2", Checksum: "sha256:" + layout.CentOSStreamDigest("8", "x86_64", "20240527.2", ""),
				URL:       centos + "centos/8-stream/x86_64/images/CentOS-Stream-GenericCloud-8-20240527.2.x86_64.qcow2",
				BuildDate: "2024-05-27", ChecksumURL: centos + "centos/8-stream/x86_64/images/CHECKSUM",
			},
			tree: "/centos/centos/8-stream/x86_64/images/",
		},
		{
			// The catalog's own entry: the digest it holds is the newest
			// build's, so it is unchanged; a name with no date takes its
			// build date from Last-Modified.
			name: "HEREBE: CentOS 7, the real sha256sum.txt", host: centos, prefix: "/centos/",
			setup: func(m *mirror.Server) {
				m.Format("/centos/", mirror.HTMLTable)
				m.File("/centos/centos/7/images/sha256sum.txt", centos7, time.Date(2022, 11, 14, 9, 0, 0, 0, time.UTC))
				m.BigFile("/centos/centos/7/images/CentOS-7-x86_64-GenericCloud-2211.qcow2", layout.ImageSize, time.Date(2022, 11, 12, 18, 7, 0, 0, time.UTC))
			},
			img:    source.Image{Name: "CentOS 7"},
			latest: centos + `centos/7/images/CentOS-7-x86_64-GenericCloud-HEREBE\d+\.qcow2$DRAGONS`, sums: centos + "centos/7/images/sha256sum.txt",
			want: Result{
				Version: "2211", Checksum: "sha256:284aab2b23d91318f169ff464bce4d53404a15a0618ceb34562838c59af4adea",
				URL:       centos + "centos/7/images/CentOS-7-x86_64-GenericCloud-2211.qcow2",
				BuildDate: "2022-11-12", ChecksumURL: centos + "centos/7/images/sha256sum.txt",
			},
			tree: "/centos/centos/7/images/",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newStreamWorld(t, tt.host, tt.prefix)
			tt.setup(w.m)
			img, err := Follow(tt.img, tt.latest, tt.sums)
			if err != nil {
				t.Fatal(err)
			}
			o, reqs := w.crawl(t, img, tt.known)
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			checkResult(t, o.Result, tt.want)
			for _, r := range reqs {
				if _, p, _ := strings.Cut(r, " "); !strings.HasPrefix(p, tt.tree) {
					t.Errorf("request %s outside the stream's tree %s", r, tt.tree)
				}
			}

			latestPath := tt.prefix + strings.TrimPrefix(tt.sums, tt.host)
			o, reqs = w.crawl(t, img, Known{Version: o.Result.Version, Checksum: o.Result.Checksum})
			if o.Err != nil || !o.Result.Unchanged {
				t.Fatalf("unchanged: %+v %v", o.Result, o.Err)
			}
			checkRequests(t, reqs, "GET "+latestPath)

			if tt.next == nil {
				return
			}
			tt.next(w.m)
			prev := tt.want
			o, _ = w.crawl(t, img, Known{Version: prev.Version, Checksum: prev.Checksum})
			if o.Err != nil || o.Result.Unchanged || o.Result.Version != tt.wantNext {
				t.Fatalf("after a new build: %+v %v, want %s", o.Result, o.Err, tt.wantNext)
			}
			if err := underSource(img.Upstream.URL, o.Result.URL); err != nil || !strings.Contains(o.Result.URL, tt.wantNext) {
				t.Fatalf("new build pinned at %s: %v", o.Result.URL, err)
			}
		})
	}
}

// Following the daily stream keeps the source's key: the daily builds'
// SHA256SUMS.gpg are signed by the key that signs the release builds, and
// the crawl verifies them with it. A daily signed by another key fails.
func TestFollowedUbuntuDailyVerifies(t *testing.T) {
	trusted, stranger := pgptest.Shared(t, "trusted"), pgptest.Shared(t, "stranger")
	const file = "noble-server-cloudimg-amd64.img"
	builds := []string{"20260704", "20260705"}
	for _, tt := range []struct {
		name    string
		by      *pgptest.Key
		wantErr string
	}{
		{"signed by the source's key", trusted, ""},
		{"signed by another key", stranger, "verify signature of https://cloud-images.ubuntu.com/noble/20260705/SHA256SUMS"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newStreamWorld(t, "https://cloud-images.ubuntu.com/", "/ubuntu/")
			layout.UbuntuDaily(w.m, "/ubuntu/noble/", file, builds, "")
			for _, dir := range []string{"20260704", "20260705", "current"} {
				p := "/ubuntu/noble/" + dir + "/SHA256SUMS"
				w.m.File(p+".gpg", tt.by.Detach(t, signedubuntu.Get(t, w.m, p), nil), time.Time{})
			}
			src := (&signedWorld{}).image(t, source.SignatureRequired, "{checksums}.gpg", trusted)
			st, err := FollowStream(src, "https://cloud-images.ubuntu.com/noble/current/"+file, "https://cloud-images.ubuntu.com/noble/current/SHA256SUMS")
			if err != nil || st.SignatureNote != "" || st.Image.Upstream.SignatureMode() != source.SignatureRequired {
				t.Fatalf("follow: %+v %v", st, err)
			}
			o, _ := w.crawl(t, st.Image, Known{})
			if tt.wantErr != "" {
				checkErr(t, o.Err, tt.wantErr)
				return
			}
			if o.Err != nil || !o.Result.Verified || o.Result.Version != "20260705" {
				t.Fatalf("%+v %v", o.Result, o.Err)
			}
		})
	}
}
