package upstream

import (
	"os"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

const rockyHost = "https://dl.rockylinux.org/"

// Every shipped Rocky image, amd64 and arm64, on a mirror laid out like
// dl.rockylinux.org: the major directory stands for the current minor one,
// which keeps an earlier build of the same minor; older minors have their
// own directories; LVM and EC2 siblings share the name's prefix.
func TestRockyShipped(t *testing.T) {
	h := newMirroredHost(t, rockyHost, "/rocky/")
	builds := map[string][]string{
		"8":  {"8.9-20231119.0", "8.10-20240528.0"},
		"9":  {"9.5-20241118.0", "9.6-20250531.0", "9.6-20250603.1"},
		"10": {"10.0-20250609.1"},
	}
	dates := map[string]string{"8": "2024-05-28", "9": "2025-06-03", "10": "2025-06-09"}
	minors := map[string]string{"8": "8.10", "9": "9.6", "10": "10.0"}
	for _, major := range []string{"8", "9", "10"} {
		for _, arch := range []string{"x86_64", "aarch64"} {
			layout.Rocky(h.m, "/rocky/pub/rocky/", major, arch, builds[major], "")
		}
	}
	for _, major := range []string{"8", "9", "10"} {
		for _, arch := range []string{"x86_64", "aarch64"} {
			name := "Rocky " + major
			if arch == "aarch64" {
				name += " aarch64"
			}
			t.Run(name, func(t *testing.T) {
				b := builds[major][len(builds[major])-1]
				res, reqs, err := h.resolve(t, shipped(t, name), Known{})
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, res, Result{
					Version:     b,
					Checksum:    "sha256:" + layout.RockyDigest(major, arch, b, ""),
					URL:         rockyHost + "pub/rocky/" + minors[major] + "/images/" + arch + "/Rocky-" + major + "-GenericCloud-Base-" + b + "." + arch + ".qcow2",
					BuildDate:   dates[major],
					ChecksumURL: rockyHost + "pub/rocky/" + major + "/images/" + arch + "/CHECKSUM",
				})
				checkRequests(t, reqs, "GET /rocky/pub/rocky/"+major+"/images/"+arch+"/CHECKSUM")

				res, reqs, err = h.resolve(t, shipped(t, name), Known{Version: b, Checksum: res.Checksum})
				if err != nil || !res.Unchanged {
					t.Fatalf("unchanged: %+v %v", res, err)
				}
				checkRequests(t, reqs, "GET /rocky/pub/rocky/"+major+"/images/"+arch+"/CHECKSUM")
			})
		}
	}
}

// The real per-image CHECKSUM of Rocky 9 names only the alias: it cannot
// tell the build, and the crawl says so rather than pin the alias.
func TestRockyPerImageChecksumIsNotEnough(t *testing.T) {
	h := newMirroredHost(t, rockyHost, "/")
	body, err := os.ReadFile("../checksum/testdata/checksums/rocky9-CHECKSUM")
	if err != nil {
		t.Fatal(err)
	}
	h.m.Format("/", mirror.FancyIndex)
	h.m.File("/pub/rocky/9/images/x86_64/CHECKSUM", body, modTime)
	img := shipped(t, "Rocky 9")
	img.Upstream.Filename = "Rocky-9-GenericCloud.latest.x86_64.qcow2"
	_, _, err = h.resolve(t, img, Known{})
	checkErr(t, err, "CHECKSUM lists no Rocky-9-GenericCloud-Base-{version}.x86_64.qcow2 with the digest sha256:92c206cc6f79… of Rocky-9-GenericCloud.latest.x86_64.qcow2 (builds listed: none): not guessing")
	// Its digest is still what decides "unchanged", with one request.
	res, reqs, err := h.resolve(t, img, Known{Version: "9.6-20250531.0", Checksum: "sha256:92c206cc6f790c61583247eefe87890f8828420662c17cacf247cec78ab4eec8"})
	if err != nil || !res.Unchanged {
		t.Fatalf("unchanged: %+v %v", res, err)
	}
	checkRequests(t, reqs, "GET /pub/rocky/9/images/x86_64/CHECKSUM")
}

func TestMinorVersionDir(t *testing.T) {
	tests := []struct {
		dir, version, want, wantErr string
	}{
		{"https://dl.rockylinux.org/pub/rocky/9/images/x86_64/", "9.6-20250531.0", "https://dl.rockylinux.org/pub/rocky/9.6/images/x86_64/", ""},
		{"https://dl.rockylinux.org/pub/rocky/10/images/aarch64/", "10.0-20250609.1", "https://dl.rockylinux.org/pub/rocky/10.0/images/aarch64/", ""},
		{"https://dl.rockylinux.org/pub/rocky/8/images/x86_64/", "8.10-20240528.0", "https://dl.rockylinux.org/pub/rocky/8.10/images/x86_64/", ""},
		{"https://example.org/9/rocky/9/images/", "9.6-20250531.0", "", "names the major version 9 twice"},
		{"https://dl.rockylinux.org/pub/rocky/images/x86_64/", "9.6-20250531.0", "", "has no path segment 9"},
		{"https://dl.rockylinux.org/pub/rocky/9/images/x86_64/", "20250531.0", "", "does not start with major.minor-"},
		// The 9 of "9-stream" or "x86_64" is not the major directory.
		{"https://dl.rockylinux.org/pub/rocky-9/9/x86_64/", "9.6-20250531.0", "https://dl.rockylinux.org/pub/rocky-9/9.6/x86_64/", ""},
	}
	for _, tt := range tests {
		got, err := minorVersionDir(tt.dir, tt.version)
		if tt.wantErr != "" {
			checkErr(t, err, tt.wantErr)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("minorVersionDir(%s, %s) = %s, %v; want %s", tt.dir, tt.version, got, err, tt.want)
		}
	}
}
