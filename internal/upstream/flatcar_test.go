package upstream

import (
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
)

const (
	flatcarURL  = "https://stable.release.flatcar-linux.net/amd64-usr/"
	flatcarPath = "/flatcar/amd64-usr/"
)

func flatcarImage() source.Image {
	return source.Image{
		Name: "Flatcar Container Linux", Type: "flatcar", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: flatcarURL, Latest: "current/", Checksums: layout.FlatcarImage + ".DIGESTS", Algorithm: "sha512",
			Filename: layout.FlatcarImage, VersionURL: flatcarURL + "current/version.txt", Signature: "off",
		},
	}
}

var flatcarReleases = []layout.FlatcarRelease{
	{Version: "4230.2.4", BuildID: "2025-10-13-0723"},
	{Version: "4459.2.1", BuildID: "2025-11-23-2139"},
}

func TestFlatcar(t *testing.T) {
	h := newMirroredHost(t, "https://stable.release.flatcar-linux.net/", "/flatcar/")
	layout.Flatcar(h.m, flatcarPath, flatcarReleases, "")
	sum := "sha512:" + layout.FlatcarDigest("4459.2.1", "")

	res, reqs, err := h.resolve(t, flatcarImage(), Known{Version: "4230.2.4", Checksum: "sha512:" + layout.FlatcarDigest("4230.2.4", "")})
	if err != nil {
		t.Fatal(err)
	}
	// The digest is the SHA512 section's, not the MD5 line that comes first;
	// the date is the build ID's, not a Last-Modified.
	wantResult(t, res, "4459.2.1", sum, flatcarURL+"4459.2.1/"+layout.FlatcarImage, "2025-11-23", flatcarURL+"4459.2.1/"+layout.FlatcarImage+".DIGESTS")
	wantRequests(t, reqs,
		"GET "+flatcarPath+"current/"+layout.FlatcarImage+".DIGESTS",
		"GET "+flatcarPath+"current/version.txt",
		"GET "+flatcarPath+"4459.2.1/"+layout.FlatcarImage+".DIGESTS")

	// Unchanged: current/'s DIGESTS only; version.txt is not read.
	res, reqs, err = h.resolve(t, flatcarImage(), Known{Version: "4459.2.1", Checksum: sum})
	if err != nil || !res.Unchanged || res.Version != "4459.2.1" {
		t.Fatalf("unchanged: %+v %v", res, err)
	}
	wantRequests(t, reqs, "GET "+flatcarPath+"current/"+layout.FlatcarImage+".DIGESTS")
}

func TestFlatcarCurrentMovedWhileCrawling(t *testing.T) {
	// version.txt of current/ names a release whose DIGESTS do not hold the
	// digest current/'s DIGESTS had: they describe different builds.
	h := newMirroredHost(t, "https://stable.release.flatcar-linux.net/", "/flatcar/")
	layout.Flatcar(h.m, flatcarPath, flatcarReleases, "")
	h.m.File(flatcarPath+"current/version.txt", []byte("FLATCAR_VERSION=4230.2.4\nFLATCAR_BUILD_ID=\"2025-10-13-0723\"\n"), time.Now())
	_, _, err := h.resolve(t, flatcarImage(), Known{})
	wantErr(t, err, "is not the one of release 4230.2.4", "not guessing")
}

func TestFlatcarFailures(t *testing.T) {
	tests := []struct {
		name, path string
		body       string
		want       []string
	}{
		{"DIGESTS without SHA512", flatcarPath + "current/" + layout.FlatcarImage + ".DIGESTS",
			"# MD5 HASH\n" + strings.Repeat("a", 32) + "  " + layout.FlatcarImage + "\n",
			[]string{"latest checksums", "sha512 digest of", "not listed", "it has md5 only"}},
		{"version.txt is HTML", flatcarPath + "current/version.txt", "<html>\n<body>error</body>\n</html>\n",
			[]string{"version " + flatcarURL + "current/version.txt", "not a version.txt"}},
		{"release directory missing", flatcarPath + "4459.2.1/" + layout.FlatcarImage + ".DIGESTS", "",
			[]string{"release 4459.2.1", "404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newMirroredHost(t, "https://stable.release.flatcar-linux.net/", "/flatcar/")
			layout.Flatcar(h.m, flatcarPath, flatcarReleases, "")
			if tt.body == "" {
				h.m.Remove(tt.path)
			} else {
				h.m.File(tt.path, []byte(tt.body), time.Now())
			}
			_, _, err := h.resolve(t, flatcarImage(), Known{})
			wantErr(t, err, tt.want...)
		})
	}
}

func TestParseFlatcarVersion(t *testing.T) {
	tests := []struct {
		name, body    string
		version, date string
		wantErr       string
	}{
		{name: "real", body: "FLATCAR_BUILD=4459\nFLATCAR_BRANCH=2\nFLATCAR_PATCH=1\nFLATCAR_VERSION=4459.2.1\nFLATCAR_VERSION_ID=4459.2.1\nFLATCAR_BUILD_ID=\"2025-11-23-2139\"\nFLATCAR_SDK_VERSION=4459.0.0\n",
			version: "4459.2.1", date: "2025-11-23"},
		{name: "quoted, CRLF, comments", body: "# written by the build\r\nFLATCAR_VERSION=\"3510.2.6\"\r\n\r\nFLATCAR_BUILD_ID='2023-08-07-1626'\r\n",
			version: "3510.2.6", date: "2023-08-07"},
		{name: "no version", body: "FLATCAR_BUILD_ID=\"2025-11-23-2139\"\n", wantErr: "no FLATCAR_VERSION"},
		{name: "no build id", body: "FLATCAR_VERSION=4459.2.1\n", wantErr: "no FLATCAR_BUILD_ID"},
		{name: "nightly version", body: "FLATCAR_VERSION=4845.0.0+nightly-20261006-2100\nFLATCAR_BUILD_ID=\"nightly-20261006-2100\"\n", wantErr: "not MAJOR.MINOR.PATCH"},
		{name: "path in version", body: "FLATCAR_VERSION=../../x\nFLATCAR_BUILD_ID=\"2025-11-23-2139\"\n", wantErr: "not MAJOR.MINOR.PATCH"},
		{name: "odd build id", body: "FLATCAR_VERSION=4459.2.1\nFLATCAR_BUILD_ID=\"nightly-20261006-2100\"\n", wantErr: "not YYYY-MM-DD-HHMM"},
		{name: "impossible date", body: "FLATCAR_VERSION=4459.2.1\nFLATCAR_BUILD_ID=\"2025-13-23-2139\"\n", wantErr: "FLATCAR_BUILD_ID"},
		{name: "not assignments", body: "<html>\n", wantErr: "not a version.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, d, err := parseFlatcarVersion([]byte(tt.body))
			if tt.wantErr != "" {
				wantErr(t, err, tt.wantErr)
				return
			}
			if err != nil || v != tt.version || d != tt.date {
				t.Fatalf("got %q %q %v, want %q %q", v, d, err, tt.version, tt.date)
			}
		})
	}
}

func FuzzParseFlatcarVersion(f *testing.F) {
	f.Add([]byte("FLATCAR_VERSION=4459.2.1\nFLATCAR_BUILD_ID=\"2025-11-23-2139\"\n"))
	f.Add([]byte("FLATCAR_VERSION='3510.2.6'\r\nFLATCAR_BUILD_ID=2023-08-07-1626\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		v, d, err := parseFlatcarVersion(body)
		if err != nil {
			return
		}
		// Whatever is accepted is safe to put into a URL and the catalog.
		if !flatcarVersion().MatchString(v) {
			t.Fatalf("accepted version %q", v)
		}
		if _, perr := time.Parse(time.DateOnly, d); perr != nil {
			t.Fatalf("accepted date %q", d)
		}
	})
}
