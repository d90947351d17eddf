package layout

import (
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// Arch publishes the images directory of an Arch Linux mirror
// (geo.mirror.pkgbuild.com/images/, base), Apache FancyIndexing, unsorted:
// one v<YYYYMMDD>.<job>/ directory per build of builds (publishing order)
// and latest/ holding the same files as the last. Each holds the cloud image
// under its versioned and its plain name, the basic image and the Vagrant
// boxes likewise, each with a .SHA256 sidecar (GNU text mode) and a .sig
// over the image. The plain name's sidecar is the versioned one's (a symlink
// upstream), so it names the versioned file.
func Arch(s *mirror.Server, base string, builds []string, seed string) {
	s.Format(base, mirror.FancyIndex)
	s.Order(base, mirror.Shuffled)
	for _, v := range builds {
		archDir(s, base+"v"+v+"/", v, seed)
	}
	archDir(s, base+"latest/", builds[len(builds)-1], seed)
}

func archDir(s *mirror.Server, dir, v, seed string) {
	mod := dateOf(v)
	for _, kind := range []string{"cloudimg", "basic"} {
		plain := "Arch-Linux-x86_64-" + kind + ".qcow2"
		name := "Arch-Linux-x86_64-" + kind + "-" + v + ".qcow2"
		digest := ArchDigest(name, seed)
		sum := []byte(digest + "  " + name + "\n")
		for _, f := range []string{plain, name} {
			s.BigFile(dir+f, ImageSize, mod)
			s.File(dir+f+".SHA256", sum, mod)
			s.File(dir+f+".sig", []byte("sig"), mod)
		}
	}
	for _, box := range []string{"libvirt", "virtualbox"} {
		name := "Arch-Linux-x86_64-" + box + "-" + v + ".box"
		s.File(dir+name+".SHA256", []byte(Digest("sha256", name+seed)+"  "+name+"\n"), mod)
	}
}

// ArchDigest is the digest Arch gives an image file of a build.
func ArchDigest(name, seed string) string { return Digest("sha256", name+seed) }
