package layout

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

//go:embed captures/centos_stream9-CHECKSUM
var centosCapture []byte

// sized is one image of a BSD checksum file.
type sized struct {
	name, hex string
	size      int64
}

// bsd writes a BSD tagged checksum file the way CentOS Stream, Rocky and
// Fedora do: each digest line preceded by "# name: N bytes".
func bsd(es []sized) []byte {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "# %s: %d bytes\nSHA256 (%s) = %s\n", e.name, e.size, e.name, e.hex)
	}
	return []byte(b.String())
}

func sortSized(es []sized) {
	slices.SortFunc(es, func(a, b sized) int { return strings.Compare(a.name, b.name) })
}

// centosVariant is one image CentOS Stream publishes per build. The
// capture shows "GenericCloud-<arch>" next to "GenericCloud": the wanted
// name's prefix with the architecture inserted.
type centosVariant struct{ variant, ext string }

func centosVariants(arch string) []centosVariant {
	return []centosVariant{
		{"Container-Base", "tar.xz"}, {"GenericCloud", "qcow2"}, {"GenericCloud-" + arch, "qcow2"}, {"ec2", "raw.xz"},
	}
}

// CentOSStream lays out one images directory of cloud.centos.org (Apache
// HTMLTable): root is the path of centos/ on s (e.g. "/centos/centos/"),
// builds the dated builds in publishing order ("20260630.0", "20260630.2",
// "20260714.1"), all of which stay published; the last is what the -latest
// aliases hold. CHECKSUM is BSD with "# name: N bytes" comments, sorted by
// name like the real one, and each qcow2 has a .SHA256SUM of its own.
func CentOSStream(s *mirror.Server, root, major, arch string, builds []string, seed string) {
	dir := root + major + "-stream/" + arch + "/images/"
	s.Format(root, mirror.HTMLTable)
	s.Order(root, mirror.Reverse)
	s.Remove(dir)
	var all []sized
	put := func(name, digest string, mod time.Time) {
		e := sized{name: name, hex: digest, size: rockySize(name)}
		all = append(all, e)
		s.BigFile(dir+name, ImageSize, mod)
		if strings.HasSuffix(name, ".qcow2") {
			s.File(dir+name+".SHA256SUM", bsd([]sized{e}), mod)
		}
	}
	last := builds[len(builds)-1]
	for _, v := range centosVariants(arch) {
		for _, b := range builds {
			put(fmt.Sprintf("CentOS-Stream-%s-%s-%s.%s.%s", v.variant, major, b, arch, v.ext), centosDigest(major, arch, v.variant, b, seed), dateIn(b))
		}
		put(fmt.Sprintf("CentOS-Stream-%s-%s-latest.%s.%s", v.variant, major, arch, v.ext), centosDigest(major, arch, v.variant, last, seed), dateIn(last))
	}
	sortSized(all)
	s.File(dir+"CHECKSUM", bsd(all), dateIn(last).Add(time.Hour))
}

// CentOSStreamDigest is the digest of the GenericCloud image of a build.
func CentOSStreamDigest(major, arch, build, seed string) string {
	return centosDigest(major, arch, "GenericCloud", build, seed)
}

func centosDigest(major, arch, variant, build, seed string) string {
	return Digest("sha256", "CentOS-Stream-"+variant+"-"+major+"-"+build+"."+arch+seed)
}

// CentOSStream9Capture lays out cloud.centos.org's 9-stream/x86_64/images/
// with the real captured CHECKSUM, unchanged, and every image it names. Its
// newest GenericCloud build is CentOSStream9CaptureBuild, whose digest is
// CentOSStream9CaptureDigest; it lists GenericCloud-x86_64 builds that
// GenericCloud lacks, and a same-day respin (20260630.2).
func CentOSStream9Capture(s *mirror.Server, root string) {
	dir := root + "9-stream/x86_64/images/"
	s.Format(root, mirror.HTMLTable)
	s.Order(root, mirror.Reverse)
	s.Remove(dir)
	for name := range capturedDigests(centosCapture) {
		s.BigFile(dir+name, ImageSize, dateIn(name))
	}
	s.File(dir+"CHECKSUM", centosCapture, dateIn(CentOSStream9CaptureBuild).Add(time.Hour))
}

// What the CentOS Stream 9 capture holds as the current GenericCloud build.
const (
	CentOSStream9CaptureBuild  = "20260714.1"
	CentOSStream9CaptureDigest = "2aa1716dc75fc5485df1b221d3d930f276024d70024f68f9ee047dad0e03d85d"
)
