package layout

import (
	"strings"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// UbuntuArches is Ubuntu for several images of one release directory at
// once, as cloud-images.ubuntu.com publishes amd64 and arm64 side by side:
// one SHA256SUMS per build (binary mode, sorted by hash) lists every file of
// files (ubuntu-24.04-server-cloudimg-amd64.img, ...-arm64.img) with its
// manifest and sibling formats. Each file's digest is UbuntuDigest(file, v,
// seed), as with Ubuntu.
func UbuntuArches(s *mirror.Server, base string, files, builds []string, seed string) {
	s.Format(base, mirror.FancyIndex)
	s.Order(base, mirror.Shuffled)
	sums := func(v string) []byte {
		var lines []line
		for _, file := range files {
			stem := strings.TrimSuffix(file, ".img")
			lines = append(lines,
				line{UbuntuDigest(file, v, seed), file},
				line{Digest("sha256", "manifest"+file+v+seed), file + ".manifest"},
				line{Digest("sha256", "vmdk"+file+v+seed), stem + ".vmdk"},
				line{Digest("sha256", "tar"+file+v+seed), stem + ".tar.gz"},
			)
		}
		return gnu(lines, true, true)
	}
	for _, v := range builds {
		mod := dateOf(v)
		s.File(base+"release-"+v+"/SHA256SUMS", sums(v), mod)
		for _, file := range files {
			s.BigFile(base+"release-"+v+"/"+file, ImageSize, mod)
			s.File(base+"release-"+v+"/"+file+".manifest", []byte("manifest"), mod)
		}
	}
	last := builds[len(builds)-1]
	s.File(base+"release/SHA256SUMS", sums(last), dateOf(last))
	for _, file := range files {
		s.BigFile(base+"release/"+file, ImageSize, dateOf(last))
	}
}

// DebianArches is Debian for several images of one codename at once
// (debian-12-genericcloud-amd64, debian-12-genericcloud-arm64): each build's
// SHA512SUMS (text mode, by name) lists every image of names with its raw and
// json siblings. Each image's digest is DebianDigest(name, v, seed), as with
// Debian.
func DebianArches(s *mirror.Server, base string, names, builds []string, seed string) {
	s.Format(base, mirror.HTMLTable)
	s.Order(base, mirror.Reverse)
	sums := func(v, tag string) []byte {
		var lines []line
		for _, name := range names {
			lines = append(lines,
				line{DebianDigest(name, v, seed), name + tag + ".qcow2"},
				line{Digest("sha512", "raw"+name+v+seed), name + tag + ".raw"},
				line{Digest("sha512", "json"+name+v+seed), name + tag + ".json"},
			)
		}
		return gnu(lines, false, false)
	}
	for _, v := range builds {
		s.File(base+v+"/SHA512SUMS", sums(v, "-"+v), dateOf(v))
		for _, name := range names {
			s.BigFile(base+v+"/"+name+"-"+v+".qcow2", ImageSize, dateOf(v))
		}
	}
	last := builds[len(builds)-1]
	s.File(base+"latest/SHA512SUMS", sums(last, ""), dateOf(last))
	for _, name := range names {
		s.BigFile(base+"latest/"+name+".qcow2", ImageSize, dateOf(last))
	}
}
