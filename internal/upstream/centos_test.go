package upstream

import (
	"testing"

	"github.com/osism/image-crawler/internal/testenv/layout"
)

const centosHost = "https://cloud.centos.org/"

// The real CHECKSUM of CentOS Stream 9: every build since 2025-08 of six
// image kinds, GenericCloud-x86_64 builds that GenericCloud lacks, and a
// same-day respin. The alias names 20260714.1.
func TestCentOSStreamRealChecksum(t *testing.T) {
	h := newMirroredHost(t, centosHost, "/centos/")
	layout.CentOSStream9Capture(h.m, "/centos/centos/")
	img := shipped(t, "CentOS Stream 9")
	res, reqs, err := h.resolve(t, img, Known{Version: "20260120", Checksum: "sha256:4754fa55d85b3a487651f18940b389cef055d1436432dd01b1d059d0b879f141"})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, Result{
		Version:     layout.CentOSStream9CaptureBuild,
		Checksum:    "sha256:" + layout.CentOSStream9CaptureDigest,
		URL:         centosHost + "centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-20260714.1.x86_64.qcow2",
		BuildDate:   "2026-07-14",
		ChecksumURL: centosHost + "centos/9-stream/x86_64/images/CHECKSUM",
	})
	checkRequests(t, reqs, "GET /centos/centos/9-stream/x86_64/images/CHECKSUM")
}

// Every shipped CentOS Stream image, amd64 and arm64; the builds are
// published out of order and the newest is a same-day respin (.2 after .0).
func TestCentOSStreamShipped(t *testing.T) {
	h := newMirroredHost(t, centosHost, "/centos/")
	builds := map[string][]string{
		"9":  {"20260630.2", "20260615.0", "20260630.0", "20260720.0", "20260720.2"},
		"10": {"20260601.0", "20260720.0"},
	}
	for _, major := range []string{"9", "10"} {
		for _, arch := range []string{"x86_64", "aarch64"} {
			layout.CentOSStream(h.m, "/centos/centos/", major, arch, builds[major], "")
		}
	}
	for _, major := range []string{"9", "10"} {
		for _, arch := range []string{"x86_64", "aarch64"} {
			name := "CentOS Stream " + major
			if arch == "aarch64" {
				name += " aarch64"
			}
			t.Run(name, func(t *testing.T) {
				b := builds[major][len(builds[major])-1]
				dir := "centos/" + major + "-stream/" + arch + "/images/"
				res, reqs, err := h.resolve(t, shipped(t, name), Known{})
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, res, Result{
					Version:     b,
					Checksum:    "sha256:" + layout.CentOSStreamDigest(major, arch, b, ""),
					URL:         centosHost + dir + "CentOS-Stream-GenericCloud-" + major + "-" + b + "." + arch + ".qcow2",
					BuildDate:   "2026-07-20",
					ChecksumURL: centosHost + dir + "CHECKSUM",
				})
				checkRequests(t, reqs, "GET /centos/"+dir+"CHECKSUM")
			})
		}
	}
}

// A respin replaces the digest of a published build name: the version stays
// and the new digest comes back, for the plan to flag.
func TestCentOSStreamRespin(t *testing.T) {
	h := newMirroredHost(t, centosHost, "/centos/")
	builds := []string{"20260615.0", "20260720.0"}
	layout.CentOSStream(h.m, "/centos/centos/", "10", "x86_64", builds, "")
	img := shipped(t, "CentOS Stream 10")
	first, _, err := h.resolve(t, img, Known{})
	if err != nil {
		t.Fatal(err)
	}
	layout.CentOSStream(h.m, "/centos/centos/", "10", "x86_64", builds, "respin")
	res, _, err := h.resolve(t, img, Known{Version: first.Version, Checksum: first.Checksum})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || res.Version != "20260720.0" || res.Checksum != "sha256:"+layout.CentOSStreamDigest("10", "x86_64", "20260720.0", "respin") || res.Checksum == first.Checksum {
		t.Fatalf("respin: %+v (first %+v)", res, first)
	}
}

func TestDateInVersion(t *testing.T) {
	tests := map[string]string{
		"9.8-20260526":    "2026-05-26",
		"10.2-20260526.0": "2026-05-26",
		"20260714.1":      "2026-07-14",
		"9.6-20250531.0":  "2025-05-31",
		"44-1.7":          "",
		"9.6-20251331.0":  "", // not a date
		"202605261":       "", // nine digits are no date
		"":                "",
	}
	for v, want := range tests {
		got, err := dateInVersion(v)
		if want == "" {
			if err == nil {
				t.Errorf("dateInVersion(%q) = %s, want an error", v, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("dateInVersion(%q) = %s, %v; want %s", v, got, err, want)
		}
	}
}
