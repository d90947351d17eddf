package layout

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// checksumLines checks that every line of a checksum file has the form of
// re and returns the names in file order.
func checksumLines(t *testing.T, body []byte, re *regexp.Regexp) (names, hexes []string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q is not of the real form %s", l, re)
		}
		hexes, names = append(hexes, m[1]), append(names, m[2])
	}
	return names, hexes
}

// The Ubuntu daily layout is the real one: dated build directories without
// release- next to current/ and pending/ in an Apache FancyIndexing
// listing; every SHA256SUMS in binary mode, sorted by hash, naming the image
// by the same name in every build, with siblings whose names contain it.
func TestUbuntuDaily(t *testing.T) {
	s := mirror.New(t)
	const file = "noble-server-cloudimg-amd64.img"
	UbuntuDaily(s, "/ubuntu/noble/", file, []string{"20260704", "20260705", "20260705.1"}, "")
	listing, h := get(t, s, "/ubuntu/noble/")
	if !strings.Contains(h.Get("Server"), "Apache") || !strings.Contains(string(listing), "<pre><img") {
		t.Fatalf("not an Apache FancyIndexing listing (%s):\n%s", h.Get("Server"), listing)
	}
	for _, d := range []string{"20260704/", "20260705/", "20260705.1/", "current/", "pending/"} {
		if !strings.Contains(string(listing), `<a href="`+d+`">`+d+`</a>`) {
			t.Errorf("listing lacks %s", d)
		}
	}
	binary := regexp.MustCompile(`^([0-9a-f]{64}) \*(\S+)$`)
	for _, dir := range []string{"20260705.1", "current"} {
		sums, _ := get(t, s, "/ubuntu/noble/"+dir+"/SHA256SUMS")
		names, hexes := checksumLines(t, sums, binary)
		if !slices.IsSorted(hexes) {
			t.Errorf("%s/SHA256SUMS is not sorted by hash", dir)
		}
		i := slices.Index(names, file)
		if i < 0 || hexes[i] != UbuntuDailyDigest(file, "20260705.1", "") {
			t.Errorf("%s/SHA256SUMS does not give %s the digest of build 20260705.1", dir, file)
		}
		if !slices.Contains(names, file+".manifest") {
			t.Errorf("%s/SHA256SUMS has no sibling whose name contains the image's", dir)
		}
		head(t, s, "/ubuntu/noble/"+dir+"/"+file)
		head(t, s, "/ubuntu/noble/"+dir+"/SHA256SUMS.gpg")
	}
	if sums, _ := get(t, s, "/ubuntu/noble/20260704/SHA256SUMS"); strings.Contains(string(sums), UbuntuDailyDigest(file, "20260705.1", "")) {
		t.Error("an older build lists the newest digest")
	}
}

// The Debian daily layout is the real one: YYYYMMDD-NNNN build directories
// and latest/ below daily/, in an Apache HTMLTable listing; SHA512SUMS in
// text mode, sorted by name; names carry -daily-<build> in a build and
// -daily in latest/.
func TestDebianDaily(t *testing.T) {
	for _, base := range []string{"/cdimage/cloud/bookworm/", "/images/cloud/bookworm/"} {
		s := mirror.New(t)
		const name = "debian-12-genericcloud-amd64"
		DebianDaily(s, base, name, []string{"20260122-2365", "20260124-2367"}, "")
		listing, _ := get(t, s, base+"daily/")
		if !strings.Contains(string(listing), `<table id="indexlist">`) {
			t.Fatalf("not an Apache HTMLTable listing:\n%s", listing)
		}
		for _, d := range []string{"20260122-2365/", "20260124-2367/", "latest/"} {
			if !strings.Contains(string(listing), `<a href="`+d+`">`) {
				t.Errorf("listing lacks %s", d)
			}
		}
		text := regexp.MustCompile(`^([0-9a-f]{128})  (\S+)$`)
		for dir, want := range map[string]string{"20260124-2367": name + "-daily-20260124-2367.qcow2", "latest": name + "-daily.qcow2"} {
			sums, _ := get(t, s, base+"daily/"+dir+"/SHA512SUMS")
			names, hexes := checksumLines(t, sums, text)
			if !slices.IsSorted(names) {
				t.Errorf("%s/SHA512SUMS is not sorted by name", dir)
			}
			i := slices.Index(names, want)
			if i < 0 || hexes[i] != DebianDailyDigest(name, "20260124-2367", "") {
				t.Errorf("%s/SHA512SUMS does not give %s the digest of build 20260124-2367:\n%s", dir, want, sums)
			}
			head(t, s, base+"daily/"+dir+"/"+want)
		}
	}
}
