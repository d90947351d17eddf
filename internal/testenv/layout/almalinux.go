package layout

import (
	_ "embed"
	"regexp"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

//go:embed captures/almalinux9-CHECKSUM
var almaCapture []byte

// almaCaptured holds the real digest of every name in the AlmaLinux capture,
// so that laying out the captured build reproduces the real file byte for
// byte (a test checks that).
var almaCaptured = capturedDigests(almaCapture)

// almaVariants are the images AlmaLinux publishes in one images directory.
// "GenericCloud-ext4" contains the GenericCloud prefix, and all three share
// the -latest alias scheme, so a pattern or substring match takes a wrong one.
var almaVariants = []string{"GenericCloud", "GenericCloud-ext4", "OpenNebula"}

// AlmaLinux lays out one images directory of repo.almalinux.org (nginx):
// root is the path of almalinux/ on s (e.g. "/alma/almalinux/"), build the
// only build AlmaLinux keeps ("9.8-20260526"; 10.x writes "10.2-20260526.0").
// Every image is there under its versioned name and under a -latest alias
// with the same digest, in a GNU text-mode CHECKSUM sorted by name with a
// clear-signed copy CHECKSUM.asc. Laying out a new build replaces the
// directory, as upstream does.
func AlmaLinux(s *mirror.Server, root, major, arch, build, seed string) {
	dir := root + major + "/cloud/" + arch + "/images/"
	s.Format(root, mirror.Nginx)
	s.Remove(dir)
	mod := dateIn(build)
	var lines []line
	for _, v := range almaVariants {
		stem := "AlmaLinux-" + major + "-" + v + "-"
		digest := almaDigest(stem+build+"."+arch+".qcow2", seed)
		for _, name := range []string{stem + build + "." + arch + ".qcow2", stem + "latest." + arch + ".qcow2"} {
			lines = append(lines, line{digest, name})
			s.BigFile(dir+name, ImageSize, mod)
		}
	}
	sums := gnu(lines, false, false)
	s.File(dir+"CHECKSUM", sums, mod.Add(2*time.Minute))
	s.File(dir+"CHECKSUM.asc", clearSign(sums), mod.Add(2*time.Minute))
}

// AlmaLinuxDigest is the digest of the GenericCloud image of a build: the
// real one for the captured 9.8-20260526 x86_64 build when seed is empty.
func AlmaLinuxDigest(major, arch, build, seed string) string {
	return almaDigest("AlmaLinux-"+major+"-GenericCloud-"+build+"."+arch+".qcow2", seed)
}

func almaDigest(name, seed string) string {
	if d, ok := almaCaptured[name]; ok && seed == "" {
		return d
	}
	return Digest("sha256", name+seed)
}

// capturedDigests reads the name -> digest pairs of a GNU or BSD checksum
// file; only for captures, which are known to be well-formed.
func capturedDigests(b []byte) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if m := bsdLine.FindStringSubmatch(l); m != nil {
			out[m[1]] = m[2]
		} else if hex, name, ok := strings.Cut(l, "  "); ok {
			out[name] = hex
		}
	}
	return out
}

var (
	bsdLine = regexp.MustCompile(`^SHA256 \((.+)\) = ([0-9a-f]{64})$`)
	date8   = regexp.MustCompile(`[0-9]{8}`)
)

// dateIn is the time of day builds are published on the date a version
// holds (9.8-20260526, 20260714.1).
func dateIn(version string) time.Time {
	t, err := time.Parse("20060102", date8.FindString(version))
	if err != nil {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Add(13*time.Hour + 11*time.Minute)
}
