package upstream

import (
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
)

const cirrosURL = "https://download.cirros-cloud.net/"

func cirrosImage() source.Image {
	return source.Image{
		Name: "Cirros", Type: "cirros", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: cirrosURL, VersionURL: cirrosURL + "version/released", Checksums: "SHA256SUMS", Algorithm: "sha256",
			Pinned: "cirros-{version}-x86_64-disk.img", Signature: "off",
		},
	}
}

var cirrosReleasesB = []layout.CirrosRelease{
	{Version: "0.6.2", Date: time.Date(2023, 5, 30, 13, 0, 0, 0, time.UTC)},
	{Version: "0.6.3", Date: time.Date(2024, 9, 26, 10, 0, 0, 0, time.UTC)},
}

func TestCirros(t *testing.T) {
	h := newMirroredHost(t, cirrosURL, "/cirros/")
	layout.Cirros(h.m, "/cirros/", cirrosReleasesB, "")
	name := "cirros-0.6.3-x86_64-disk.img"
	sum := "sha256:" + layout.CirrosDigest(name, "")

	res, reqs, err := h.resolve(t, cirrosImage(), Known{Version: "0.6.2", Checksum: "sha256:" + layout.CirrosDigest("cirros-0.6.2-x86_64-disk.img", "")})
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, res, "0.6.3", sum, cirrosURL+"0.6.3/"+name, "2024-09-26", cirrosURL+"0.6.3/SHA256SUMS")
	wantRequests(t, reqs, "GET /cirros/version/released", "GET /cirros/0.6.3/SHA256SUMS", "HEAD /cirros/0.6.3/"+name)

	// A release directory is never rebuilt: the version file is all an
	// unchanged image costs, whatever checksum the catalog holds for it.
	res, reqs, err = h.resolve(t, cirrosImage(), Known{Version: "0.6.3", Checksum: "sha256:" + layout.Digest("sha256", "github")})
	if err != nil || !res.Unchanged || res.Version != "0.6.3" {
		t.Fatalf("unchanged: %+v %v", res, err)
	}
	wantRequests(t, reqs, "GET /cirros/version/released")
}

func TestCirrosFailures(t *testing.T) {
	tests := []struct {
		name, path, body string
		want             []string
	}{
		{"version file is a page", "/cirros/version/released", "<html><body>moved</body></html>\n", []string{"version " + cirrosURL + "version/released", "is not a release number"}},
		{"version file climbs", "/cirros/version/released", "../../etc\n", []string{"is not a release number"}},
		{"image not in SHA256SUMS", "/cirros/0.6.3/SHA256SUMS", layout.Digest("sha256", "x") + "  cirros-0.6.3-x86_64-disk.img.tar\n",
			[]string{"release 0.6.3", "SHA256SUMS", "not listed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newMirroredHost(t, cirrosURL, "/cirros/")
			layout.Cirros(h.m, "/cirros/", cirrosReleasesB, "")
			h.m.File(tt.path, []byte(tt.body), time.Now())
			_, _, err := h.resolve(t, cirrosImage(), Known{})
			wantErr(t, err, tt.want...)
		})
	}
}
