package layout

import (
	"fmt"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// rockyImage is one image Rocky publishes per build: variant and extension.
type rockyImage struct{ variant, ext string }

// rockyImages share "Rocky-<major>-GenericCloud-" (Base and LVM) or the
// Base suffix (EC2-Base), so a substring or loose pattern takes a wrong one.
var rockyImages = []rockyImage{
	{"GenericCloud-Base", "qcow2"}, {"GenericCloud-LVM", "qcow2"}, {"EC2-Base", "qcow2"}, {"Container-Base", "tar.xz"},
}

// Rocky lays out dl.rockylinux.org (Apache FancyIndexing, unsorted): root is
// the path of pub/rocky/ on s (e.g. "/rocky/pub/rocky/"), builds the versions
// in publishing order ("9.5-20241118.0", "9.6-20250531.0"; the last is
// current). A build's images live in its minor directory
// (<root>9.6/images/<arch>/), which keeps every build of that minor; the
// major directory (<root>9/) holds what the current minor directory holds,
// as the real 9 -> 9.6 symlink does. Each directory has a .latest alias per
// image (and Rocky-<major>-GenericCloud.latest for GenericCloud-Base), a BSD
// CHECKSUM of everything with "# name: N bytes" comments, and a .CHECKSUM
// file per image. Rocky 8 and 10 clear-sign CHECKSUM; Rocky 9 does not.
func Rocky(s *mirror.Server, root, major, arch string, builds []string, seed string) {
	s.Format(root, mirror.FancyIndex)
	s.Order(root, mirror.Shuffled)
	byMinor := map[string][]string{}
	var minors []string
	for _, b := range builds {
		minor, _, _ := strings.Cut(b, "-")
		if _, ok := byMinor[minor]; !ok {
			minors = append(minors, minor)
		}
		byMinor[minor] = append(byMinor[minor], b)
	}
	for _, minor := range minors {
		rockyDir(s, root+minor+"/images/"+arch+"/", major, arch, byMinor[minor], seed)
	}
	current := minors[len(minors)-1]
	rockyDir(s, root+major+"/images/"+arch+"/", major, arch, byMinor[current], seed)
}

// RockyDigest is the digest of the GenericCloud-Base image of a build.
func RockyDigest(major, arch, build, seed string) string {
	return Digest("sha256", "Rocky-"+major+"-GenericCloud-Base-"+build+"."+arch+seed)
}

func rockyDir(s *mirror.Server, dir, major, arch string, builds []string, seed string) {
	s.Remove(dir)
	var all []sized
	put := func(name, digest string, mod time.Time) {
		e := sized{name: name, hex: digest, size: rockySize(name)}
		all = append(all, e)
		s.BigFile(dir+name, ImageSize, mod)
		s.File(dir+name+".CHECKSUM", bsd([]sized{e}), mod)
	}
	last := builds[len(builds)-1]
	for _, b := range builds {
		for _, im := range rockyImages {
			put(fmt.Sprintf("Rocky-%s-%s-%s.%s.%s", major, im.variant, b, arch, im.ext), rockyImageDigest(major, arch, im.variant, b, seed), dateIn(b))
		}
	}
	for _, im := range rockyImages {
		put(fmt.Sprintf("Rocky-%s-%s.latest.%s.%s", major, im.variant, arch, im.ext), rockyImageDigest(major, arch, im.variant, last, seed), dateIn(last))
	}
	put(fmt.Sprintf("Rocky-%s-GenericCloud.latest.%s.qcow2", major, arch), RockyDigest(major, arch, last, seed), dateIn(last))
	sortSized(all)
	sums := bsd(all)
	if major != "9" {
		sums = clearSign(sums)
	}
	s.File(dir+"CHECKSUM", sums, dateIn(last).Add(5*time.Minute))
}

func rockyImageDigest(major, arch, variant, build, seed string) string {
	if variant == "GenericCloud-Base" {
		return RockyDigest(major, arch, build, seed)
	}
	return Digest("sha256", "Rocky-"+major+"-"+variant+"-"+build+"."+arch+seed)
}

// rockySize is a byte count for the "# name: N bytes" comments, the same for
// a build and its alias.
func rockySize(name string) int64 {
	return 600000000 + int64(len(name))*4096
}
