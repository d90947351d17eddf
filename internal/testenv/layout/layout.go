// Package layout lays out distribution mirrors on a test mirror server the
// way the real hosts publish them: the same directory structure, checksum
// file formats and listing formats, including the traps of
// upstream-formats.md (unsorted listings, sibling files whose names contain
// the image name, hash-sorted checksum files, same-day respins).
package layout

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// ImageSize is what the laid-out images announce (HEAD and listings): the
// size of a real cloud image, so the crawler's plausible-size check sees what
// it would see upstream. Their content is generated only if someone GETs it.
const ImageSize = 600 << 20

// Digest returns a deterministic fake digest of an image, so tests can say
// "the build 20260705 of noble" and know its checksum.
func Digest(algo, seed string) string {
	switch algo {
	case "sha512":
		s := sha512.Sum512([]byte(seed))
		return hex.EncodeToString(s[:])
	default:
		s := sha256.Sum256([]byte(seed))
		return hex.EncodeToString(s[:])
	}
}

// line is one entry of a checksum file.
type line struct{ hex, name string }

// gnu writes a GNU coreutils checksum file; binary mode puts '*' before the
// name (Ubuntu), text mode two spaces (Debian). Ubuntu sorts by hash.
func gnu(lines []line, binary, byHash bool) []byte {
	sort.SliceStable(lines, func(i, j int) bool {
		if byHash {
			return lines[i].hex < lines[j].hex
		}
		return lines[i].name < lines[j].name
	})
	var b strings.Builder
	for _, l := range lines {
		if binary {
			fmt.Fprintf(&b, "%s *%s\n", l.hex, l.name)
		} else {
			fmt.Fprintf(&b, "%s  %s\n", l.hex, l.name)
		}
	}
	return []byte(b.String())
}

// Ubuntu publishes one image of cloud-images.ubuntu.com: base is the path of
// releases/<codename>/ (or minimal/releases/<codename>/) on the server,
// file the image name (ubuntu-24.04-server-cloudimg-amd64.img), builds the
// versions in publishing order; the last is what release/ points at. seed
// changes every digest (for a respin).
func Ubuntu(s *mirror.Server, base, file string, builds []string, seed string) {
	s.Format(base, mirror.FancyIndex)
	s.Order(base, mirror.Shuffled)
	for _, v := range builds {
		sums := ubuntuSums(file, v, seed)
		mod := dateOf(v)
		s.File(base+"release-"+v+"/SHA256SUMS", sums, mod)
		s.BigFile(base+"release-"+v+"/"+file, ImageSize, mod)
		s.File(base+"release-"+v+"/"+file+".manifest", []byte("manifest"), mod)
	}
	last := builds[len(builds)-1]
	s.File(base+"release/SHA256SUMS", ubuntuSums(file, last, seed), dateOf(last))
	s.BigFile(base+"release/"+file, ImageSize, dateOf(last))
}

// UbuntuDigest is the digest Ubuntu gives the image in build v.
func UbuntuDigest(file, v, seed string) string { return Digest("sha256", file+v+seed) }

func ubuntuSums(file, v, seed string) []byte {
	stem := strings.TrimSuffix(file, ".img")
	lines := []line{
		{UbuntuDigest(file, v, seed), file},
		// Names that contain the image name: a substring match would take these.
		{Digest("sha256", "manifest"+v+seed), file + ".manifest"},
		{Digest("sha256", "vmdk"+v+seed), stem + ".vmdk"},
		{Digest("sha256", "tar"+v+seed), stem + ".tar.gz"},
		{Digest("sha256", "lxd"+v+seed), stem + "-lxd.tar.xz"},
	}
	if arm := strings.Replace(file, "amd64", "arm64", 1); arm != file {
		// The other architecture's image, in the same file upstream.
		lines = append(lines, line{Digest("sha256", "arm"+v+seed), arm})
	}
	return gnu(lines, true, true)
}

// Debian publishes one image of cloud.debian.org: base is the path of
// images/cloud/<codename>/, name the stem (debian-12-genericcloud-amd64),
// builds the YYYYMMDD-NNNN versions; the last is what latest/ holds.
func Debian(s *mirror.Server, base, name string, builds []string, seed string) {
	s.Format(base, mirror.HTMLTable)
	s.Order(base, mirror.Reverse)
	for _, v := range builds {
		pinned := name + "-" + v + ".qcow2"
		lines := []line{
			{DebianDigest(name, v, seed), pinned},
			{Digest("sha512", "raw"+v+seed), name + "-" + v + ".raw"},
			{Digest("sha512", "json"+v+seed), name + "-" + v + ".json"},
			{Digest("sha512", "tar"+v+seed), name + "-" + v + ".tar.xz"},
		}
		s.File(base+v+"/SHA512SUMS", gnu(lines, false, false), dateOf(v))
		s.BigFile(base+v+"/"+pinned, ImageSize, dateOf(v))
	}
	last := builds[len(builds)-1]
	lines := []line{
		{DebianDigest(name, last, seed), name + ".qcow2"},
		{Digest("sha512", "raw"+last+seed), name + ".raw"},
		{Digest("sha512", "json"+last+seed), name + ".json"},
	}
	s.File(base+"latest/SHA512SUMS", gnu(lines, false, false), dateOf(last))
	s.BigFile(base+"latest/"+name+".qcow2", ImageSize, dateOf(last))
	// Daily builds live beside the releases and must not be taken for them.
	s.File(base+"daily/latest/SHA512SUMS", gnu([]line{{Digest("sha512", "daily"), name + "-daily.qcow2"}}, false, false), dateOf(last))
}

// DebianDigest is the digest Debian gives the image in build v.
func DebianDigest(name, v, seed string) string { return Digest("sha512", name+v+seed) }

func dateOf(v string) time.Time {
	t, err := time.Parse("20060102", v[:8])
	if err != nil {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Add(13*time.Hour + 11*time.Minute)
}
