package upstream

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// plainWorld is an unsigned Ubuntu layout and an image that crawls it.
func plainWorld(t *testing.T) (*mirror.Server, *httpclient.Client, source.Image) {
	t.Helper()
	m := mirror.New(t)
	layout.Ubuntu(m, sigBase, sigImage, sigBuilds, "")
	c := httpclient.NewClient(httpclient.Options{Mirrors: []httpclient.Mirror{{From: "https://cloud-images.ubuntu.com/", To: m.URL + "/ubuntu/"}}, Retries: -1})
	img := source.Image{
		Name: "Ubuntu 24.04", Type: "ubuntu", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: "https://cloud-images.ubuntu.com/releases/noble/", Latest: "release/",
			Checksums: "SHA256SUMS", Algorithm: "sha256", Filename: sigImage, Signature: "off",
		},
	}
	return m, c, img
}

func TestCrossCheckPinnedImage(t *testing.T) {
	pinned := sigBase + "release-20260705/" + sigImage
	tests := []struct {
		name    string
		prepare func(m *mirror.Server)
		wantErr string
	}{
		{"published", func(m *mirror.Server) {}, ""},
		{"not published", func(m *mirror.Server) { m.Remove(pinned) },
			"pinned image: HEAD https://cloud-images.ubuntu.com/releases/noble/release-20260705/" + sigImage + ": 404 Not Found"},
		{"an error page in its place", func(m *mirror.Server) {
			m.Fault(pinned, mirror.Fault{Body: []byte("<html>gone</html>"), Header: http.Header{"Content-Type": {"text/html"}}})
		}, "release-20260705/" + sigImage + " is a web page (text/html), not an image"},
		{"empty", func(m *mirror.Server) { m.File(pinned, nil, time.Time{}) }, "release-20260705/" + sigImage + " is empty"},
		{"a small stand-in file is accepted", func(m *mirror.Server) { m.File(pinned, []byte("qcow2 stand-in"), time.Time{}) }, ""},
		{"HEAD fails", func(m *mirror.Server) { m.Fault(pinned, mirror.Fault{Status: 500}) }, "pinned image: HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c, img := plainWorld(t)
			tt.prepare(m)
			out := Crawl(context.Background(), c, []source.Image{img}, map[string]Known{img.Name: oldKnown}, 1, nil)
			err := out[0].Err
			if tt.wantErr == "" {
				if err != nil || out[0].Result.Version != "20260705" {
					t.Fatalf("%v %+v", err, out[0].Result)
				}
				if n := m.CountPath("HEAD", pinned); n != 1 {
					t.Fatalf("%d HEAD requests of the pinned image, want 1", n)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if out[0].Result != (Result{}) {
				t.Fatalf("a failed image carries a result: %+v", out[0].Result)
			}
		})
	}
}

func TestCrossCheckResult(t *testing.T) {
	m, c, img := plainWorld(t)
	m.File(sigBase+"nodate/"+sigImage, make([]byte, 1<<20), time.Time{})
	good := Result{
		Version:     "20260705",
		Checksum:    "sha256:" + layout.UbuntuDigest(sigImage, "20260705", ""),
		URL:         "https://cloud-images.ubuntu.com/releases/noble/release-20260705/" + sigImage,
		BuildDate:   "2026-07-05",
		ChecksumURL: "https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS",
	}
	required := img
	required.Upstream.Signature = "required"
	tests := []struct {
		name    string
		img     source.Image
		edit    func(r *Result)
		wantErr string
	}{
		{"good", img, func(r *Result) {}, ""},
		{"version with a newline", img, func(r *Result) { r.Version = "20260705\nurl: x" }, "not a version"},
		{"version climbing", img, func(r *Result) { r.Version = "../20260705" }, "not a version"},
		{"empty version", img, func(r *Result) { r.Version = "" }, "not a version"},
		{"checksum of another algorithm", img, func(r *Result) { r.Checksum = "sha512:" + strings.Repeat("a", 128) }, "want sha256:<lowercase hex>"},
		{"checksum too short", img, func(r *Result) { r.Checksum = "sha256:abc" }, "want sha256:<lowercase hex>"},
		{"checksum upper case", img, func(r *Result) { r.Checksum = "sha256:" + strings.Repeat("A", 64) }, "want sha256:<lowercase hex>"},
		{"pinned on another host", img, func(r *Result) { r.URL = "https://evil.example/releases/noble/x.img" }, "is not below the source's https://cloud-images.ubuntu.com/releases/noble/"},
		{"pinned beside the source", img, func(r *Result) { r.URL = "https://cloud-images.ubuntu.com/releases/jammy/x.img" }, "is not below"},
		{"pinned climbing out", img, func(r *Result) { r.URL = "https://cloud-images.ubuntu.com/releases/noble/../jammy/x.img" }, "is not below"},
		{"pinned with a query", img, func(r *Result) { r.URL += "?x=1" }, "is not below"},
		{"checksum file elsewhere", img, func(r *Result) { r.ChecksumURL = "http://cloud-images.ubuntu.com/releases/noble/SHA256SUMS" }, "checksum URL"},
		{"required but not verified", required, func(r *Result) {}, "crawler bug (please report): the signature of"},
		{"required and verified", required, func(r *Result) { r.Verified = true }, ""},
		{"build date from Last-Modified", img, func(r *Result) { r.BuildDate = "" }, ""},
		{"no date anywhere", img, func(r *Result) {
			r.BuildDate = ""
			r.URL = "https://cloud-images.ubuntu.com/releases/noble/nodate/" + sigImage
		}, "no build date for 20260705"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			err := crossCheck(context.Background(), c, tt.img, &r)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if r.BuildDate != "2026-07-05" {
					t.Fatalf("build date %q", r.BuildDate)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestUnderSource(t *testing.T) {
	tests := []struct {
		source, got string
		ok          bool
	}{
		{"https://a.org/releases/noble/", "https://a.org/releases/noble/release-1/x.img", true},
		{"https://a.org/releases/noble/", "https://a.org/releases/noblex/x.img", false},
		{"https://a.org/releases/noble/", "https://a.org.evil/releases/noble/x.img", false},
		{"https://a.org/releases/noble/", "http://a.org/releases/noble/x.img", false},
		{"https://a.org/releases/noble/", "https://a.org/releases/noble/./x.img", false},
		{"https://a.org/releases/noble/", "https://user@a.org/releases/noble/x.img", false},
		{"https://a.org/releases/noble/", "/releases/noble/x.img", false},
		// Rocky's major directory stands for the minor one.
		{"https://dl.rockylinux.org/pub/rocky/9/images/x86_64/", "https://dl.rockylinux.org/pub/rocky/9.6/images/x86_64/R.qcow2", true},
		{"https://dl.rockylinux.org/pub/rocky/9/images/x86_64/", "https://dl.rockylinux.org/pub/other/9.6/R.qcow2", false},
		// A per-release source: below the part before {release}.
		{"https://dl.fedoraproject.org/pub/fedora/linux/releases/{release}/Cloud/x86_64/images/", "https://dl.fedoraproject.org/pub/fedora/linux/releases/44/Cloud/x86_64/images/F.qcow2", true},
		{"https://dl.fedoraproject.org/pub/fedora/linux/releases/{release}/Cloud/x86_64/images/", "https://dl.fedoraproject.org/pub/epel/44/F.qcow2", false},
	}
	for _, tt := range tests {
		err := underSource(tt.source, tt.got)
		if (err == nil) != tt.ok {
			t.Errorf("underSource(%s, %s) = %v, want ok=%v", tt.source, tt.got, err, tt.ok)
		}
	}
}
