package upstream

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/recorder"
)

const (
	leapDir    = "https://download.opensuse.org/distribution/leap/15.6/appliances/"
	leapAlias  = "openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2"
	leapPinned = "openSUSE-Leap-15.6-Minimal-VM.x86_64-15.6.0-Cloud-Build{version}.qcow2"
	leapPath   = "/opensuse/distribution/leap/15.6/appliances/"
)

func leapImage() source.Image {
	return source.Image{
		Name: "openSUSE Leap 15.6", Type: "opensuse", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: leapDir, Checksums: leapAlias + ".sha256", Algorithm: "sha256",
			Filename: leapAlias, Pinned: leapPinned, Signature: "off",
		},
	}
}

func leapBuilds(vs ...string) []layout.OpenSUSEBuild {
	var out []layout.OpenSUSEBuild
	for i, v := range vs {
		out = append(out, layout.OpenSUSEBuild{Version: v, Date: time.Date(2026, 6, 3+i, 9, 30, 0, 0, time.UTC)})
	}
	return out
}

func TestOpenSUSE(t *testing.T) {
	for _, sep := range []string{"  ", " "} {
		t.Run(fmt.Sprintf("%d spaces", len(sep)), func(t *testing.T) {
			h := newMirroredHost(t, "https://download.opensuse.org/", "/opensuse/")
			layout.OpenSUSE(h.m, leapPath, leapAlias, leapPinned, leapBuilds("19.140", "19.146"), sep, "")
			pinned := "openSUSE-Leap-15.6-Minimal-VM.x86_64-15.6.0-Cloud-Build19.146.qcow2"
			sum := "sha256:" + layout.OpenSUSEDigest(pinned, "")

			res, reqs, err := h.resolve(t, leapImage(), Known{Version: "19.140", Checksum: "sha256:" + layout.OpenSUSEDigest(strings.Replace(pinned, "19.146", "19.140", 1), "")})
			if err != nil {
				t.Fatal(err)
			}
			wantResult(t, res, "19.146", sum, leapDir+pinned, "2026-06-04", leapDir+pinned+".sha256")
			// The alias's sidecar names the build: no listing is needed.
			wantRequests(t, reqs,
				"GET "+leapPath+leapAlias+".sha256",
				"GET "+leapPath+pinned+".sha256",
				"HEAD "+leapPath+pinned)

			res, reqs, err = h.resolve(t, leapImage(), Known{Version: "19.146", Checksum: sum})
			if err != nil || !res.Unchanged || res.Version != "19.146" {
				t.Fatalf("unchanged: %+v, %v", res, err)
			}
			wantRequests(t, reqs, "GET "+leapPath+leapAlias+".sha256")
		})
	}
}

func TestOpenSUSELeap16(t *testing.T) {
	const (
		dir    = "https://download.opensuse.org/distribution/leap/16.0/appliances/"
		alias  = "Leap-16.0-Minimal-VM.aarch64-Cloud.qcow2"
		pinned = "Leap-16.0-Minimal-VM.aarch64-Cloud-Build{version}.qcow2"
	)
	h := newMirroredHost(t, "https://download.opensuse.org/", "/o/")
	layout.OpenSUSE(h.m, "/o/distribution/leap/16.0/appliances/", alias, pinned, leapBuilds("16.2"), " ", "x")
	img := source.Image{Name: "openSUSE Leap 16.0 aarch64", Type: "opensuse", Upstream: source.Upstream{
		URL: dir, Checksums: alias + ".sha256", Algorithm: "sha256", Filename: alias, Pinned: pinned,
	}}
	res, _, err := h.resolve(t, img, Known{})
	if err != nil {
		t.Fatal(err)
	}
	name := "Leap-16.0-Minimal-VM.aarch64-Cloud-Build16.2.qcow2"
	wantResult(t, res, "16.2", "sha256:"+layout.OpenSUSEDigest(name, "x"), dir+name, "2026-06-03", dir+name+".sha256")
}

func TestOpenSUSEOnlyLatestBuildIsKept(t *testing.T) {
	h := newMirroredHost(t, "https://download.opensuse.org/", "/opensuse/")
	layout.OpenSUSE(h.m, leapPath, leapAlias, leapPinned, leapBuilds("19.140"), "  ", "")
	layout.OpenSUSE(h.m, leapPath, leapAlias, leapPinned, leapBuilds("19.140", "19.146"), "  ", "")
	old := strings.ReplaceAll(leapPinned, "{version}", "19.140")
	if n := len(h.m.Requests()); n != 0 {
		t.Fatalf("layout made requests: %d", n)
	}
	if _, err := h.client.Head(t.Context(), leapDir+old); err == nil {
		t.Fatal("the replaced build is still published")
	}
	res, _, err := h.resolve(t, leapImage(), Known{})
	if err != nil || res.Version != "19.146" {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestOpenSUSEFailures(t *testing.T) {
	pinned := strings.ReplaceAll(leapPinned, "{version}", "19.146")
	tests := []struct {
		name  string
		alias string // content of the alias's sidecar
		want  []string
	}{
		{"another build's digest", layout.OpenSUSEDigest("other", "") + "  " + pinned + "\n",
			[]string{"is in none of the builds", pinned, "not guessing"}},
		{"a sibling flavour", layout.OpenSUSEDigest("x", "") + "  " + strings.Replace(pinned, "-Cloud", "-kvm-and-xen", 1) + "\n",
			[]string{"sha256 digest of \"" + leapAlias + "\" or of one of its builds", "not listed"}},
		{"an HTML page", "<html><body>Not here</body></html>\n", []string{"latest checksums", "not a checksum file"}},
		{"a sha512 digest", layout.Digest("sha512", "x") + "  " + pinned + "\n", []string{"sha256 digest of", "not listed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newMirroredHost(t, "https://download.opensuse.org/", "/opensuse/")
			layout.OpenSUSE(h.m, leapPath, leapAlias, leapPinned, leapBuilds("19.146"), "  ", "")
			h.m.File(leapPath+leapAlias+".sha256", []byte(tt.alias), time.Now())
			_, _, err := h.resolve(t, leapImage(), Known{})
			wantErr(t, err, tt.want...)
		})
	}
}

func TestOpenSUSENoLastModified(t *testing.T) {
	h := newMirroredHost(t, "https://download.opensuse.org/", "/opensuse/")
	layout.OpenSUSE(h.m, leapPath, leapAlias, leapPinned, []layout.OpenSUSEBuild{{Version: "19.146"}}, "  ", "")
	_, _, err := h.resolve(t, leapImage(), Known{})
	wantErr(t, err, "build 19.146", "no Last-Modified")
}

// mirrorCache imitates download.opensuse.org for one directory: files, and
// the directory's JSON listing at ?jsontable (MirrorCache's own format).
func mirrorCache(t *testing.T, dir string, files map[string]string, mod time.Time) *recorder.Server {
	t.Helper()
	return recorder.New(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == dir && r.URL.RawQuery == "jsontable" {
			type item struct {
				Name  string `json:"name"`
				Size  int64  `json:"size"`
				Mtime int64  `json:"mtime"`
			}
			var doc struct {
				Data []item `json:"data"`
			}
			for name := range files {
				doc.Data = append(doc.Data, item{Name: name, Size: int64(len(files[name])), Mtime: mod.Unix()})
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(doc)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, dir)
		body, found := files[name]
		if !ok || !found {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
		_, _ = w.Write([]byte(body))
	})
}

func TestOpenSUSEAliasSidecarNamingTheAlias(t *testing.T) {
	// Should MirrorCache ever serve the alias's own sidecar (naming the
	// alias), the build is found in the JSON listing instead.
	b1 := strings.ReplaceAll(leapPinned, "{version}", "19.9")
	b2 := strings.ReplaceAll(leapPinned, "{version}", "19.10")
	sum := layout.Digest("sha256", "b2")
	files := map[string]string{
		leapAlias + ".sha256": sum + "  " + leapAlias + "\n",
		b1 + ".sha256":        layout.Digest("sha256", "b1") + "  " + b1 + "\n",
		b2 + ".sha256":        sum + " " + b2 + "\n",
		b1:                    "image", b2: "image", leapAlias: "image",
		b2 + ".sha256.asc": "sig",
	}
	mod := time.Date(2026, 6, 20, 8, 0, 0, 0, time.UTC)
	srv := mirrorCache(t, "/appliances/", files, mod)
	img := leapImage()
	img.Upstream.URL = "https://download.opensuse.org/appliances/"
	c := testClient(httpclient.Options{Mirrors: []httpclient.Mirror{{From: "https://download.opensuse.org/", To: srv.URL + "/"}}})
	s, _ := NewStrategy("opensuse", c)
	res, err := s.Resolve(t.Context(), img, Known{})
	if err != nil {
		t.Fatal(err)
	}
	// 19.10 is newer than 19.9 although it sorts before it as text.
	wantResult(t, res, "19.10", "sha256:"+sum, img.Upstream.URL+b2, "2026-06-20", img.Upstream.URL+b2+".sha256")
	wantStrings(t, srv.Seen(),
		"GET /appliances/"+leapAlias+".sha256",
		"GET /appliances/",
		"GET /appliances/"+b2+".sha256",
		"HEAD /appliances/"+b2)
}

func wantStrings(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
