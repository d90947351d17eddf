package upstream

import (
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
)

const (
	archURL  = "https://geo.mirror.pkgbuild.com/images/"
	archPath = "/arch/images/"
)

func archImage() source.Image {
	return source.Image{
		Name: "Arch Linux", Type: "arch", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: archURL, Latest: "latest/", Checksums: "Arch-Linux-x86_64-cloudimg.qcow2.SHA256", Algorithm: "sha256",
			Filename: "Arch-Linux-x86_64-cloudimg.qcow2", Pinned: "Arch-Linux-x86_64-cloudimg-{version}.qcow2", Signature: "off",
		},
	}
}

func TestArch(t *testing.T) {
	h := newMirroredHost(t, "https://geo.mirror.pkgbuild.com/", "/arch/")
	layout.Arch(h.m, archPath, []string{"20260615.551234", "20260701.555000", "20260715.556894"}, "")
	name := "Arch-Linux-x86_64-cloudimg-20260715.556894.qcow2"
	sum := "sha256:" + layout.ArchDigest(name, "")

	res, reqs, err := h.resolve(t, archImage(), Known{Version: "20260701.555000", Checksum: "sha256:" + layout.ArchDigest("Arch-Linux-x86_64-cloudimg-20260701.555000.qcow2", "")})
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, res, "20260715.556894", sum, archURL+"v20260715.556894/"+name, "2026-07-15", archURL+"v20260715.556894/"+name+".SHA256")
	// The version is in the name: no listing, and no HEAD for a date.
	wantRequests(t, reqs,
		"GET "+archPath+"latest/Arch-Linux-x86_64-cloudimg.qcow2.SHA256",
		"GET "+archPath+"v20260715.556894/"+name+".SHA256")

	res, reqs, err = h.resolve(t, archImage(), Known{Version: "20260715.556894", Checksum: sum})
	if err != nil || !res.Unchanged {
		t.Fatalf("unchanged: %+v %v", res, err)
	}
	wantRequests(t, reqs, "GET "+archPath+"latest/Arch-Linux-x86_64-cloudimg.qcow2.SHA256")
}

func TestArchAliasSidecarNamingTheAlias(t *testing.T) {
	// A sidecar written for the alias itself names no build: the build
	// directories are listed (FancyIndex, unsorted) and the newest whose
	// own sidecar has the alias's digest is taken. Here the newest
	// directory was published before latest/ moved to it.
	h := newMirroredHost(t, "https://geo.mirror.pkgbuild.com/", "/arch/")
	layout.Arch(h.m, archPath, []string{"20260615.551234", "20260701.555000", "20260715.556894"}, "")
	// latest/ still holds 20260701.555000, its sidecar written for the
	// plain name.
	latest := "Arch-Linux-x86_64-cloudimg-20260701.555000.qcow2"
	digest := layout.ArchDigest(latest, "")
	h.m.File(archPath+"latest/Arch-Linux-x86_64-cloudimg.qcow2.SHA256", []byte(digest+"  Arch-Linux-x86_64-cloudimg.qcow2\n"), time.Now())

	res, reqs, err := h.resolve(t, archImage(), Known{})
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, res, "20260701.555000", "sha256:"+digest, archURL+"v20260701.555000/"+latest, "2026-07-01", archURL+"v20260701.555000/"+latest+".SHA256")
	wantRequests(t, reqs,
		"GET "+archPath+"latest/Arch-Linux-x86_64-cloudimg.qcow2.SHA256",
		"GET "+archPath,
		"GET "+archPath+"v20260715.556894/Arch-Linux-x86_64-cloudimg-20260715.556894.qcow2.SHA256",
		"GET "+archPath+"v20260701.555000/"+latest+".SHA256")
}

func TestArchFailures(t *testing.T) {
	t.Run("digest in no build", func(t *testing.T) {
		h := newMirroredHost(t, "https://geo.mirror.pkgbuild.com/", "/arch/")
		layout.Arch(h.m, archPath, []string{"20260701.555000", "20260715.556894"}, "")
		h.m.File(archPath+"latest/Arch-Linux-x86_64-cloudimg.qcow2.SHA256",
			[]byte(layout.Digest("sha256", "nobody")+"  Arch-Linux-x86_64-cloudimg.qcow2\n"), time.Now())
		_, _, err := h.resolve(t, archImage(), Known{})
		wantErr(t, err, "is in none of the builds", "20260715.556894", "20260701.555000", "not guessing")
	})
	t.Run("no build directories", func(t *testing.T) {
		h := newMirroredHost(t, "https://geo.mirror.pkgbuild.com/", "/arch/")
		h.m.File(archPath+"latest/Arch-Linux-x86_64-cloudimg.qcow2.SHA256",
			[]byte(layout.Digest("sha256", "x")+"  Arch-Linux-x86_64-cloudimg.qcow2\n"), time.Now())
		_, _, err := h.resolve(t, archImage(), Known{})
		wantErr(t, err, "list builds", "no build directories")
	})
	t.Run("pinned build gone", func(t *testing.T) {
		h := newMirroredHost(t, "https://geo.mirror.pkgbuild.com/", "/arch/")
		layout.Arch(h.m, archPath, []string{"20260715.556894"}, "")
		h.m.Remove(archPath + "v20260715.556894/")
		_, _, err := h.resolve(t, archImage(), Known{})
		wantErr(t, err, "build 20260715.556894", "404")
	})
	t.Run("a version that is no date", func(t *testing.T) {
		h := newMirroredHost(t, "https://geo.mirror.pkgbuild.com/", "/arch/")
		layout.Arch(h.m, archPath, []string{"20261399.1"}, "")
		_, _, err := h.resolve(t, archImage(), Known{})
		wantErr(t, err, "20261399.1", "holds no date")
	})
}

func TestArchSubstringNames(t *testing.T) {
	// The basic image's names contain "Arch-Linux-x86_64-" too, and sort
	// next to the cloud image; only whole names of the pinned shape count.
	h := newMirroredHost(t, "https://geo.mirror.pkgbuild.com/", "/arch/")
	layout.Arch(h.m, archPath, []string{"20260715.556894"}, "")
	img := archImage()
	img.Upstream.Filename = "Arch-Linux-x86_64-basic.qcow2"
	img.Upstream.Checksums = "Arch-Linux-x86_64-basic.qcow2.SHA256"
	img.Upstream.Pinned = "Arch-Linux-x86_64-basic-{version}.qcow2"
	res, _, err := h.resolve(t, img, Known{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "sha256:" + layout.ArchDigest("Arch-Linux-x86_64-basic-20260715.556894.qcow2", ""); res.Checksum != want || !strings.Contains(res.URL, "-basic-") {
		t.Fatalf("%+v, want %s", res, want)
	}
}
