package upstream

import (
	"context"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
)

const (
	alpineURL  = "https://dl-cdn.alpinelinux.org/alpine/v3.23/releases/cloud/"
	alpinePath = "/alpine/v3.23/releases/cloud/"
)

func alpineImage(arch string) source.Image {
	pinned := "nocloud_alpine-{version}-x86_64-bios-cloudinit-r{revision}.qcow2"
	if arch == "aarch64" {
		pinned = "nocloud_alpine-{version}-aarch64-uefi-cloudinit-r{revision}.qcow2"
	}
	return source.Image{
		Name: "Alpine 3.23", Type: "alpine", Arch: arch,
		Upstream: source.Upstream{URL: alpineURL, Algorithm: "sha512", Pinned: pinned, Signature: "off"},
	}
}

func day(d int) time.Time { return time.Date(2026, 5, d, 6, 12, 44, 0, time.UTC) }

func TestAlpine(t *testing.T) {
	h := newMirroredHost(t, "https://dl-cdn.alpinelinux.org/", "/")
	// nginx sorts 3.23.10 before 3.23.9; the newest is taken by version.
	layout.Alpine(h.m, "/alpine/", []string{"3.22", "3.23"}, []layout.AlpineRelease{
		{Version: "3.23.9", Built: day(1)},
		{Version: "3.23.10", Built: day(2), Published: day(4)},
	}, "")
	name := "nocloud_alpine-3.23.10-x86_64-bios-cloudinit-r0.qcow2"
	sum := "sha512:" + layout.AlpineDigest(name, "")

	res, reqs, err := h.resolve(t, alpineImage("x86_64"), Known{})
	if err != nil {
		t.Fatal(err)
	}
	// The date is the metadata's build time, not the later Last-Modified.
	wantResult(t, res, "3.23.10-r0", sum, alpineURL+name, "2026-05-02", alpineURL+name+".sha512")
	wantRequests(t, reqs,
		"GET "+alpinePath,
		"GET "+alpinePath+name+".sha512",
		"GET "+alpinePath+"nocloud_alpine-3.23.10-x86_64-bios-cloudinit-r0.yaml")

	res, reqs, err = h.resolve(t, alpineImage("x86_64"), Known{Version: "3.23.10-r0", Checksum: sum})
	if err != nil || !res.Unchanged {
		t.Fatalf("unchanged: %+v %v", res, err)
	}
	// Beyond the listing (shared by every image of the branch), one request.
	wantRequests(t, reqs, "GET "+alpinePath, "GET "+alpinePath+name+".sha512")
}

func TestAlpineRevisionAndArchitecture(t *testing.T) {
	h := newMirroredHost(t, "https://dl-cdn.alpinelinux.org/", "/")
	layout.AlpineCloud(h.m, alpinePath, []layout.AlpineRelease{
		{Version: "3.23.4", Revision: 0, Built: day(1)},
		{Version: "3.23.4", Revision: 1, Built: day(3)},
	}, "s")
	x86, _, err := h.resolve(t, alpineImage("x86_64"), Known{})
	if err != nil {
		t.Fatal(err)
	}
	arm, _, err := h.resolve(t, alpineImage("aarch64"), Known{})
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, x86, "3.23.4-r1", "sha512:"+layout.AlpineDigest("nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r1.qcow2", "s"),
		alpineURL+"nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r1.qcow2", "2026-05-03", alpineURL+"nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r1.qcow2.sha512")
	wantResult(t, arm, "3.23.4-r1", "sha512:"+layout.AlpineDigest("nocloud_alpine-3.23.4-aarch64-uefi-cloudinit-r1.qcow2", "s"),
		alpineURL+"nocloud_alpine-3.23.4-aarch64-uefi-cloudinit-r1.qcow2", "2026-05-03", alpineURL+"nocloud_alpine-3.23.4-aarch64-uefi-cloudinit-r1.qcow2.sha512")
}

func TestAlpineSharesTheListing(t *testing.T) {
	h := newMirroredHost(t, "https://dl-cdn.alpinelinux.org/", "/")
	layout.AlpineCloud(h.m, alpinePath, []layout.AlpineRelease{{Version: "3.23.4", Built: day(1)}}, "")
	known := map[string]Known{}
	imgs := []source.Image{alpineImage("x86_64"), alpineImage("aarch64")}
	imgs[1].Name = "Alpine 3.23 aarch64"
	for _, img := range imgs {
		name := "nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r0.qcow2"
		if img.Arch == "aarch64" {
			name = "nocloud_alpine-3.23.4-aarch64-uefi-cloudinit-r0.qcow2"
		}
		known[img.Name] = Known{Version: "3.23.4-r0", Checksum: "sha512:" + layout.AlpineDigest(name, "")}
	}
	out := Crawl(context.Background(), h.client, imgs, known, 2, nil)
	for _, o := range out {
		if o.Err != nil || !o.Result.Unchanged {
			t.Fatalf("%s: %+v %v", o.Image.Name, o.Result, o.Err)
		}
	}
	// Two images: the shared listing once, and one sidecar each.
	if n, l := h.m.Count(), h.m.CountPath("GET", alpinePath); n != 3 || l != 1 {
		t.Fatalf("%d requests, %d of the listing: %v", n, l, h.m.Requests())
	}
}

func TestAlpineDateWithoutMetadata(t *testing.T) {
	h := newMirroredHost(t, "https://dl-cdn.alpinelinux.org/", "/")
	layout.AlpineCloud(h.m, alpinePath, []layout.AlpineRelease{{Version: "3.23.4", Built: day(1), Published: day(2), NoMetadata: true}}, "")
	name := "nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r0.qcow2"
	res, reqs, err := h.resolve(t, alpineImage("x86_64"), Known{})
	if err != nil {
		t.Fatal(err)
	}
	if res.BuildDate != "2026-05-02" {
		t.Fatalf("date %s, want the Last-Modified 2026-05-02", res.BuildDate)
	}
	wantRequests(t, reqs, "GET "+alpinePath, "GET "+alpinePath+name+".sha512", "HEAD "+alpinePath+name)
}

func TestAlpineFailures(t *testing.T) {
	name := "nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r0.qcow2"
	tests := []struct {
		name, path, body string
		want             []string
	}{
		{"digest of the wrong length", alpinePath + name + ".sha512", layout.Digest("sha256", "x") + "\n",
			[]string{"build 3.23.4-r0", "sha512 digest of", "not listed", "it has sha256 only"}},
		{"metadata with a bad time", alpinePath + "nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r0.yaml", "built: yesterday\n",
			[]string{"metadata", "built \"yesterday\" is not a timestamp"}},
		{"metadata that is no YAML mapping", alpinePath + "nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r0.yaml", "- a\n- b\n",
			[]string{"metadata", "not a YAML mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newMirroredHost(t, "https://dl-cdn.alpinelinux.org/", "/")
			layout.AlpineCloud(h.m, alpinePath, []layout.AlpineRelease{{Version: "3.23.4", Built: day(1)}}, "")
			h.m.File(tt.path, []byte(tt.body), day(9))
			_, _, err := h.resolve(t, alpineImage("x86_64"), Known{})
			wantErr(t, err, tt.want...)
		})
	}
	t.Run("no image of the shape", func(t *testing.T) {
		h := newMirroredHost(t, "https://dl-cdn.alpinelinux.org/", "/")
		h.m.File(alpinePath+"generic_alpine-3.23.4-x86_64-bios-cloudinit-r0.qcow2", []byte("x"), day(1))
		_, _, err := h.resolve(t, alpineImage("x86_64"), Known{})
		wantErr(t, err, "list builds", "no file named like nocloud_alpine-{version}")
	})
}

func TestAlpineBuilt(t *testing.T) {
	tests := []struct {
		body, date string
		ok         bool
		wantErr    string
	}{
		{body: "---\nname: x\nbuilt: '2026-05-02T06:12:44.123456'\n", date: "2026-05-02", ok: true},
		{body: "built: 2026-05-02T06:12:44Z\n", date: "2026-05-02", ok: true},
		{body: "built: 2026-05-02 06:12:44\n", date: "2026-05-02", ok: true},
		{body: "built: 2026-05-02\n", date: "2026-05-02", ok: true},
		{body: "uploaded: '2026-05-02T06:12:44'\n"},
		{body: ""},
		{body: "built: 2026-05-32\n", wantErr: "built"},
		{body: "built: 20260502\n", wantErr: "not a timestamp"},
		{body: "[1, 2]\n", wantErr: "not a YAML mapping"},
	}
	for _, tt := range tests {
		date, ok, err := alpineBuilt([]byte(tt.body))
		if tt.wantErr != "" {
			wantErr(t, err, tt.wantErr)
			continue
		}
		if err != nil || ok != tt.ok || date != tt.date {
			t.Errorf("%q: %q %v %v, want %q %v", tt.body, date, ok, err, tt.date, tt.ok)
		}
	}
}

func FuzzAlpineBuilt(f *testing.F) {
	f.Add([]byte("built: '2026-05-02T06:12:44.123456'\n"))
	f.Add([]byte("---\nbuilt: 2026-05-02\nuploaded: x\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		date, ok, err := alpineBuilt(body)
		if err != nil || !ok {
			return
		}
		if _, perr := time.Parse(time.DateOnly, date); perr != nil {
			t.Fatalf("accepted date %q", date)
		}
	})
}
