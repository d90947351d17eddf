package layout

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// FlatcarRelease is one release of a Flatcar channel: its version
// (4459.2.1) and build ID ("2025-11-23-2139", a time).
type FlatcarRelease struct {
	Version, BuildID string
}

// FlatcarImage is the OpenStack image of a Flatcar release directory.
const FlatcarImage = "flatcar_production_openstack_image.img"

// Flatcar publishes a channel of <channel>.release.flatcar-linux.net for one
// board: base is the board directory ("/amd64-usr/"), releases in publishing
// order; current/ is a copy of the last. Each release directory holds the
// OpenStack image, its .DIGESTS (MD5, SHA1 and SHA512 sections, in that
// order, as Flatcar writes them: the MD5 line comes first and must not be
// taken), version.txt, and other images with DIGESTS of their own.
func Flatcar(s *mirror.Server, base string, releases []FlatcarRelease, seed string) {
	for _, r := range releases {
		flatcarDir(s, base+r.Version+"/", r, seed)
	}
	flatcarDir(s, base+"current/", releases[len(releases)-1], seed)
}

func flatcarDir(s *mirror.Server, dir string, r FlatcarRelease, seed string) {
	mod := flatcarTime(r.BuildID)
	s.BigFile(dir+FlatcarImage, ImageSize, mod)
	s.File(dir+FlatcarImage+".DIGESTS", flatcarDigests(FlatcarImage, FlatcarDigest(r.Version, seed), r.Version+seed), mod)
	for _, other := range []string{"flatcar_production_qemu_image.img", "flatcar_production_openstack_image.img.bz2"} {
		s.File(dir+other+".DIGESTS", flatcarDigests(other, Digest("sha512", other+r.Version+seed), other+r.Version+seed), mod)
	}
	major, rest, _ := strings.Cut(r.Version, ".")
	branch, patch, _ := strings.Cut(rest, ".")
	version := fmt.Sprintf("FLATCAR_BUILD=%s\nFLATCAR_BRANCH=%s\nFLATCAR_PATCH=%s\nFLATCAR_VERSION=%s\nFLATCAR_VERSION_ID=%s\nFLATCAR_BUILD_ID=%q\nFLATCAR_SDK_VERSION=%s.0.0\n",
		major, branch, patch, r.Version, r.Version, r.BuildID, major)
	s.File(dir+"version.txt", []byte(version), mod)
}

// flatcarDigests is a DIGESTS file: sections of GNU lines, MD5 first.
func flatcarDigests(name, sha512Hex, seed string) []byte {
	m := md5.Sum([]byte(seed))
	h := sha1.Sum([]byte(seed))
	return []byte("# MD5 HASH\n" + hex.EncodeToString(m[:]) + "  " + name + "\n" +
		"# SHA1 HASH\n" + hex.EncodeToString(h[:]) + "  " + name + "\n" +
		"# SHA512 HASH\n" + sha512Hex + "  " + name + "\n")
}

// FlatcarDigest is the SHA512 of the OpenStack image of a release.
func FlatcarDigest(version, seed string) string { return Digest("sha512", "flatcar"+version+seed) }

// flatcarTime reads a build ID as the time the release's files were written.
func flatcarTime(id string) time.Time {
	t, err := time.Parse("2006-01-02-1504", id)
	if err != nil {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}
