package upstream

import (
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// shipped returns an image of the built-in sources file with signature
// checks off: the test mirror cannot sign with the distributions' keys.
func shipped(t *testing.T, name string) source.Image {
	t.Helper()
	f, err := builtinSources()
	if err != nil {
		t.Fatal(err)
	}
	if img, ok := f.Concrete(name); ok {
		img.Upstream.Signature = source.SignatureOff
		return img
	}
	t.Fatalf("no image %q in the built-in sources", name)
	return source.Image{}
}

// builtinSources loads the built-in sources file once: reading its keys is
// the slow part of many tests.
var builtinSources = sync.OnceValues(source.Default)

func checkResult(t *testing.T, got, want Result) {
	t.Helper()
	if got != want {
		t.Fatalf("result\n  %+v\nwant\n  %+v", got, want)
	}
}

func checkRequests(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func checkErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not say %q", err, p)
		}
	}
}

const almaHost = "https://repo.almalinux.org/"

// modTime is when hand-written test files were published.
var modTime = time.Date(2026, 5, 26, 10, 14, 0, 0, time.UTC)

// The real CHECKSUM of AlmaLinux 9: -ext4- and -OpenNebula- images come
// first and match a loose pattern; only the -latest alias's digest names the
// right versioned file.
func TestAlmaLinuxRealChecksum(t *testing.T) {
	h := newMirroredHost(t, almaHost, "/alma/")
	body, err := os.ReadFile("../checksum/testdata/checksums/almalinux9-CHECKSUM")
	if err != nil {
		t.Fatal(err)
	}
	const dir = "/alma/almalinux/9/cloud/x86_64/images/"
	h.m.Format("/alma/", mirror.Nginx)
	h.m.File(dir+"CHECKSUM", body, modTime)
	img := shipped(t, "AlmaLinux 9")

	res, reqs, err := h.resolve(t, img, Known{Version: "20251118", Checksum: "sha256:5ff9c048859046f41db4a33b1f1a96675711288078aac66b47d0be023af270d1"})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, Result{
		Version:     "9.8-20260526",
		Checksum:    "sha256:c397eed7023e92c841155831b1f47e26300e5bef0f0256c129322307c897a251",
		URL:         almaHost + "almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2",
		BuildDate:   "2026-05-26",
		ChecksumURL: almaHost + "almalinux/9/cloud/x86_64/images/CHECKSUM",
	})
	checkRequests(t, reqs, "GET "+dir+"CHECKSUM")

	// Unchanged: the one request that reads the alias's digest.
	res, reqs, err = h.resolve(t, img, Known{Version: "9.8-20260526", Checksum: res.Checksum})
	if err != nil || !res.Unchanged || res.Version != "9.8-20260526" {
		t.Fatalf("unchanged: %+v %v", res, err)
	}
	checkRequests(t, reqs, "GET "+dir+"CHECKSUM")
}

// Every shipped AlmaLinux image, amd64 and arm64, on a mirror laid out
// like repo.almalinux.org (nginx, truncated link text, -ext4- and
// -OpenNebula- siblings, CHECKSUM.asc).
func TestAlmaLinuxShipped(t *testing.T) {
	h := newMirroredHost(t, almaHost, "/alma/")
	builds := map[string]string{"8": "8.10-20240819", "9": "9.8-20260526", "10": "10.2-20260527.0"}
	dates := map[string]string{"8": "2024-08-19", "9": "2026-05-26", "10": "2026-05-27"}
	for _, major := range []string{"8", "9", "10"} {
		for _, arch := range []string{"x86_64", "aarch64"} {
			layout.AlmaLinux(h.m, "/alma/almalinux/", major, arch, builds[major], "")
		}
	}
	for _, major := range []string{"8", "9", "10"} {
		for _, arch := range []string{"x86_64", "aarch64"} {
			name := "AlmaLinux " + major
			if arch == "aarch64" {
				name += " aarch64"
			}
			t.Run(name, func(t *testing.T) {
				b := builds[major]
				dir := "almalinux/" + major + "/cloud/" + arch + "/images/"
				res, reqs, err := h.resolve(t, shipped(t, name), Known{})
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, res, Result{
					Version:     b,
					Checksum:    "sha256:" + layout.AlmaLinuxDigest(major, arch, b, ""),
					URL:         almaHost + dir + "AlmaLinux-" + major + "-GenericCloud-" + b + "." + arch + ".qcow2",
					BuildDate:   dates[major],
					ChecksumURL: almaHost + dir + "CHECKSUM",
				})
				checkRequests(t, reqs, "GET /alma/"+dir+"CHECKSUM")
			})
		}
	}
}

// A new build replaces the old one (AlmaLinux keeps only the current): the
// crawl finds it, and a known checksum of the old one is no shortcut.
func TestAlmaLinuxNewBuildReplacesOld(t *testing.T) {
	h := newMirroredHost(t, almaHost, "/alma/")
	layout.AlmaLinux(h.m, "/alma/almalinux/", "10", "x86_64", "10.1-20260301.0", "")
	img := shipped(t, "AlmaLinux 10")
	old, _, err := h.resolve(t, img, Known{})
	if err != nil {
		t.Fatal(err)
	}
	layout.AlmaLinux(h.m, "/alma/almalinux/", "10", "x86_64", "10.2-20260526.0", "")
	res, _, err := h.resolve(t, img, Known{Version: old.Version, Checksum: old.Checksum})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || res.Version != "10.2-20260526.0" || res.BuildDate != "2026-05-26" ||
		!strings.HasSuffix(res.URL, "/AlmaLinux-10-GenericCloud-10.2-20260526.0.x86_64.qcow2") {
		t.Fatalf("new build: %+v", res)
	}
}

// Checksum files in forms the alias strategy must read the same way: sorted
// by hash, with a name listed twice (two digests: refused), and other builds of
// the same name beside the current one.
func TestAliasChecksumForms(t *testing.T) {
	alias := "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2"
	pinned := func(v string) string { return "AlmaLinux-9-GenericCloud-" + v + ".x86_64.qcow2" }
	cur, other := strings.Repeat("c", 64), strings.Repeat("0", 64)
	tests := []struct {
		name    string
		lines   [][2]string // digest, name
		want    string      // version; "" wants an error
		wantErr string
	}{
		{"hash-sorted", [][2]string{
			{other, "AlmaLinux-9-GenericCloud-ext4-9.8-20260526.x86_64.qcow2"},
			{cur, pinned("9.8-20260526")}, {cur, alias},
		}, "9.8-20260526", ""},
		{"older builds with other digests listed too", [][2]string{
			{other, pinned("9.9-20260601")}, {cur, pinned("9.8-20260526")}, {cur, alias}, {other, pinned("9.7-20260101")},
		}, "9.8-20260526", ""},
		{"the same image under two versions: the newer", [][2]string{
			{cur, pinned("9.8-20260526")}, {cur, pinned("9.8-20260527")}, {cur, alias},
		}, "9.8-20260527", ""},
		{"a name listed twice with two digests: ambiguous", [][2]string{
			{other, pinned("9.8-20260526")}, {cur, alias}, {cur, pinned("9.8-20260526")},
		}, "", "ambiguous checksum file: \"" + pinned("9.8-20260526")[:40] + "...\" is listed with two different sha256 digests, on line 1 and line 3"},
		{"only siblings share the digest", [][2]string{
			{cur, "AlmaLinux-9-GenericCloud-ext4-9.8-20260526.x86_64.qcow2"}, {cur, alias}, {cur, pinned("9.8-20260526") + ".manifest"},
		}, "", "(builds listed: none)"},
		{"no date in the version", [][2]string{{cur, pinned("9.8")}, {cur, alias}}, "", `version "9.8" holds no YYYYMMDD date`},
		{"alias missing", [][2]string{{cur, pinned("9.8-20260526")}}, "", `"` + alias + `": not listed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newMirroredHost(t, almaHost, "/")
			var b strings.Builder
			for _, l := range tt.lines {
				b.WriteString(l[0] + "  " + l[1] + "\n")
			}
			h.m.File("/almalinux/9/cloud/x86_64/images/CHECKSUM", []byte(b.String()), modTime)
			res, _, err := h.resolve(t, shipped(t, "AlmaLinux 9"), Known{})
			if tt.want == "" {
				checkErr(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Version != tt.want || res.Checksum != "sha256:"+cur {
				t.Fatalf("got %s %s, want %s", res.Version, res.Checksum, tt.want)
			}
		})
	}
}

func TestPinnedPatternWholeNames(t *testing.T) {
	re, err := pinnedPattern("AlmaLinux-9-GenericCloud-{version}.x86_64.qcow2")
	if err != nil {
		t.Fatal(err)
	}
	matches := map[string]string{
		"AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2":        "9.8-20260526",
		"AlmaLinux-9-GenericCloud-10.2-20260526.0.x86_64.qcow2":     "10.2-20260526.0",
		"AlmaLinux-9-GenericCloud-ext4-9.8-20260526.x86_64.qcow2":   "",
		"AlmaLinux-9-GenericCloud-latest.x86_64.qcow2":              "",
		"AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2.sha256": "",
		"xAlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2":       "",
		"AlmaLinux-9-GenericCloud-9.8-20260526.x86_64Xqcow2":        "",
		"AlmaLinux-9-GenericCloud-9.8-.x86_64.qcow2":                "",
	}
	var names []string
	for n := range matches {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		got := ""
		if m := re.FindStringSubmatch(n); m != nil {
			got = m[1]
		}
		if got != matches[n] {
			t.Errorf("%s: version %q, want %q", n, got, matches[n])
		}
	}
	if _, err := pinnedPattern("AlmaLinux-9-GenericCloud-latest.x86_64.qcow2"); err == nil {
		t.Error("a pinned name without {version} was accepted")
	}
}

// signedBy makes img require a signature by the test mirror's key.
func signedBy(img source.Image) source.Image {
	img.Upstream.Signature = source.SignatureRequired
	img.Upstream.Keys = []string{"mirror.asc"}
	img.Upstream.KeyData = [][]byte{layout.MirrorPublicKey()}
	return img
}

// The checksum file that confirms a new build is verified (AlmaLinux's
// CHECKSUM.asc copy, Rocky's clear-signed CHECKSUM); the read that decides
// "unchanged" is not, so it stays one request.
func TestAliasChecksumSignatures(t *testing.T) {
	t.Run("AlmaLinux CHECKSUM.asc", func(t *testing.T) {
		h := newMirroredHost(t, almaHost, "/")
		layout.AlmaLinux(h.m, "/almalinux/", "9", "x86_64", "9.8-20260526", "")
		img := signedBy(shipped(t, "AlmaLinux 9"))
		if img.Upstream.SignatureFile != "{checksums}.asc" {
			t.Fatalf("shipped signature_file %q", img.Upstream.SignatureFile)
		}
		dir := "/almalinux/9/cloud/x86_64/images/"
		res, reqs, err := h.resolve(t, img, Known{})
		if err != nil || !res.Verified || res.Version != "9.8-20260526" {
			t.Fatalf("%+v %v", res, err)
		}
		checkRequests(t, reqs, "GET "+dir+"CHECKSUM", "GET "+dir+"CHECKSUM.asc")
		_, reqs, err = h.resolve(t, img, Known{Version: res.Version, Checksum: res.Checksum})
		if err != nil {
			t.Fatal(err)
		}
		checkRequests(t, reqs, "GET "+dir+"CHECKSUM")

		// CHECKSUM altered after signing: the alias's digest there is not
		// the signed one.
		sums := strings.Replace(string(fetchBody(t, h.m.URL+dir+"CHECKSUM")), "c397eed7", "d397eed7", -1)
		h.m.File(dir+"CHECKSUM", []byte(sums), modTime)
		_, _, err = h.resolve(t, img, Known{})
		checkErr(t, err, "the signed content does not give AlmaLinux-9-GenericCloud-latest.x86_64.qcow2 the digest sha256:d397eed7023e")
	})
	t.Run("Rocky 10 clear-signed CHECKSUM", func(t *testing.T) {
		h := newMirroredHost(t, rockyHost, "/")
		layout.Rocky(h.m, "/pub/rocky/", "10", "aarch64", []string{"10.0-20250609.1"}, "")
		img := signedBy(shipped(t, "Rocky 10 aarch64"))
		res, reqs, err := h.resolve(t, img, Known{})
		if err != nil || !res.Verified || res.Version != "10.0-20250609.1" {
			t.Fatalf("%+v %v", res, err)
		}
		checkRequests(t, reqs, "GET /pub/rocky/10/images/aarch64/CHECKSUM")

		// An unsigned CHECKSUM is refused where a signature is required.
		h.m.File("/pub/rocky/10/images/aarch64/CHECKSUM", []byte("SHA256 (Rocky-10-GenericCloud-Base.latest.aarch64.qcow2) = "+strings.Repeat("a", 64)+"\n"), modTime)
		if _, _, err := h.resolve(t, img, Known{}); err == nil {
			t.Fatal("an unsigned CHECKSUM passed a required signature")
		}
	})
}

func fetchBody(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
