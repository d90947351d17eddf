package listing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/osism/image-crawler/internal/testenv/golden"
)

// listingFixtures maps each listing under testdata/listings to the URL it is
// (or imitates being) served from.
var listingFixtures = map[string]string{
	"ubuntu2404-fancyindex.html":           "https://cloud-images.ubuntu.com/noble/",
	"debian13-htmltable.html":              "https://cdimage.debian.org/cdimage/cloud/trixie/daily/",
	"nginx-almalinux9-images.html":         "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/",
	"nginx-almalinux-root.html":            "https://repo.almalinux.org/almalinux/",
	"nginx-alpine-v3.23-cloud.html":        "https://dl-cdn.alpinelinux.org/alpine/v3.23/releases/cloud/",
	"nginx-escapes.html":                   "https://mirror.example.org/pub/images/",
	"hostile-links.html":                   "https://mirror.example.org/pub/images/",
	"mirrorcache-leap15.6-appliances.json": "https://download.opensuse.org/distribution/leap/15.6/appliances/?jsontable",
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return u
}

func parseListingFile(t *testing.T, name string) []Entry {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "listings", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	base := mustURL(t, listingFixtures[name])
	entries, err := Parse(f, base)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	checkEntries(t, base, entries)
	return entries
}

// checkEntries asserts the properties every result must have, whatever the
// input: a non-empty name without "/", the name matching the URL's last
// segment, the URL a direct child of base, no name twice.
func checkEntries(t testing.TB, base *url.URL, entries []Entry) {
	t.Helper()
	dirPath := base.EscapedPath()
	seen := map[string]bool{}
	for i, e := range entries {
		if e.Name == "" || strings.ContainsAny(e.Name, `/\`) || e.Name == "." || e.Name == ".." {
			t.Errorf("entry %d: bad name %q", i, e.Name)
		}
		if seen[e.Name] {
			t.Errorf("entry %d: name %q listed twice", i, e.Name)
		}
		seen[e.Name] = true
		u := e.URL
		if u == nil {
			t.Errorf("entry %d (%q): no URL", i, e.Name)
			continue
		}
		if u.Scheme != base.Scheme || !strings.EqualFold(u.Host, base.Host) || u.User.String() != base.User.String() || u.Opaque != "" ||
			u.RawQuery != "" || u.Fragment != "" {
			t.Errorf("entry %d (%q): URL %s is not on %s", i, e.Name, u, base)
			continue
		}
		rest, ok := strings.CutPrefix(u.EscapedPath(), dirPath)
		if !ok {
			t.Errorf("entry %d (%q): URL %s is outside %s", i, e.Name, u, base)
			continue
		}
		seg, isDir := strings.CutSuffix(rest, "/")
		if strings.Contains(seg, "/") || isDir != e.Dir {
			t.Errorf("entry %d (%q, dir=%v): URL %s is not a direct child of %s", i, e.Name, e.Dir, u, base)
		}
		if name, err := url.PathUnescape(seg); err != nil || name != e.Name {
			t.Errorf("entry %d: name %q, but the URL's last segment decodes to %q (%v)", i, e.Name, name, err)
		}
	}
}

func formatEntries(base string, entries []Entry) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# base: %s\n# kind name url\n", base)
	for _, e := range entries {
		kind := "f"
		if e.Dir {
			kind = "d"
		}
		fmt.Fprintf(&b, "%s %s %s\n", kind, strconv.Quote(e.Name), e.URL)
	}
	return b.Bytes()
}

func TestParseListingGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "listings", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		if strings.HasSuffix(name, ".golden") || name == "README.md" {
			continue
		}
		if _, ok := listingFixtures[name]; !ok {
			t.Errorf("%s has no base URL in listingFixtures", name)
		}
	}
	for name, base := range listingFixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := formatEntries(base, parseListingFile(t, name))
			golden.Assert(t, filepath.Join("testdata", "listings", strings.TrimSuffix(name, filepath.Ext(name))+".golden"), got)
		})
	}
}

func names(entries []Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name)
	}
	return out
}

// TestParseListingFixtures states what each real listing must yield,
// independently of the golden files.
func TestParseListingFixtures(t *testing.T) {
	t.Parallel()
	t.Run("ubuntu FancyIndexing page with unrelated links", func(t *testing.T) {
		t.Parallel()
		got := parseListingFile(t, "ubuntu2404-fancyindex.html")
		want := []string{"20260307", "20260321", "20260323", "20260518", "20260615", "20260705", "current"}
		if !slices.Equal(names(got), want) {
			t.Errorf("names = %q, want %q", names(got), want)
		}
		for _, e := range got {
			if !e.Dir {
				t.Errorf("%q: Dir = false, want true", e.Name)
			}
		}
		if got[0].URL.String() != "https://cloud-images.ubuntu.com/noble/20260307/" {
			t.Errorf("URL = %s", got[0].URL)
		}
	})
	t.Run("debian HTMLTable with absolute parent href", func(t *testing.T) {
		t.Parallel()
		got := parseListingFile(t, "debian13-htmltable.html")
		if len(got) != 113 {
			t.Errorf("%d entries, want 113 (every table row but the parent)", len(got))
		}
		if first, last := got[0], got[len(got)-1]; first.Name != "20260319-2421" || last.Name != "latest" || !last.Dir {
			t.Errorf("first %+v, last %+v", first, last)
		}
		if slices.Contains(names(got), "trixie") {
			t.Error("the parent directory /cdimage/cloud/trixie/ was listed")
		}
	})
	t.Run("nginx truncated link text", func(t *testing.T) {
		t.Parallel()
		got := parseListingFile(t, "nginx-alpine-v3.23-cloud.html")
		if len(got) != 48 {
			t.Errorf("%d entries, want 48", len(got))
		}
		want := "nocloud_alpine-3.23.4-x86_64-uefi-cloudinit-r0.qcow2.sha512"
		if !slices.Contains(names(got), want) {
			t.Errorf("%q missing from %q", want, names(got))
		}
		for _, e := range got {
			if strings.Contains(e.Name, "..>") || e.Dir {
				t.Errorf("entry %+v read from link text or marked as a directory", e)
			}
		}
	})
	t.Run("nginx escaped hrefs", func(t *testing.T) {
		t.Parallel()
		got := parseListingFile(t, "nginx-escapes.html")
		want := []string{
			"exactly-fifty-bytes-name-aaaaaaaaaaaaaaaaaaaaaaaa",
			"release 2026",
			"50-percent%-and-a-hash#-and-a-question-mark?-in-a-very-long-name.img",
			"a+b.qcow2",
			"x&y<z>.img",
			"Übung-Äpfel-名前.qcow2",
		}
		if !slices.Equal(names(got), want) {
			t.Errorf("names = %q, want %q", names(got), want)
		}
	})
	t.Run("MirrorCache jsontable", func(t *testing.T) {
		t.Parallel()
		got := parseListingFile(t, "mirrorcache-leap15.6-appliances.json")
		if len(got) != 8 {
			t.Fatalf("%d entries, want 8", len(got))
		}
		last := got[len(got)-1]
		if last.Name != "repo" || !last.Dir || last.URL.String() != "https://download.opensuse.org/distribution/leap/15.6/appliances/repo/" {
			t.Errorf("last entry = %+v (URL %s)", last, last.URL)
		}
	})
}

// listingOf wraps hrefs in an Apache FancyIndexing page.
func listingOf(hrefs ...string) string {
	var b strings.Builder
	b.WriteString("<html><body><pre><a href=\"?C=N;O=D\">Name</a>\n")
	for _, h := range hrefs {
		fmt.Fprintf(&b, "<img src=\"/icons/unknown.gif\" alt=\"[   ]\"> <a href=\"%s\">link text</a>  2026-07-05 12:00  584M\n",
			strings.ReplaceAll(h, `"`, "&quot;"))
	}
	b.WriteString("</pre></body></html>\n")
	return b.String()
}

// TestParseListingHrefs is the security table: only direct children of base
// survive, whatever form the href takes.
func TestParseListingHrefs(t *testing.T) {
	t.Parallel()
	const base = "https://mirror.example.org/pub/images/"
	tests := []struct {
		href    string
		name    string // "" = dropped
		dir     bool
		wantURL string
	}{
		{href: "release-20260705/", name: "release-20260705", dir: true, wantURL: base + "release-20260705/"},
		{href: "SHA256SUMS", name: "SHA256SUMS", wantURL: base + "SHA256SUMS"},
		{href: "/pub/images/x.img", name: "x.img", wantURL: base + "x.img"},
		{href: "https://mirror.example.org/pub/images/x.img", name: "x.img", wantURL: base + "x.img"},
		{href: "HTTPS://MIRROR.EXAMPLE.ORG/pub/images/x.img", name: "x.img"},
		{href: "./x.img", name: "x.img"},
		{href: "sub/../x.img", name: "x.img", wantURL: base + "x.img"},
		{href: " \tx.img\n", name: "x.img"},
		{href: "a%2Bb.img", name: "a+b.img", wantURL: base + "a%2Bb.img"},
		{href: "a+b.img", name: "a+b.img"},
		{href: "name%20with%20spaces.img", name: "name with spaces.img"},
		{href: "%C3%BCber.img", name: "über.img"},
		{href: "%E5%90%8D%E5%89%8D/", name: "名前", dir: true},
		{href: "x.img%3Fq", name: "x.img?q", wantURL: base + "x.img%3Fq"},
		{href: "?C=N;O=D"},
		{href: "?C=M;O=A"},
		{href: "x.img?download=1"},
		{href: "x.img?"},
		{href: "#top"},
		{href: "x.img#frag"},
		{href: "../"},
		{href: ".."},
		{href: "/pub/"},
		{href: "/"},
		{href: ""},
		{href: "."},
		{href: "./"},
		{href: "/pub/images/"},
		{href: base},
		{href: "../other/x.img"},
		{href: "sub/../../x.img"},
		{href: "/pub/images/../../etc/passwd"},
		{href: "%2e%2e/"},
		{href: "%2E%2E"},
		{href: "%2e"},
		{href: "a%2Fb.img"},
		{href: "a%2fb/"},
		{href: `..\x.img`},
		{href: "a%5Cb.img"},
		{href: "sub/x.img"},
		{href: "sub/", name: "sub", dir: true, wantURL: base + "sub/"},
		{href: "/pub/images/sub/x.img"},
		{href: "/pub/images-evil/x.img"},
		{href: "/pub/imagesx.img"},
		{href: "/other/x.img"},
		{href: "https://evil.example.com/pub/images/x.img"},
		{href: "//evil.example.com/pub/images/x.img"},
		{href: "http://mirror.example.org/pub/images/x.img"},
		{href: "https://mirror.example.org:8443/pub/images/x.img"},
		{href: "https://user:secret@mirror.example.org/pub/images/x.img"},
		{href: "https://mirror.example.org@evil.example.com/pub/images/x.img"},
		{href: "ftp://mirror.example.org/pub/images/x.img"},
		{href: "javascript:alert(1)"},
		{href: "mailto:root@example.org"},
		{href: "data:text/plain,x.img"},
		{href: "x%0Ay.img"},
		{href: "x%00y.img"},
		{href: "x%09y.img"},
		{href: "%FF.img"},
		{href: "%zz.img"},
		{href: "x.img%"},
	}
	for _, tt := range tests {
		t.Run(tt.href, func(t *testing.T) {
			t.Parallel()
			b := mustURL(t, base)
			got, err := Parse(strings.NewReader(listingOf(tt.href)), b)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkEntries(t, b, got)
			if tt.name == "" {
				if len(got) != 0 {
					t.Errorf("href %q: got %+v, want it dropped", tt.href, got)
				}
				return
			}
			if len(got) != 1 || got[0].Name != tt.name || got[0].Dir != tt.dir {
				t.Fatalf("href %q: got %+v, want one entry %q (dir=%v)", tt.href, got, tt.name, tt.dir)
			}
			if tt.wantURL != "" && got[0].URL.String() != tt.wantURL {
				t.Errorf("href %q: URL = %s, want %s", tt.href, got[0].URL, tt.wantURL)
			}
		})
	}
}

func TestParseListingOrderAndDuplicates(t *testing.T) {
	t.Parallel()
	base := mustURL(t, "https://mirror.example.org/pub/")
	body := listingOf("c/", "a.img", "b.img", "a.img", "c", "a%2Eimg", "/pub/b.img", "d%20e", "d e")
	got, err := Parse(strings.NewReader(body), base)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Name: "c", Dir: true}, {Name: "a.img"}, {Name: "b.img"}, {Name: "d e"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Dir != want[i].Dir {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// The first spelling wins, so the URL is the one the listing gave first.
	if got[3].URL.String() != "https://mirror.example.org/pub/d%20e" {
		t.Errorf("URL = %s", got[3].URL)
	}
}

func TestParseListingHTMLForms(t *testing.T) {
	t.Parallel()
	base := mustURL(t, "https://mirror.example.org/pub/")
	tests := []struct {
		name, body string
		want       []string
	}{
		{"single-quoted and unquoted attributes", `<a href='a.img'>a</a><a href=b.img>b</a><A HREF="c.img">c</A>`, []string{"a.img", "b.img", "c.img"}},
		{"entity in href", `<a href="x&amp;y.img">x</a><a href="p&#43;q.img">p</a>`, []string{"x&y.img", "p+q.img"}},
		{"first of duplicate href attributes", `<a href="a.img" href="../evil">a</a>`, []string{"a.img"}},
		{"href on other elements is ignored", `<link href="style.css"><img src="i.png"><area href="map.img"><base href="https://evil.example.com/"><a href="ok.img">ok</a>`, []string{"ok.img"}},
		{"a without href", `<a name="top">top</a><a>x</a>`, nil},
		{"links inside script and comments are not links", `<script>document.write('<a href="s.img">')</script><!-- <a href="c.img"> --><a href="real.img">r</a>`, []string{"real.img"}},
		{"self-closing a", `<a href="x.img"/>`, []string{"x.img"}},
		{"unterminated tag at EOF", `<a href="x.img">x</a><a href="y.img`, []string{"x.img"}},
		{"byte order mark", "\uFEFF<html><a href=\"x.img\">x</a>", []string{"x.img"}},
		{"not a listing: checksum file", "ffe6203da54deeb6db5d2a98a83f9ec8e55f149d3f7ba622e1abe5fa966ee3d6 *noble-server-cloudimg-amd64.img\n", nil},
		{"not a listing: error page", "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><a href=\"/\">Home</a><a href=\"https://example.org/help\">help</a></body></html>", nil},
		{"empty body", "", nil},
		{"whitespace only", " \r\n\t", nil},
		{"binary garbage", "\x00\x01\x02<\xff\xfe>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(strings.NewReader(tt.body), base)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkEntries(t, base, got)
			if !slices.Equal(names(got), tt.want) {
				t.Errorf("names = %q, want %q", names(got), tt.want)
			}
		})
	}
}

func TestParseListingJSONTable(t *testing.T) {
	t.Parallel()
	base := mustURL(t, "https://download.opensuse.org/distribution/leap/16.0/appliances/?jsontable")
	tests := []struct {
		name, body string
		want       []string // names, dirs with a trailing "/"
		wantErr    string
	}{
		{name: "string-typed fields", body: `{"data":[{"name":"Leap-16.0-Minimal-VM.x86_64-Cloud-Build16.2.qcow2","mtime":"1759300000","size":"301989888"},{"name":"iso/","mtime":"1759300000"}]}`,
			want: []string{"Leap-16.0-Minimal-VM.x86_64-Cloud-Build16.2.qcow2", "iso/"}},
		{name: "names are text, not URLs", body: `{"data":[{"name":"a%2Fb"},{"name":"x?y#z"},{"name":"c:d"},{"name":"a b"}]}`,
			want: []string{"a%2Fb", "x?y#z", "c:d", "a b"}},
		{name: "unsafe names are dropped", body: `{"data":[{"name":"../"},{"name":".."},{"name":"./"},{"name":"a/b"},{"name":"/etc/passwd"},{"name":""},{"name":"/"},{"name":"x\ny"},{"name":"ok"}]}`,
			want: []string{"ok"}},
		{name: "duplicates", body: `{"data":[{"name":"a"},{"name":"a/"}]}`, want: []string{"a"}},
		{name: "leading whitespace and BOM", body: "\uFEFF \n{\"data\":[{\"name\":\"a\"}]}\n", want: []string{"a"}},
		{name: "no data", body: `{}`},
		{name: "null data", body: `{"data":null}`},
		{name: "empty data", body: `{"data":[]}`},
		{name: "truncated", body: `{"data":[{"name":"a"}`, wantErr: "parse MirrorCache JSON listing"},
		{name: "not JSON", body: `{data: [name: a]}`, wantErr: "parse MirrorCache JSON listing"},
		{name: "data not an array", body: `{"data":5}`, wantErr: "parse MirrorCache JSON listing"},
		{name: "name not a string", body: `{"data":[{"name":5}]}`, wantErr: "parse MirrorCache JSON listing"},
		{name: "entry without name", body: `{"data":[{"name":"a"},{"mtime":1}]}`, wantErr: `data[1] has no "name"`},
		{name: "trailing data", body: `{"data":[]} {"data":[]}`, wantErr: "data after the JSON document"},
		{name: "trailing garbage", body: `{"data":[]}<html>`, wantErr: "data after the JSON document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(strings.NewReader(tt.body), base)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkEntries(t, base, got)
			var gotNames []string
			for _, e := range got {
				n := e.Name
				if e.Dir {
					n += "/"
				}
				gotNames = append(gotNames, n)
			}
			if !slices.Equal(gotNames, tt.want) {
				t.Errorf("names = %q, want %q", gotNames, tt.want)
			}
		})
	}
}

func TestParseListingErrors(t *testing.T) {
	t.Parallel()
	errRead := errors.New("connection reset")
	good := mustURL(t, "https://mirror.example.org/pub/")
	tests := []struct {
		name    string
		r       io.Reader
		base    *url.URL
		wantErr string
		wantIs  error
	}{
		{name: "nil base", r: strings.NewReader(""), base: nil, wantErr: "no base URL"},
		{name: "relative base", r: strings.NewReader(""), base: mustURL(t, "/pub/"), wantErr: "not an absolute"},
		{name: "base without trailing slash", r: strings.NewReader(""), base: mustURL(t, "https://mirror.example.org/pub"), wantErr: "not a directory"},
		{name: "base error hides password", r: strings.NewReader(""), base: mustURL(t, "https://u:hunter2@mirror.example.org/pub"), wantErr: "u:xxxxx@"},
		{name: "read error in HTML", r: io.MultiReader(strings.NewReader(`<a href="x">`), iotest.ErrReader(errRead)), base: good, wantIs: errRead},
		{name: "read error before any byte", r: iotest.ErrReader(errRead), base: good, wantIs: errRead},
		{name: "read error in JSON", r: io.MultiReader(strings.NewReader(`{"data":[`), iotest.ErrReader(errRead)), base: good, wantIs: errRead},
		{name: "huge token", r: strings.NewReader("<a href=\"" + strings.Repeat("x", maxListingToken+10) + "\">"), base: good, wantErr: "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.r, tt.base)
			if err == nil {
				t.Fatalf("got %+v, want an error", got)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want one wrapping %v", err, tt.wantIs)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("err = %v leaks the password", err)
			}
		})
	}
}

// comparePlainPath checks that the shortcut for plain hrefs gives exactly
// what resolving them gives.
func comparePlainPath(t testing.TB, c *collector, href string) {
	t.Helper()
	name, isDir, ok := plainSegment(href)
	if !ok || !c.plainOK {
		return
	}
	u, gotName, gotDir, gotOK := c.resolve(href)
	if !gotOK || gotName != name || gotDir != isDir || !reflect.DeepEqual(u, c.plainURL(href)) {
		t.Errorf("href %q under %s: shortcut gives %q dir=%v %#v; resolving gives %q dir=%v ok=%v %#v",
			href, c.dir, name, isDir, c.plainURL(href), gotName, gotDir, gotOK, u)
	}
}

func TestPlainSegmentMatchesResolve(t *testing.T) {
	t.Parallel()
	hrefs := []string{"x.img", "release-20260705/", "a+b.qcow2", "~user/", "...", "a..b/", "-", "_", "v1.2.3", "CHECKSUM", "Z"}
	for _, base := range []string{
		"https://mirror.example.org/pub/images/",
		"http://user@mirror.example.org:8080/",
		"https://mirror.example.org/a%20b/",
		"https://mirror.example.org/a/./b/../c/",
		"https://MIRROR.example.org/pub/images/?jsontable",
	} {
		dir, err := listingDir(mustURL(t, base))
		if err != nil {
			t.Fatal(err)
		}
		c := newCollector(dir)
		if !c.plainOK {
			t.Errorf("%s: shortcut unexpectedly disabled", base)
		}
		for _, href := range hrefs {
			comparePlainPath(t, c, href)
		}
	}
	// A base with dot segments is listed like its normalised form.
	got, err := Parse(strings.NewReader(listingOf("x.img", "/a/c/y.img")), mustURL(t, "https://mirror.example.org/a/./b/../c/"))
	if err != nil || !slices.Equal(names(got), []string{"x.img", "y.img"}) || got[0].URL.String() != "https://mirror.example.org/a/c/x.img" {
		t.Errorf("got %+v, %v", got, err)
	}
}

// Only the entries keep accepts are stored, and a listing that yields more
// than MaxEntries is refused, however large it is.
func TestParseListingFuncBounds(t *testing.T) {
	base, _ := url.Parse("https://example.org/d/")
	hrefs := []string{"release-20260705/"}
	for i := range MaxEntries + 1 {
		hrefs = append(hrefs, fmt.Sprintf("x%07d/", i))
	}
	body := []byte(listingOf(hrefs...))
	keep := func(name string, dir bool) bool { return dir && strings.HasPrefix(name, "release-") }
	es, err := ParseFunc(bytes.NewReader(body), base, keep)
	if err != nil || len(es) != 1 || es[0].Name != "release-20260705" {
		t.Fatalf("%v %+v", err, es)
	}
	if _, err := Parse(bytes.NewReader(body), base); err == nil || !strings.Contains(err.Error(), "more than 20000 entries") {
		t.Fatalf("error %v", err)
	}
}
