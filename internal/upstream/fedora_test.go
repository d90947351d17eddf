package upstream

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

const fedoraHost = "https://dl.fedoraproject.org/"

var (
	f40 = layout.FedoraCompose{ID: "40-1.14", Modified: time.Date(2024, 4, 14, 22, 35, 0, 0, time.UTC)}
	f41 = layout.FedoraCompose{ID: "41-1.4", Modified: time.Date(2024, 10, 24, 13, 32, 0, 0, time.UTC)}
	f43 = layout.FedoraCompose{ID: "43-1.6", Modified: time.Date(2025, 10, 23, 23, 50, 0, 0, time.UTC)}
	f44 = layout.FedoraCompose{ID: "44-1.7", Modified: time.Date(2026, 4, 21, 8, 1, 0, 0, time.UTC)}
)

const fedoraReleases = "/fedora/pub/fedora/linux/releases/"

func newFedoraHost(t *testing.T, composes ...layout.FedoraCompose) *mirroredHost {
	t.Helper()
	h := newMirroredHost(t, fedoraHost, "/fedora/")
	layout.Fedora(h.m, fedoraReleases, "", composes...)
	return h
}

// fedoraImage is a shipped Fedora source made concrete for one release.
func fedoraImage(t *testing.T, release, arch string) source.Image {
	t.Helper()
	name := "Fedora {release}"
	if arch == "aarch64" {
		name += " aarch64"
	}
	return shipped(t, name).ForRelease(release)
}

// Both architectures of the two newest releases, one of them named the way
// Fedora did up to release 40.
func TestFedoraShipped(t *testing.T) {
	h := newFedoraHost(t, f40, f41, f43, f44)
	for _, c := range []layout.FedoraCompose{f40, f41, f43, f44} {
		for _, arch := range []string{"x86_64", "aarch64"} {
			t.Run(c.ID+" "+arch, func(t *testing.T) {
				img := fedoraImage(t, c.Release(), arch)
				dir := "pub/fedora/linux/releases/" + c.Release() + "/Cloud/" + arch + "/images/"
				sums := "Fedora-Cloud-" + c.ID + "-" + arch + "-CHECKSUM"
				file := layout.FedoraImage(c.ID, arch)
				res, reqs, err := h.resolve(t, img, Known{})
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, res, Result{
					Version:     c.ID,
					Checksum:    "sha256:" + layout.FedoraDigest(c.ID, arch, ""),
					URL:         fedoraHost + dir + file,
					BuildDate:   c.Modified.Format(time.DateOnly),
					ChecksumURL: fedoraHost + dir + sums,
				})
				checkRequests(t, reqs, "GET /fedora/"+dir, "GET /fedora/"+dir+sums, "HEAD /fedora/"+dir+file)

				// Unchanged: the checksum file of the compose the catalog holds.
				res, reqs, err = h.resolve(t, img, Known{Version: c.ID, Checksum: res.Checksum})
				if err != nil || !res.Unchanged || res.Version != c.ID {
					t.Fatalf("unchanged: %+v %v", res, err)
				}
				checkRequests(t, reqs, "GET /fedora/"+dir+sums)
			})
		}
	}
}

func TestFedoraChanged(t *testing.T) {
	dir := fedoraReleases + "44/Cloud/x86_64/images/"
	img := fedoraImage(t, "44", "x86_64")
	t.Run("another compose replaced the catalog's", func(t *testing.T) {
		h := newFedoraHost(t, f44)
		res, reqs, err := h.resolve(t, img, Known{Version: "44-1.5", Checksum: "sha256:" + layout.FedoraDigest("44-1.5", "x86_64", "")})
		if err != nil || res.Version != "44-1.7" || res.BuildDate != "2026-04-21" {
			t.Fatalf("%+v %v", res, err)
		}
		checkRequests(t, reqs,
			"GET "+dir+"Fedora-Cloud-44-1.5-x86_64-CHECKSUM", // 404
			"GET "+dir,
			"GET "+dir+"Fedora-Cloud-44-1.7-x86_64-CHECKSUM",
			"HEAD "+dir+"Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2")
	})
	t.Run("the same compose with a new digest", func(t *testing.T) {
		h := newFedoraHost(t, f44)
		layout.Fedora(h.m, fedoraReleases, "respin", f44)
		res, reqs, err := h.resolve(t, img, Known{Version: "44-1.7", Checksum: "sha256:" + layout.FedoraDigest("44-1.7", "x86_64", "")})
		if err != nil || res.Unchanged || res.Version != "44-1.7" || res.Checksum != "sha256:"+layout.FedoraDigest("44-1.7", "x86_64", "respin") {
			t.Fatalf("%+v %v", res, err)
		}
		// The checksum file is read once: the listing path reuses it.
		checkRequests(t, reqs,
			"GET "+dir+"Fedora-Cloud-44-1.7-x86_64-CHECKSUM",
			"GET "+dir,
			"HEAD "+dir+"Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2")
	})
	t.Run("a catalog version that is no compose id goes to the listing", func(t *testing.T) {
		h := newFedoraHost(t, f44)
		res, reqs, err := h.resolve(t, img, Known{Version: "20230402", Checksum: "sha256:" + strings.Repeat("b", 64)})
		if err != nil || res.Version != "44-1.7" || len(reqs) != 3 {
			t.Fatalf("%+v %v %v", res, err, reqs)
		}
	})
}

func TestFedoraErrors(t *testing.T) {
	dir := fedoraReleases + "44/Cloud/x86_64/images/"
	tests := []struct {
		name  string
		setup func(m *mirror.Server)
		known Known
		want  string
	}{
		{"release not published yet", func(m *mirror.Server) { m.Remove(fedoraReleases + "44/") }, Known{}, "404"},
		{"no checksum file", func(m *mirror.Server) { m.Remove(dir + "Fedora-Cloud-44-1.7-x86_64-CHECKSUM") }, Known{}, "lists no Fedora-Cloud-{version}-x86_64-CHECKSUM"},
		{"image not in the checksum file", func(m *mirror.Server) {
			m.File(dir+"Fedora-Cloud-44-1.7-x86_64-CHECKSUM", []byte("SHA256 (Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2.sig) = "+strings.Repeat("a", 64)+"\n"), f44.Modified)
		}, Known{}, `"Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2": not listed`},
		{"image not in the directory", func(m *mirror.Server) { m.Remove(dir + "Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2") }, Known{}, "which https://dl.fedoraproject.org/pub/fedora/linux/releases/44/Cloud/x86_64/images/ does not list: not guessing"},
		{"checksum file of the known compose broken", func(m *mirror.Server) {
			m.Fault(dir+"Fedora-Cloud-44-1.7-x86_64-CHECKSUM", mirror.Fault{Status: 403})
		}, Known{Version: "44-1.7", Checksum: "sha256:" + strings.Repeat("a", 64)}, "checksums of 44-1.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newFedoraHost(t, f44)
			tt.setup(h.m)
			_, _, err := h.resolve(t, fedoraImage(t, "44", "x86_64"), tt.known)
			checkErr(t, err, tt.want)
		})
	}
}

// A pinned file without Last-Modified has no build date: an error, never a
// guess.
func TestFedoraNoLastModified(t *testing.T) {
	h := newFedoraHost(t, f44)
	dir := fedoraReleases + "44/Cloud/x86_64/images/"
	h.m.BigFile(dir+"Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2", layout.ImageSize, time.Time{})
	_, _, err := h.resolve(t, fedoraImage(t, "44", "x86_64"), Known{})
	checkErr(t, err, "sent no Last-Modified")
}

func TestArchFirst(t *testing.T) {
	tests := []struct{ pinned, arch, want string }{
		{"Fedora-Cloud-Base-Generic-{version}.x86_64.qcow2", "x86_64", "Fedora-Cloud-Base-Generic.x86_64-{version}.qcow2"},
		{"Fedora-Cloud-Base-Generic-{version}.aarch64.qcow2", "aarch64", "Fedora-Cloud-Base-Generic.aarch64-{version}.qcow2"},
		{"Fedora-Cloud-Base-Generic-{version}.aarch64.qcow2", "x86_64", ""},
		{"Fedora-Cloud-Base-Generic.{version}.x86_64.qcow2", "x86_64", ""},
	}
	for _, tt := range tests {
		got, ok := archFirst(tt.pinned, tt.arch)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("archFirst(%s, %s) = %q %v, want %q", tt.pinned, tt.arch, got, ok, tt.want)
		}
	}
}

// The per-release sources become one image per current release; both
// architectures share one listing of releases/.
func TestExpandReleases(t *testing.T) {
	h := newFedoraHost(t, f40, f41, f43, f44)
	h.m.Dir(fedoraReleases+"45_Beta/", f44.Modified) // not a release number
	h.m.File(fedoraReleases+"46", []byte("a file"), f44.Modified)
	f, err := source.Default()
	if err != nil {
		t.Fatal(err)
	}
	debian, _ := f.Concrete("Debian 12")
	imgs := []source.Image{debian}
	for _, img := range f.Images {
		if img.Type == "fedora" {
			imgs = append(imgs, img)
		}
	}
	tests := []struct {
		only      []string
		want      []string // names, in order
		wantFails []string
	}{
		{nil, []string{"Debian 12", "Fedora 43", "Fedora 44", "Fedora 43 aarch64", "Fedora 44 aarch64"}, nil},
		{[]string{"Fedora 44", "Fedora 43 aarch64"}, []string{"Debian 12", "Fedora 44", "Fedora 43 aarch64"}, nil},
		{[]string{"Fedora 41"}, []string{"Debian 12"}, []string{"Fedora 41: release 41 is not one of the 2 newest that https://dl.fedoraproject.org/pub/fedora/linux/releases/ lists (43, 44)"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.only), func(t *testing.T) {
			h.m.ResetCounts()
			out, failed := ExpandReleases(context.Background(), testClient(h.opts), imgs, tt.only)
			var names, fails []string
			for _, img := range out {
				names = append(names, img.Name)
			}
			for _, o := range failed {
				fails = append(fails, o.Image.Name+": "+o.Err.Error())
			}
			if strings.Join(names, ", ") != strings.Join(tt.want, ", ") || strings.Join(fails, "; ") != strings.Join(tt.wantFails, "; ") {
				t.Fatalf("got %q, failures %q\nwant %q, failures %q", names, fails, tt.want, tt.wantFails)
			}
			checkRequests(t, reqStrings(h.m), "GET "+fedoraReleases)
		})
	}

	out, _ := ExpandReleases(context.Background(), testClient(h.opts), imgs, []string{"Fedora 44 aarch64"})
	img := out[1]
	arch, _ := img.Meta.Properties.Get("architecture")
	osv, _ := img.Meta.Properties.Get("os_version")
	if img.Shortname != "fedora-44-aarch64" || osv != "44" || arch != "aarch64" || img.PerRelease() ||
		img.Upstream.URL != fedoraHost+"pub/fedora/linux/releases/44/Cloud/aarch64/images/" {
		t.Fatalf("Fedora 44 aarch64: %+v", img)
	}
}

func TestExpandReleasesFailure(t *testing.T) {
	h := newFedoraHost(t, f44)
	h.m.Fault(fedoraReleases, mirror.Fault{Status: 503})
	imgs := []source.Image{shipped(t, "Debian 12"), shipped(t, "Fedora {release}")}
	out, failed := ExpandReleases(context.Background(), h.client, imgs, nil)
	if len(out) != 1 || out[0].Name != "Debian 12" || len(failed) != 1 || failed[0].Image.Name != "Fedora {release}" {
		t.Fatalf("out %v, failed %+v", out, failed)
	}
	checkErr(t, failed[0].Err, "list releases", "503")

	h.m.Fault(fedoraReleases, mirror.Fault{})
	h.m.Remove(fedoraReleases)
	h.m.Dir(fedoraReleases+"test/", f44.Modified)
	_, failed = ExpandReleases(context.Background(), testClient(h.opts), imgs, nil)
	if len(failed) != 1 {
		t.Fatalf("failed %+v", failed)
	}
	checkErr(t, failed[0].Err, "lists no release directories")
}

// Releases with dots are ordered as versions, and a literal prefix in the
// release's path segment (Alpine's v3.23/) is part of the match.
func TestExpandReleasesDotted(t *testing.T) {
	h := newMirroredHost(t, "https://dl-cdn.alpinelinux.org/", "/")
	h.m.Format("/", mirror.Nginx)
	for _, d := range []string{"v3.9", "v3.10", "v3.23", "v3.22", "edge", "latest-stable", "3.99"} {
		h.m.Dir("/alpine/"+d+"/releases/cloud/", modTime)
	}
	img := source.Image{
		Name: "Alpine {release}", Shortname: "alpine-{release}", Type: "alpine", Arch: "x86_64",
		Upstream: source.Upstream{URL: "https://dl-cdn.alpinelinux.org/alpine/v{release}/releases/cloud/", Releases: 3},
	}
	out, failed := ExpandReleases(context.Background(), h.client, []source.Image{img}, nil)
	var got []string
	for _, o := range out {
		got = append(got, o.Name+" "+o.Upstream.URL)
	}
	want := []string{
		"Alpine 3.10 https://dl-cdn.alpinelinux.org/alpine/v3.10/releases/cloud/",
		"Alpine 3.22 https://dl-cdn.alpinelinux.org/alpine/v3.22/releases/cloud/",
		"Alpine 3.23 https://dl-cdn.alpinelinux.org/alpine/v3.23/releases/cloud/",
	}
	if len(failed) != 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s\nfailed %+v", strings.Join(got, "\n"), strings.Join(want, "\n"), failed)
	}
}

func reqStrings(m *mirror.Server) []string {
	var out []string
	for _, r := range m.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// Fedora's checksum file is clear-signed: only the confirming read is
// verified, and only the signed text is trusted.
func TestFedoraSignature(t *testing.T) {
	h := newFedoraHost(t, f44)
	img := signedBy(fedoraImage(t, "44", "aarch64"))
	res, reqs, err := h.resolve(t, img, Known{})
	if err != nil || !res.Verified || res.Version != "44-1.7" {
		t.Fatalf("%+v %v", res, err)
	}
	if len(reqs) != 3 {
		t.Fatalf("requests %v", reqs)
	}
	res, reqs, err = h.resolve(t, img, Known{Version: "44-1.7", Checksum: res.Checksum})
	if err != nil || !res.Unchanged || len(reqs) != 1 {
		t.Fatalf("unchanged: %+v %v %v", res, err, reqs)
	}

	// Text outside the signed part does not count: a line appended after
	// the signature cannot change the digest.
	dir := fedoraReleases + "44/Cloud/aarch64/images/"
	name := "Fedora-Cloud-44-1.7-aarch64-CHECKSUM"
	body := string(fetchBody(t, h.m.URL+dir+name))
	image := layout.FedoraImage("44-1.7", "aarch64")
	forged := strings.Replace(body, "-----BEGIN PGP SIGNED MESSAGE-----", "SHA256 ("+image+") = "+strings.Repeat("f", 64)+"\n-----BEGIN PGP SIGNED MESSAGE-----", 1)
	h.m.File(dir+name, []byte(forged), f44.Modified)
	res, _, err = h.resolve(t, img, Known{})
	if err == nil && res.Checksum == "sha256:"+strings.Repeat("f", 64) {
		t.Fatalf("an unsigned line was taken: %+v", res)
	}
}
