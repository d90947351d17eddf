package upstream

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/source"
)

// A catalog entry may name the stream it follows with its own latest_url
// and latest_checksum_url (the image manager's keys). Those URLs, not the
// source's, decide where the entry's builds come from: Follow recognises
// the layout they point into and turns it into an upstream that pins within
// that stream, on the entry's own host and tree. docs/sources.md lists the
// layouts ("Followed streams").

// UnknownStreamError is an entry whose URLs match no layout the crawler
// knows. The entry is left as it is: it is reported, not failed.
type UnknownStreamError struct {
	URL string // the URL that was not understood (latest_url, unless only the checksum URL was off)
	// Reason says what did not fit, for logs and the report's details; it
	// is not part of Error, so that messages stay one short sentence.
	Reason string
}

func (e *UnknownStreamError) Error() string {
	return "follows " + e.URL + ", which no source describes"
}

// Stream is what FollowStream recognised in an entry's URLs.
type Stream struct {
	// Image is the source's image with Type and Upstream rewritten to crawl
	// the followed stream; every other field is the source's.
	Image source.Image
	// Layout names the stream for messages ("Ubuntu daily", "Debian
	// release", "alias with its own checksum sidecar", ...).
	Layout string
	// SignatureNote says why the source's signature setting was not kept
	// (the stream's checksum files are not the ones its keys sign, or no
	// source names the image); "" when it was kept, or was off anyway.
	SignatureNote string
}

// Follow returns img set up to crawl the stream that latestURL and
// latestChecksumURL (an entry's latest_url and latest_checksum_url) point
// into, pinned within that stream. It is FollowStream without the details.
func Follow(img source.Image, latestURL, latestChecksumURL string) (source.Image, error) {
	s, err := FollowStream(img, latestURL, latestChecksumURL)
	return s.Image, err
}

// FollowStream recognises the stream layout of an entry's latest_url and
// latest_checksum_url and returns img with its Type and Upstream rewritten,
// so that crawling it reads the latest digest from the entry's own checksum
// file and pins a build of the same stream: the same host, directory tree
// and file naming as the entry's URLs. It makes no request.
//
// img is the source that names the entry. Its signature settings (mode,
// signature file and keys) are kept when the followed stream's checksum
// files are the ones those keys sign; otherwise the signature is turned off
// and SignatureNote says why, because keys that sign another stream would
// fail every build of this one.
//
// img may be the zero Image with only Name set: an entry no source names
// whose URLs are a known layout. The result is then complete for crawling
// (Type, Upstream with Algorithm), with the signature off: no source names
// keys for it. Such an entry may be crawled: its operator chose the stream
// by writing the URLs, and the crawl still confirms every build in its own
// checksum file and HEADs the pinned image. The result is unverified
// (Result.Verified is false), which the report should say.
//
// URLs that match no known layout give an *UnknownStreamError.
func FollowStream(img source.Image, latestURL, latestChecksumURL string) (Stream, error) {
	latestURL, latestChecksumURL = strings.TrimSpace(latestURL), strings.TrimSpace(latestChecksumURL)
	imgDir, imgName, err := splitEntryURL(latestURL)
	if err != nil {
		return Stream{}, &UnknownStreamError{URL: latestURL, Reason: "latest_url: " + err.Error()}
	}
	sumsDir, sumsName, err := splitEntryURL(latestChecksumURL)
	if err != nil {
		return Stream{}, &UnknownStreamError{URL: latestChecksumURL, Reason: "latest_checksum_url: " + err.Error()}
	}
	if imgDir.String() != sumsDir.String() {
		// Every known layout publishes the checksum file next to the image.
		return Stream{}, &UnknownStreamError{URL: latestChecksumURL,
			Reason: fmt.Sprintf("the checksum file is not in the image's directory %s", imgDir)}
	}
	e := entryURLs{dir: imgDir, name: imgName, sums: sumsName}
	var st stream
	var ok bool
	var reasons []string
	for _, recognise := range layouts {
		if st, ok = recognise(e); ok {
			break
		}
		reasons = append(reasons, st.reason)
	}
	if !ok {
		return Stream{}, &UnknownStreamError{URL: latestURL, Reason: "no known layout: " + strings.Join(reasons, "; ")}
	}
	if st.up.Algorithm == "" {
		return Stream{}, &UnknownStreamError{URL: latestChecksumURL,
			Reason: fmt.Sprintf("%s names no sha256 or sha512 checksums", sumsName)}
	}

	out := img
	out.Type = st.typ
	up := st.up
	up.Signature = source.SignatureOff
	var note string
	switch {
	case img.Type == "":
		note = "no source names this image, so no keys are trusted for its checksum files: signature not checked"
	case signingDomain(img.Type, img.Upstream) == signingDomain(st.typ, up):
		up.Signature = img.Upstream.Signature
		up.SignatureFile = img.Upstream.SignatureFile
		up.Keys = img.Upstream.Keys
		up.KeyData = img.Upstream.KeyData
	case img.Upstream.SignatureMode() != source.SignatureOff:
		note = fmt.Sprintf("the %s stream's checksum files are not the ones the source's keys sign: signature not checked", st.layout)
	}
	out.Upstream = up
	out.Followed = true
	return Stream{Image: out, Layout: st.layout, SignatureNote: note}, nil
}

// entryURLs is an entry's latest_url split into its directory and file
// name, and the name of its latest_checksum_url in that directory.
type entryURLs struct {
	dir  *url.URL // ends in /
	name string   // the image (or, with HEREBE...DRAGONS, the pattern)
	sums string
}

// segs returns the directory's path segments.
func (e entryURLs) segs() []string {
	return strings.Split(strings.Trim(e.dir.Path, "/"), "/")
}

// up returns the directory n levels above e.dir, as a URL string ending in /.
func (e entryURLs) up(n int) string {
	segs := e.segs()
	u := *e.dir
	u.Path = "/" + strings.Join(segs[:len(segs)-n], "/") + "/"
	if u.Path == "//" {
		u.Path = "/"
	}
	return u.String()
}

// stream is one recognised layout: the type and upstream that crawl it.
type stream struct {
	typ    string
	up     source.Upstream
	layout string
	reason string // why it was not recognised, when it was not
}

// layouts are tried in order; the first that recognises an entry wins.
var layouts = []func(entryURLs) (stream, bool){
	followPattern, followUbuntu, followDebian, followAlias,
}

// fileName is what the file names of the known layouts look like. It keeps
// anything that could climb or be read as a path out of a pinned name.
var fileName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+~-]*$`) })

// pathSegment is a directory name a known layout may hold.
var pathSegment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+~-]*$`) })

// splitEntryURL splits an absolute http(s) file URL into its directory and
// its file name. The name is taken as written, not URL-decoded: in the
// HEREBE convention it is a regular expression, whose \d and $ are no URL
// syntax. A query, fragment or credentials belong to no layout.
func splitEntryURL(raw string) (*url.URL, string, error) {
	if raw == "" {
		return nil, "", fmt.Errorf("empty")
	}
	i := strings.LastIndex(raw, "/")
	if i < 0 {
		return nil, "", fmt.Errorf("%q is not a URL", raw)
	}
	dirPart, name := raw[:i+1], raw[i+1:]
	if strings.ContainsAny(name, "?#") && !strings.Contains(name, "HEREBE") {
		return nil, "", fmt.Errorf("a query or fragment is part of no known layout")
	}
	u, err := url.Parse(dirPart)
	if err != nil {
		return nil, "", err
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, "", fmt.Errorf("want an http or https URL")
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return nil, "", fmt.Errorf("want a plain http(s)://host/path URL")
	case u.RawPath != "":
		return nil, "", fmt.Errorf("escaped characters in the path are part of no known layout")
	case name == "":
		return nil, "", fmt.Errorf("names a directory, not a file")
	}
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg != "" && !pathSegment().MatchString(seg) {
			return nil, "", fmt.Errorf("path segment %q is part of no known layout", seg)
		}
	}
	if strings.Contains(u.Path, "//") {
		return nil, "", fmt.Errorf("empty path segment")
	}
	return u, name, nil
}

// algorithmOf names the checksums a checksum file holds, from its name:
// SHA256SUMS, sha256sum.txt, *.SHA256SUM, SHA512SUMS. AlmaLinux, Rocky and
// CentOS publish CHECKSUM (and Rocky <image>.CHECKSUM) with SHA-256 only.
// "" for anything else (MD5SUMS).
func algorithmOf(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "sha512"):
		return string(checksum.SHA512)
	case strings.Contains(n, "sha256"):
		return string(checksum.SHA256)
	case n == "checksum" || strings.HasSuffix(n, ".checksum"):
		return string(checksum.SHA256)
	}
	return ""
}

// Ubuntu (cloud-images.ubuntu.com):
//
//	releases/<series>/release/<file>           pinned releases/<series>/release-<serial>/<file>
//	minimal/releases/<series>/release/<file>   pinned .../release-<serial>/<file>
//	<series>/current/<file>                    pinned <series>/<YYYYMMDD[.N]>/<file>
//	minimal/daily/<series>/current/<file>      pinned .../<YYYYMMDD[.N]>/<file>
//
// with SHA256SUMS next to the file, which keeps its name in every build.
func followUbuntu(e entryURLs) (stream, bool) {
	segs := e.segs()
	if !strings.Contains(e.name, "-cloudimg-") || !fileName().MatchString(e.name) || e.sums != "SHA256SUMS" || len(segs) < 2 {
		return stream{reason: "not an Ubuntu cloud image next to SHA256SUMS"}, false
	}
	last := segs[len(segs)-1]
	up := source.Upstream{URL: e.up(1), Checksums: e.sums, Algorithm: algorithmOf(e.sums), Filename: e.name}
	minimal := strings.Contains(e.dir.Path, "/minimal/")
	kind := "Ubuntu"
	if minimal {
		kind += " minimal"
	}
	switch {
	case last == "release" && len(segs) >= 3 && segs[len(segs)-3] == "releases":
		up.Latest = "release/"
		return stream{typ: "ubuntu", up: up, layout: kind + " release"}, true
	case last == "current" && !slices.Contains(segs, "releases"):
		up.Latest = "current/"
		return stream{typ: "ubuntu-daily", up: up, layout: kind + " daily"}, true
	}
	return stream{reason: "an Ubuntu image outside releases/<series>/release/ and <series>/current/"}, false
}

// Debian (cloud.debian.org/images/cloud/ = cdimage.debian.org/cdimage/cloud/):
//
//	<codename>/latest/<name>.<ext>         pinned <codename>/<YYYYMMDD-NNNN>/<name>-<YYYYMMDD-NNNN>.<ext>
//	<codename>/daily/latest/<name>.<ext>   pinned <codename>/daily/<YYYYMMDD-NNNN>/<name>-<YYYYMMDD-NNNN>.<ext>
//
// with SHA512SUMS next to the file. The names in latest/ carry no build;
// the pinned name inserts it before the extension.
func followDebian(e entryURLs) (stream, bool) {
	segs := e.segs()
	if !strings.HasPrefix(e.name, "debian-") || !fileName().MatchString(e.name) || (e.sums != "SHA512SUMS" && e.sums != "SHA256SUMS") ||
		len(segs) < 2 || segs[len(segs)-1] != "latest" {
		return stream{reason: "not a Debian image in latest/ next to SHA512SUMS"}, false
	}
	stem, ext, ok := strings.Cut(e.name, ".")
	if !ok || stem == "" || ext == "" {
		return stream{reason: "a Debian image name without an extension"}, false
	}
	up := source.Upstream{
		URL: e.up(1), Latest: "latest/", Checksums: e.sums, Algorithm: algorithmOf(e.sums),
		Filename: e.name, Pinned: stem + "-{version}." + ext,
	}
	layout := "Debian release"
	if segs[len(segs)-2] == "daily" {
		layout = "Debian daily"
	}
	return stream{typ: "debian", up: up, layout: layout}, true
}

// aliasName is the -latest (AlmaLinux, CentOS Stream) or .latest (Rocky)
// alias of a build: group 1 the name before, group 2 the rest after it.
var aliasName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^((?:AlmaLinux|Rocky|CentOS-Stream)-[A-Za-z0-9._+~-]*?)[-.]latest(\.[A-Za-z0-9._+~-]+)$`)
})

// rockyMajor reads the major release a Rocky name starts with.
var rockyMajor = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Rocky-([0-9]+)-`) })

// AlmaLinux, Rocky and CentOS Stream: an alias of the current build beside
// the versioned builds in one directory, any of their directories
// (almalinux/9/cloud/x86_64/images/, pub/rocky/9/images/x86_64/ or
// pub/rocky/9.5/..., centos/9-stream/x86_64/images/), with either the
// directory's checksum file (CHECKSUM) or the alias's own sidecar
// (<alias>.CHECKSUM, <alias>.SHA256SUM). The pinned name puts -{version}
// in place of the alias's -latest or .latest. Rocky's
// Rocky-<major>-GenericCloud.latest is a second alias of the
// GenericCloud-Base build, so it pins Rocky-<major>-GenericCloud-Base-{version}.
// A Rocky major-version directory stands for the current minor one; its
// builds are pinned in the minor directory, as the shipped Rocky sources do.
func followAlias(e entryURLs) (stream, bool) {
	m := aliasName().FindStringSubmatch(e.name)
	if m == nil {
		return stream{reason: "no -latest or .latest alias of AlmaLinux, Rocky or CentOS Stream"}, false
	}
	base, rest := m[1], m[2]
	if rm := rockyMajor().FindStringSubmatch(base); rm != nil && base == "Rocky-"+rm[1]+"-GenericCloud" {
		base += "-Base"
	}
	up := source.Upstream{
		URL: e.dir.String(), Checksums: e.sums, Algorithm: algorithmOf(e.sums),
		Filename: e.name, Pinned: base + "-{version}" + rest,
	}
	sidecar := strings.HasPrefix(e.sums, e.name+".")
	if !sidecar && (strings.Contains(e.sums, "latest") || !fileName().MatchString(e.sums)) {
		return stream{reason: "the checksum file is neither the directory's nor the alias's own"}, false
	}
	typ, layout := "alias-checksum", "alias in the directory checksum file"
	if sidecar {
		typ, layout = "alias-sidecar", "alias with its own checksum sidecar"
	}
	if rm := rockyMajor().FindStringSubmatch(e.name); rm != nil && slices.Contains(e.segs(), rm[1]) {
		typ += "-minor"
	}
	return stream{typ: typ, up: up, layout: layout}, true
}

// The image manager's own convention: a latest_url whose file name holds
// HEREBE<regex>DRAGONS names every file that matches the name with the
// markers removed, read as a regular expression; the natsort-newest such
// name in latest_checksum_url is the latest build.
func followPattern(e entryURLs) (stream, bool) {
	if !strings.Contains(e.name, patternOpen) {
		return stream{reason: "no HEREBE...DRAGONS pattern"}, false
	}
	if _, err := compileBuildPattern(e.name); err != nil {
		return stream{reason: err.Error()}, false
	}
	if !fileName().MatchString(e.sums) {
		return stream{reason: "checksum file name"}, false
	}
	up := source.Upstream{URL: e.dir.String(), Checksums: e.sums, Algorithm: algorithmOf(e.sums), Pinned: e.name}
	return stream{typ: "pattern", up: up, layout: "HEREBE...DRAGONS pattern"}, true
}

// signingDomain names who signs the checksum files a strategy of typ verifies for
// u, so that Follow can tell whether a source's keys apply to a followed
// stream. Two upstreams with the same signing domain verify against the same keys.
// The name is the confirming checksum file's location with the hosts that
// serve one tree (cdimage.debian.org, download.rockylinux.org) and the
// scheme folded, since a signature covers content, not transport.
func signingDomain(typ string, u source.Upstream) string {
	loc, err := url.Parse(u.URL)
	if err != nil {
		return ""
	}
	host, p := loc.Host, loc.Path
	switch {
	case host == "cdimage.debian.org" && strings.HasPrefix(p, "/cdimage/cloud/"):
		host, p = "cloud.debian.org", "/images/cloud/"+strings.TrimPrefix(p, "/cdimage/cloud/")
	case host == "download.rockylinux.org":
		host = "dl.rockylinux.org"
	}
	switch typ {
	case "ubuntu", "ubuntu-daily":
		if !strings.Contains(p, "/minimal/") {
			// The release and the daily builds of the server images are
			// signed alike: each build's SHA256SUMS.gpg, release-* and
			// daily, is a detached signature by the same UEC Image
			// Automatic Signing Key. Minimal images are signed by another
			// key, which is not known to sign both streams.
			return host + " ubuntu server images"
		}
	case "alias-sidecar", "alias-sidecar-minor":
		// Confirmed in the directory's CHECKSUM, the file the
		// alias-checksum types read.
		return host + p + " " + dirChecksum
	}
	return host + p + " " + u.Checksums
}
