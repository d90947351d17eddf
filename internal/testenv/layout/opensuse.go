package layout

import (
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// OpenSUSEBuild is one build of an openSUSE appliance: the N.M of its
// "-Build<N>.<M>" name and the day it was published (its Last-Modified).
type OpenSUSEBuild struct {
	Version string
	Date    time.Time
}

// OpenSUSE publishes one appliance of download.opensuse.org the way
// MirrorCache serves distribution/leap/<ver>/appliances/ (base): the alias
// (alias, "openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2") and the latest
// build under its pinned name (pinned, with {version}), each with a .sha256
// sidecar, and the build's .packages list. builds is the history in
// publishing order; only the last is published, and the files of the earlier
// ones are removed, as upstream replaces them.
//
// The alias's sidecar is the build's (a symlink upstream, served through a
// redirect), so it names the pinned file, not the alias. sep is what separates
// digest and name in the sidecars: "  " (sha256sum) or " " (some builds).
// Sibling flavours with names much like the build's (-kvm-and-xen, -VMware)
// are published next to it. Because the alias's sidecar names the build, the
// crawler never lists this directory; MirrorCache's JSON listing (?jsontable),
// which it reads when a sidecar names no build, is imitated in
// internal/upstream/opensuse_test.go, as this mirror cannot answer by query.
func OpenSUSE(s *mirror.Server, base, alias, pinned string, builds []OpenSUSEBuild, sep, seed string) {
	for _, old := range builds[:len(builds)-1] {
		name := strings.ReplaceAll(pinned, "{version}", old.Version)
		for _, f := range []string{name, name + ".sha256", name + ".packages"} {
			s.Remove(base + f)
		}
	}
	b := builds[len(builds)-1]
	name := strings.ReplaceAll(pinned, "{version}", b.Version)
	sum := []byte(OpenSUSEDigest(name, seed) + sep + name + "\n")
	s.BigFile(base+name, ImageSize, b.Date)
	s.File(base+name+".sha256", sum, b.Date)
	s.File(base+name+".packages", []byte("aaa_base|84.87|x86_64\n"), b.Date)
	s.BigFile(base+alias, ImageSize, b.Date)
	s.File(base+alias+".sha256", sum, b.Date)
	for _, flavour := range []string{"-kvm-and-xen", "-VMware", "-MS-HyperV"} {
		sib := strings.Replace(name, "-Cloud", flavour, 1)
		s.File(base+sib+".sha256", []byte(Digest("sha256", sib+seed)+"  "+sib+"\n"), b.Date)
	}
}

// OpenSUSEDigest is the digest openSUSE gives the pinned file name.
func OpenSUSEDigest(name, seed string) string { return Digest("sha256", name+seed) }
