package mirror

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/testenv/golden"
)

// noRedirects lets tests look at redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// fetch sends one request and reads the whole answer.
func fetch(t *testing.T, method, url, host string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

var (
	day0 = time.Date(2026, 7, 5, 13, 11, 42, 0, time.UTC)
	day1 = day0.Add(24 * time.Hour)
)

// releaseTree fills dir with the kinds of entries real release directories
// hold, plus the names that test escaping and cutting.
func releaseTree(s *Server, dir string) {
	s.File(dir+"release-20260705/SHA256SUMS", []byte("sums\n"), day0)
	s.BigFile(dir+"release-20260705/ubuntu-24.04-server-cloudimg-amd64.img", 612368384, day0)
	s.File(dir+"release-20260705.1/SHA256SUMS", []byte("sums\n"), day1)
	s.Dir(dir+"release/", day1.Add(time.Hour))
	s.Dir(dir+"empty-dir", day0)
	s.File(dir+"dir-with-a-name-of-exactly-fifty-characters-000000/x", nil, day0)
	s.File(dir+"SHA256SUMS", bytes.Repeat([]byte("x"), 7381), day1)
	s.File(dir+"SHA256SUMS.gpg", bytes.Repeat([]byte("x"), 833), day1)
	s.File(dir+"empty", nil, day0)
	s.File(dir+"size-972.txt", bytes.Repeat([]byte("x"), 972), day0)
	s.File(dir+"size-973", bytes.Repeat([]byte("x"), 973), day0)
	s.File(dir+"size-10188", bytes.Repeat([]byte("x"), 10188), day0)
	s.File(dir+"size-10239.tar.gz", bytes.Repeat([]byte("x"), 10239), day0)
	s.BigFile(dir+"AlmaLinux-10-GenericCloud-10.2-20260526.0.x86_64.qcow2", 1288490188, day0)
	s.BigFile(dir+"AlmaLinux-10-GenericCloud-latest.x86_64.qcow2", 1288490188, day0)
	s.File(dir+"a file & <name>.txt", []byte("a"), day0)
	s.File(dir+`file#1?"q".txt`, []byte("b"), day0)
	s.File(dir+"café.txt", []byte("c"), day0)
	s.File(dir+"x:y.txt", []byte("d"), day0)
}

func TestListingGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		format Format
		order  Order
		path   string
		host   string
	}{
		{"fancyindex", FancyIndex, Sorted, "/releases/noble/", "cloud-images.ubuntu.com:443"},
		{"fancyindex-root", FancyIndex, Sorted, "/", "cloud-images.ubuntu.com"},
		{"fancyindex-reverse", FancyIndex, Reverse, "/releases/noble/", "cloud-images.ubuntu.com:443"},
		{"htmltable", HTMLTable, Sorted, "/releases/noble/", "cloud.debian.org:443"},
		{"htmltable-root", HTMLTable, Sorted, "/", "cloud.debian.org:443"},
		{"htmltable-shuffled", HTMLTable, Shuffled, "/releases/noble/", "cloud.debian.org:443"},
		{"nginx", Nginx, Sorted, "/releases/noble/", "repo.almalinux.org"},
		{"nginx-root", Nginx, Sorted, "/", "repo.almalinux.org"},
		{"nginx-shuffled", Nginx, Shuffled, "/releases/noble/", "repo.almalinux.org"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			s := New(t)
			releaseTree(s, "/releases/noble/")
			s.File("/README", []byte("read me"), day0)
			s.Format("/", tc.format)
			s.Order("/", tc.order)
			resp, body := fetch(t, http.MethodGet, s.URL+tc.path, tc.host)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %s for %d bytes", got, len(body))
			}
			_, again := fetch(t, http.MethodGet, s.URL+tc.path, tc.host)
			if !bytes.Equal(body, again) {
				t.Errorf("the %v listing differs between two requests", tc.order)
			}
			golden.Assert(t, filepath.Join("testdata", tc.golden+".golden"), body)
		})
	}
}

// lineDiff shows the first differing line, which is enough to find a bug in a
// generated listing.
func lineDiff(want, got []byte) string {
	w, g := strings.SplitAfter(string(want), "\n"), strings.SplitAfter(string(got), "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d\nwant %q\n got %q", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}

var debianRow = regexp.MustCompile(`<a href="([^"]+/)">[^<]*</a></td><td class="indexcollastmod">(\d{4}-\d\d-\d\d \d\d:\d\d)  </td>`)

// The HTMLTable listing must reproduce a real cdimage.debian.org page from
// the same tree. The one difference is "latest/": a symlink there, which
// Apache shows with a file icon.
func TestHTMLTableMatchesDebianCapture(t *testing.T) {
	real, err := os.ReadFile("testdata/debian-trixie-daily.html")
	if err != nil {
		t.Fatal(err)
	}
	s := New(t)
	s.Format("/cdimage/", HTMLTable)
	rows := debianRow.FindAllSubmatch(real, -1)
	if len(rows) < 100 {
		t.Fatalf("found only %d rows in the capture", len(rows))
	}
	for _, m := range rows {
		mod, err := time.Parse("2006-01-02 15:04", string(m[2]))
		if err != nil {
			t.Fatal(err)
		}
		s.Dir("/cdimage/cloud/trixie/daily/"+string(m[1]), mod)
	}
	_, got := fetch(t, http.MethodGet, s.URL+"/cdimage/cloud/trixie/daily/", "cdimage.debian.org:443")
	got = bytes.Replace(got,
		[]byte(`<a href="latest/"><img src="/icons2/folder.png" alt="[DIR]">`),
		[]byte(`<a href="latest/"><img src="/icons2/text-x-generic.png" alt="[TXT]">`), 1)
	if !bytes.Equal(got, real) {
		t.Errorf("listing differs from the real one:\n%s", lineDiff(real, got))
	}
}

// cloud-images.ubuntu.com wraps its FancyIndex listing in its own header and
// icons; from each link on, the lines must be the same as real ones.
func TestFancyIndexMatchesUbuntuCapture(t *testing.T) {
	real, err := os.ReadFile("testdata/ubuntu-noble-daily.html")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`(?m)<a href="(\d+/|current/)">.*?</a> +(\d{4}-\d\d-\d\d \d\d:\d\d) .*$`).FindAllSubmatch(real, -1)
	if len(rows) != 7 {
		t.Fatalf("found %d rows in the capture, want 7", len(rows))
	}
	s := New(t)
	var want []string
	for _, m := range rows {
		mod, err := time.Parse("2006-01-02 15:04", string(m[2]))
		if err != nil {
			t.Fatal(err)
		}
		s.Dir("/noble/"+string(m[1]), mod)
		want = append(want, string(m[0][bytes.Index(m[0], []byte("<a href=")):]))
	}
	parent := regexp.MustCompile(`<a href="/">Parent Directory</a> +-   `).Find(real)
	if parent == nil {
		t.Fatal("no parent line in the capture")
	}
	want = append([]string{string(parent)}, want...)

	_, body := fetch(t, http.MethodGet, s.URL+"/noble/", "")
	var got []string
	for line := range strings.Lines(string(body)) {
		if i := strings.Index(line, "> <a href=\""); i >= 0 && !strings.Contains(line, "?C=") {
			got = append(got, strings.TrimSuffix(line[i+2:], "\n"))
		}
	}
	if h := strings.Index(string(body), "<hr><img"); h >= 0 {
		// The parent line follows the header rule on the same line.
		line, _, _ := strings.Cut(string(body)[h+len("<hr><img"):], "\n")
		got = append([]string{line[strings.Index(line, "<a href="):]}, got...)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows differ from the real ones:\n got %q\nwant %q", got, want)
	}
}

func TestApacheSize(t *testing.T) {
	for _, tc := range []struct {
		size int64
		want string
	}{
		{-1, "  - "}, {0, "  0 "}, {972, "972 "}, {973, "1.0K"}, {1024, "1.0K"}, {1536, "1.5K"},
		{10188, "9.9K"}, {10239, " 10K"}, {612368384, "584M"}, {1288490188, "1.2G"},
		{5 << 40, "5.0T"},
	} {
		if got := apacheSize(tc.size); got != tc.want {
			t.Errorf("apacheSize(%d) = %q, want %q", tc.size, got, tc.want)
		}
	}
}

func TestFiles(t *testing.T) {
	s := New(t)
	mod := time.Date(2026, 7, 5, 13, 11, 0, 0, time.FixedZone("CEST", 2*3600))
	s.File("/releases/noble/release-20260705/SHA256SUMS", []byte("abc  x.img\n"), mod)
	s.BigFile("/releases/noble/release-20260705/x.img", 100000, mod)
	url := s.URL + "/releases/noble/release-20260705/"

	resp, body := fetch(t, http.MethodGet, url+"SHA256SUMS", "")
	if resp.StatusCode != 200 || string(body) != "abc  x.img\n" {
		t.Errorf("GET: %d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Last-Modified"); got != "Sun, 05 Jul 2026 11:11:00 GMT" {
		t.Errorf("Last-Modified = %q", got)
	}
	if got := resp.Header.Get("Content-Length"); got != "11" {
		t.Errorf("Content-Length = %q", got)
	}

	resp, body = fetch(t, http.MethodHead, url+"SHA256SUMS", "")
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != 11 || resp.Header.Get("Last-Modified") == "" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %d", resp.StatusCode, len(body), resp.ContentLength)
	}

	resp, body = fetch(t, http.MethodHead, url+"x.img", "")
	if resp.ContentLength != 100000 || len(body) != 0 {
		t.Errorf("HEAD big file: Content-Length %d, %d bytes", resp.ContentLength, len(body))
	}
	_, body = fetch(t, http.MethodGet, url+"x.img", "")
	if len(body) != 100000 || !bytes.HasPrefix(body, []byte("abcdefghijklmnopqrstuvwxyzabc")) || body[99999] != byte('a'+99999%26) {
		t.Errorf("big file: %d bytes starting %q", len(body), body[:min(len(body), 30)])
	}

	// Replacing a file replaces its body and time.
	s.File("/releases/noble/release-20260705/SHA256SUMS", []byte("new\n"), mod.Add(time.Hour))
	resp, body = fetch(t, http.MethodGet, url+"SHA256SUMS", "")
	if string(body) != "new\n" || resp.Header.Get("Last-Modified") != "Sun, 05 Jul 2026 12:11:00 GMT" {
		t.Errorf("after replace: %q, %s", body, resp.Header.Get("Last-Modified"))
	}
}

func TestPaths(t *testing.T) {
	for _, f := range []Format{FancyIndex, HTMLTable, Nginx} {
		t.Run(f.String(), func(t *testing.T) {
			s := New(t)
			s.Format("/", f)
			s.File("/releases/noble/SHA256SUMS", []byte("x"), day0)
			for _, tc := range []struct {
				method, path string
				status       int
				location     string
			}{
				{"GET", "/releases/noble", 301, "/releases/noble/"},
				{"HEAD", "/releases", 301, "/releases/"},
				{"GET", "/releases?C=M;O=D", 301, "/releases/?C=M;O=D"},
				{"GET", "/releases/noble/", 200, ""},
				{"HEAD", "/releases/noble/", 200, ""},
				{"GET", "/releases/noble/SHA256SUMS/", 404, ""},
				{"GET", "/releases/jammy/", 404, ""},
				{"GET", "/releases/jammy", 404, ""},
				{"GET", "/releases/noble/sha256sums", 404, ""},
				{"POST", "/releases/noble/SHA256SUMS", 405, ""},
			} {
				resp, body := fetch(t, tc.method, s.URL+tc.path, "")
				if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
					t.Errorf("%s %s: %d Location %q, want %d %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Location"), tc.status, tc.location)
				}
				if tc.method == "HEAD" && len(body) != 0 {
					t.Errorf("HEAD %s sent a body", tc.path)
				}
				if tc.status == 404 {
					wantPage := map[Format]string{FancyIndex: "<address>Apache/", HTMLTable: "<address>Apache/", Nginx: "<hr><center>nginx</center>"}[f]
					if !strings.Contains(string(body), wantPage) || !strings.Contains(string(body), "Not Found") {
						t.Errorf("404 page does not look like %v's:\n%s", f, body)
					}
				}
			}
			resp, _ := fetch(t, "GET", s.URL+"/releases/noble/", "")
			if got, want := resp.Header.Get("Server"), serverHeader(f); got != want {
				t.Errorf("Server = %q, want %q", got, want)
			}
		})
	}
}

func TestFormatAndOrderByLongestPrefix(t *testing.T) {
	s := New(t)
	s.Format("/almalinux/", Nginx)
	s.Format("/almalinux/9/cloud/", HTMLTable)
	s.Order("/almalinux/", Reverse)
	for _, d := range []string{"/almalinux/9/cloud/x86_64/", "/almalinux/9/", "/ubuntu/"} {
		s.File(d+"a", nil, day0)
		s.File(d+"b", nil, day0)
	}
	for _, tc := range []struct {
		path, marker string
		aFirst       bool
	}{
		{"/almalinux/9/", "<pre><a href=\"../\">../</a>\r\n", false},
		{"/almalinux/9/cloud/x86_64/", `<table id="indexlist">`, false},
		{"/ubuntu/", `<pre><img src="/icons/blank.gif"`, true},
	} {
		_, body := fetch(t, "GET", s.URL+tc.path, "")
		if !strings.Contains(string(body), tc.marker) {
			t.Errorf("%s: not the expected format:\n%s", tc.path, body)
		}
		a, b := bytes.Index(body, []byte(`href="a"`)), bytes.Index(body, []byte(`href="b"`))
		if a < 0 || b < 0 || (a < b) != tc.aFirst {
			t.Errorf("%s: a at %d, b at %d, want a first: %v", tc.path, a, b, tc.aFirst)
		}
	}
}

func TestRemove(t *testing.T) {
	s := New(t)
	s.File("/r/noble/release-1/SHA256SUMS", []byte("1"), day0)
	s.File("/r/noble/release-2/SHA256SUMS", []byte("2"), day1)
	s.Dir("/r/noble/release-2/empty", day1)

	s.Remove("/r/noble/release-1/SHA256SUMS")
	if resp, _ := fetch(t, "GET", s.URL+"/r/noble/release-1/SHA256SUMS", ""); resp.StatusCode != 404 {
		t.Errorf("removed file: %d", resp.StatusCode)
	}
	if resp, _ := fetch(t, "GET", s.URL+"/r/noble/release-1/", ""); resp.StatusCode != 404 {
		t.Errorf("directory left empty by Remove still listed: %d", resp.StatusCode)
	}
	s.Remove("/r/noble/release-2/")
	for _, p := range []string{"/r/noble/release-2/", "/r/noble/release-2/empty/", "/r/noble/release-2/SHA256SUMS"} {
		if resp, _ := fetch(t, "GET", s.URL+p, ""); resp.StatusCode != 404 {
			t.Errorf("%s after removing its directory: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := fetch(t, "GET", s.URL+"/r/", ""); resp.StatusCode != 404 {
		t.Errorf("/r/ with nothing left below: %d", resp.StatusCode)
	}
	if _, body := fetch(t, "GET", s.URL+"/", ""); strings.Contains(string(body), `href="r/"`) {
		t.Errorf("root listing still shows r/:\n%s", body)
	}
	s.Remove("/does/not/exist")
	s.File("/r/noble/release-2", []byte("now a file"), day0)
	if _, body := fetch(t, "GET", s.URL+"/r/noble/release-2", ""); string(body) != "now a file" {
		t.Errorf("got %q", body)
	}
}

func TestDirectoryTime(t *testing.T) {
	s := New(t)
	s.Format("/", Nginx)
	s.File("/a/old/x", nil, day0)
	s.File("/a/new/deep/x", nil, day1)
	s.Dir("/a/pinned/", day0.Add(-48*time.Hour))
	s.File("/a/pinned/x", nil, day1)
	_, body := fetch(t, "GET", s.URL+"/a/", "")
	for _, want := range []string{
		`<a href="new/">new/</a>` + strings.Repeat(" ", 46) + " 06-Jul-2026 13:11                   -\r\n",
		`<a href="old/">old/</a>` + strings.Repeat(" ", 46) + " 05-Jul-2026 13:11                   -\r\n",
		`<a href="pinned/">pinned/</a>` + strings.Repeat(" ", 43) + " 03-Jul-2026 13:11                   -\r\n",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("listing lacks %q:\n%s", want, body)
		}
	}
}

func TestSetupMistakes(t *testing.T) {
	s := Start()
	defer s.Close()
	s.File("/a/file", nil, day0)
	s.File("/dir/x", nil, day0)
	for _, tc := range []struct {
		name string
		do   func()
		want string
	}{
		{"relative", func() { s.File("a/b", nil, day0) }, "must start with /"},
		{"trailing slash", func() { s.File("/a/b/", nil, day0) }, "cannot end with /"},
		{"unclean", func() { s.File("/a/../b", nil, day0) }, "not clean"},
		{"below a file", func() { s.File("/a/file/x", nil, day0) }, "/a/file is a file"},
		{"over a directory", func() { s.File("/dir", nil, day0) }, "already a directory"},
		{"dir below a file", func() { s.Dir("/a/file/d", day0) }, "/a/file is a file"},
		{"root dir", func() { s.Dir("/", day0) }, "root always exists"},
		{"negative size", func() { s.BigFile("/big", -1, day0) }, "negative size"},
		{"format prefix", func() { s.Format("releases", Nginx) }, "must start with /"},
		{"unknown format", func() { s.Format("/", Format(7)) }, "unknown Format(7)"},
		{"order prefix", func() { s.Order("", Reverse) }, "must start with /"},
		{"fault path", func() { s.Fault("x", Fault{Status: 500}) }, "must start with /"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tc.want) {
					t.Errorf("panic %q, want it to contain %q", msg, tc.want)
				}
			}()
			tc.do()
		})
	}
	// The server still works after refusing them.
	if resp, _ := fetch(t, "GET", s.URL+"/a/file", ""); resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestFaultStatusThenRecover(t *testing.T) {
	s := New(t)
	s.File("/SHA256SUMS", []byte("sums"), day0)
	s.Fault("/SHA256SUMS", Fault{Status: 503, Times: 2, Header: http.Header{"Retry-After": {"7"}}})
	for i, want := range []int{503, 503, 200, 200} {
		resp, body := fetch(t, "GET", s.URL+"/SHA256SUMS", "")
		if resp.StatusCode != want {
			t.Errorf("request %d: %d, want %d", i+1, resp.StatusCode, want)
		}
		if want == 503 && (resp.Header.Get("Retry-After") != "7" || !strings.Contains(string(body), "Service Unavailable")) {
			t.Errorf("request %d: Retry-After %q, body %q", i+1, resp.Header.Get("Retry-After"), body)
		}
		if want == 200 && string(body) != "sums" {
			t.Errorf("request %d: body %q", i+1, body)
		}
	}
	// Setting the fault again restarts its count; the zero Fault removes it.
	s.Fault("/SHA256SUMS", Fault{Status: 404, Times: 1})
	if resp, _ := fetch(t, "GET", s.URL+"/SHA256SUMS", ""); resp.StatusCode != 404 {
		t.Errorf("re-armed fault: %d", resp.StatusCode)
	}
	s.Fault("/SHA256SUMS", Fault{Status: 500})
	s.Fault("/SHA256SUMS", Fault{})
	if resp, _ := fetch(t, "GET", s.URL+"/SHA256SUMS", ""); resp.StatusCode != 200 {
		t.Errorf("removed fault: %d", resp.StatusCode)
	}
	if got := s.CountPath("GET", "/SHA256SUMS"); got != 6 {
		t.Errorf("CountPath = %d, want 6", got)
	}
}

func TestFaultOnDirectoryForever(t *testing.T) {
	s := New(t)
	s.File("/releases/noble/x", nil, day0)
	s.Fault("/releases/noble/", Fault{Status: 500})
	for range 3 {
		if resp, _ := fetch(t, "GET", s.URL+"/releases/noble/", ""); resp.StatusCode != 500 {
			t.Errorf("status %d, want 500", resp.StatusCode)
		}
	}
	if resp, _ := fetch(t, "GET", s.URL+"/releases/noble/x", ""); resp.StatusCode != 200 {
		t.Errorf("a fault on the directory broke the file below: %d", resp.StatusCode)
	}
}

func TestFaultBody(t *testing.T) {
	s := New(t)
	s.File("/SHA256SUMS", []byte("sums"), day0)
	page := []byte("<html><body>Welcome to our captive portal</body></html>")
	s.Fault("/SHA256SUMS", Fault{Body: page})
	resp, body := fetch(t, "GET", s.URL+"/SHA256SUMS", "")
	if resp.StatusCode != 200 || !bytes.Equal(body, page) || resp.ContentLength != int64(len(page)) {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
	s.Fault("/missing", Fault{Status: 500, Body: []byte("oops")})
	if resp, body := fetch(t, "GET", s.URL+"/missing", ""); resp.StatusCode != 500 || string(body) != "oops" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
}

func TestFaultTruncate(t *testing.T) {
	s := New(t)
	s.File("/SHA256SUMS", bytes.Repeat([]byte("0123456789"), 10), day0)
	s.Fault("/SHA256SUMS", Fault{Truncate: 25, Times: 1})

	resp, err := http.Get(s.URL + "/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != 25 || resp.ContentLength != 100 {
		t.Errorf("got %d of %d bytes, error %v; want 25 bytes and unexpected EOF", len(body), resp.ContentLength, err)
	}
	_, body = fetch(t, "GET", s.URL+"/SHA256SUMS", "")
	if len(body) != 100 {
		t.Errorf("after Times: %d bytes", len(body))
	}
}

func TestFaultStall(t *testing.T) {
	s := New(t)
	s.File("/slow", []byte("finally"), day0)

	s.Fault("/slow", Fault{Stall: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/slow", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err) // the headers come before the stall
	}
	if resp.StatusCode != 200 || resp.ContentLength != 7 {
		t.Errorf("headers: %d, Content-Length %d", resp.StatusCode, resp.ContentLength)
	}
	cancel()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("reading a stalled body succeeded")
	}
	resp.Body.Close()

	s.Fault("/slow", Fault{Stall: time.Millisecond})
	if _, body := fetch(t, "GET", s.URL+"/slow", ""); string(body) != "finally" {
		t.Errorf("after a short stall: %q", body)
	}
}

func TestFaultRedirectLoop(t *testing.T) {
	s := New(t)
	s.Fault("/releases/noble/", Fault{RedirectLoop: true})
	resp, _ := fetch(t, "GET", s.URL+"/releases/noble/", "")
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/releases/noble/" {
		t.Errorf("got %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, err := http.Get(s.URL + "/releases/noble/")
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("following the loop: %v", err)
	}
	if got := s.CountPath("GET", "/releases/noble/"); got != 11 {
		t.Errorf("CountPath = %d, want 11", got)
	}
}

func TestFaultCloseConnection(t *testing.T) {
	s := New(t)
	s.File("/x", []byte("x"), day0)
	s.Fault("/x", Fault{CloseConnection: true, Times: 1})
	tr := &http.Transport{DisableKeepAlives: true} // so net/http cannot quietly retry
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	if _, err := client.Get(s.URL + "/x"); err == nil {
		t.Error("got an answer from a dropped connection")
	}
	resp, err := client.Get(s.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after Times: %d", resp.StatusCode)
	}
}

func TestCounts(t *testing.T) {
	s := New(t)
	s.File("/a", []byte("a"), day0)
	fetch(t, "GET", s.URL+"/a", "")
	fetch(t, "HEAD", s.URL+"/a", "")
	fetch(t, "GET", s.URL+"/b%20c", "")
	fetch(t, "GET", s.URL+"/a", "")
	want := []Request{{"GET", "/a"}, {"HEAD", "/a"}, {"GET", "/b c"}, {"GET", "/a"}}
	if got := s.Requests(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Requests = %v, want %v", got, want)
	}
	if s.Count() != 4 || s.CountPath("GET", "/a") != 2 || s.CountPath("", "/a") != 3 || s.CountPath("HEAD", "/b c") != 0 {
		t.Errorf("Count %d, CountPath GET %d, any %d", s.Count(), s.CountPath("GET", "/a"), s.CountPath("", "/a"))
	}
	if s.MaxInFlight() != 1 {
		t.Errorf("MaxInFlight = %d for sequential requests", s.MaxInFlight())
	}
	s.ResetCounts()
	if s.Count() != 0 || len(s.Requests()) != 0 || s.CountPath("", "/a") != 0 {
		t.Error("ResetCounts kept counts")
	}
}

func TestMaxInFlight(t *testing.T) {
	s := New(t)
	s.File("/stalled", []byte("x"), day0)
	s.Fault("/stalled", Fault{Stall: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	// A stall sends the headers first: once a client has them, the server
	// is in the middle of answering it.
	headers := make(chan error, 3)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/stalled", nil)
			resp, err := http.DefaultClient.Do(req)
			headers <- err
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	for range 3 {
		if err := <-headers; err != nil {
			t.Fatal(err)
		}
	}
	if got := s.MaxInFlight(); got != 3 {
		t.Errorf("MaxInFlight = %d with three stalled requests, want 3", got)
	}
	cancel()
	wg.Wait()
	s.ResetCounts()
	fetch(t, "GET", s.URL+"/nothing", "")
	if got := s.MaxInFlight(); got < 1 || got > 3 {
		t.Errorf("MaxInFlight after reset = %d", got)
	}
}

// Close must not wait out latency or a stall, or a failing test would hang.
func TestCloseCutsWaits(t *testing.T) {
	s := Start()
	s.File("/x", []byte("x"), day0)
	s.Latency(time.Hour)
	done := make(chan error, 1)
	go func() {
		_, err := http.Get(s.URL + "/x")
		done <- err
	}()
	for s.Count() < 1 {
		time.Sleep(time.Millisecond)
	}
	s.Close()
	s.Close() // twice is fine
	if err := <-done; err == nil {
		t.Error("request answered although the server closed during its latency")
	}
}

func TestLatencyStillAnswers(t *testing.T) {
	s := New(t)
	s.File("/x", []byte("x"), day0)
	s.Latency(time.Millisecond)
	if _, body := fetch(t, "GET", s.URL+"/x", ""); string(body) != "x" {
		t.Errorf("got %q", body)
	}
	s.Latency(0)
}

// Tests change the tree while a crawler reads it; run with -race.
func TestConcurrentChanges(t *testing.T) {
	s := New(t)
	s.Order("/", Shuffled)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				p := fmt.Sprintf("/releases/w%d/f%d", w, i%5)
				s.File(p, []byte(p), day0)
				if i%7 == 0 {
					s.Remove(p)
				}
				s.Fault(p, Fault{Status: 500, Times: 1})
			}
		})
		wg.Go(func() {
			for range 50 {
				resp, err := http.Get(s.URL + "/releases/")
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 && resp.StatusCode != 404 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	if s.Count() != 200 {
		t.Errorf("Count = %d, want 200", s.Count())
	}
}

func TestFirstRequest(t *testing.T) {
	s := New(t)
	s.File("/a", []byte("a"), time.Time{})
	if got := s.FirstRequest(); !got.IsZero() {
		t.Fatalf("FirstRequest before any request = %v, want zero", got)
	}
	before := time.Now()
	fetch(t, http.MethodGet, s.URL+"/a", "")
	first := s.FirstRequest()
	if first.Before(before) || first.After(time.Now()) {
		t.Fatalf("FirstRequest = %v, want between %v and now", first, before)
	}
	fetch(t, http.MethodGet, s.URL+"/a", "")
	if got := s.FirstRequest(); !got.Equal(first) {
		t.Errorf("FirstRequest after a second request = %v, want the first's %v", got, first)
	}
	s.ResetCounts()
	if got := s.FirstRequest(); !got.IsZero() {
		t.Errorf("FirstRequest after ResetCounts = %v, want zero", got)
	}
}
