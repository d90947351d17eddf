package layout

import (
	"strings"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// UbuntuDaily lays out the daily builds of one series on
// cloud-images.ubuntu.com (Apache FancyIndexing, unsorted): base is the path
// of <series>/ (or minimal/daily/<series>/) on s, file the image name, which
// is the same in every build (noble-server-cloudimg-amd64.img,
// ubuntu-24.04-minimal-cloudimg-amd64.img), builds the YYYYMMDD[.N]
// directory names in publishing order; the last is what current/ holds.
// Each SHA256SUMS is binary mode sorted by hash, with the siblings whose
// names contain the image's (.manifest, -azure.vhd.tar.gz, ...), as the
// real daily SHA256SUMS; each build also has SHA256SUMS.gpg beside it, as
// upstream does (its content is no signature: tests run with signatures
// off). A pending/ directory beside the builds holds a build not yet
// published, as upstream's does.
func UbuntuDaily(s *mirror.Server, base, file string, builds []string, seed string) {
	s.Format(base, mirror.FancyIndex)
	s.Order(base, mirror.Shuffled)
	for _, v := range builds {
		ubuntuDailyBuild(s, base+v+"/", file, v, seed)
	}
	last := builds[len(builds)-1]
	ubuntuDailyBuild(s, base+"current/", file, last, seed)
	s.Dir(base+"pending/", dateOf(last))
}

// UbuntuDailyDigest is the digest of the image in daily build v.
func UbuntuDailyDigest(file, v, seed string) string { return Digest("sha256", "daily"+file+v+seed) }

func ubuntuDailyBuild(s *mirror.Server, dir, file, v, seed string) {
	stem := strings.TrimSuffix(file, ".img")
	lines := []line{
		{UbuntuDailyDigest(file, v, seed), file},
		{Digest("sha256", "manifest"+file+v+seed), file + ".manifest"},
		{Digest("sha256", "azure"+file+v+seed), stem + "-azure.vhd.tar.gz"},
		{Digest("sha256", "root"+file+v+seed), stem + "-root.tar.xz"},
		{Digest("sha256", "arm"+file+v+seed), strings.Replace(file, "amd64", "arm64", 1)},
		{Digest("sha256", "changelog"+file+v+seed), stem + ".daily." + v + ".image_changelog.json"},
	}
	mod := dateOf(v)
	s.File(dir+"SHA256SUMS", gnu(lines, true, true), mod)
	s.File(dir+"SHA256SUMS.gpg", []byte("-----BEGIN PGP SIGNATURE-----\n"), mod)
	s.BigFile(dir+file, ImageSize, mod)
	s.File(dir+file+".manifest", []byte("manifest"), mod)
}

// DebianDaily lays out the daily builds of one codename on cloud.debian.org
// (Apache HTMLTable, newest first): base is the path of <codename>/ on s
// (images/cloud/bookworm/ there, cdimage/cloud/bookworm/ on
// cdimage.debian.org), name the stem (debian-12-genericcloud-amd64), builds
// the YYYYMMDD-NNNN directory names in publishing order; the last is what
// daily/latest/ holds. Names in a build carry "-daily-<build>"
// (debian-12-genericcloud-amd64-daily-20260124-2367.qcow2), in latest/ only
// "-daily". SHA512SUMS is text mode sorted by name, with the raw, json and
// tar.xz siblings and another architecture.
func DebianDaily(s *mirror.Server, base, name string, builds []string, seed string) {
	daily := base + "daily/"
	s.Format(base, mirror.HTMLTable)
	s.Order(base, mirror.Reverse)
	other := strings.Replace(name, "amd64", "arm64", 1)
	sums := func(v, tag string) []byte {
		lines := []line{
			{DebianDailyDigest(name, v, seed), name + "-daily" + tag + ".qcow2"},
			{Digest("sha512", "raw"+name+v+seed), name + "-daily" + tag + ".raw"},
			{Digest("sha512", "json"+name+v+seed), name + "-daily" + tag + ".json"},
			{Digest("sha512", "tar"+name+v+seed), name + "-daily" + tag + ".tar.xz"},
		}
		if other != name {
			lines = append(lines, line{Digest("sha512", "other"+name+v+seed), other + "-daily" + tag + ".qcow2"})
		}
		return gnu(lines, false, false)
	}
	for _, v := range builds {
		s.File(daily+v+"/SHA512SUMS", sums(v, "-"+v), dateOf(v))
		s.BigFile(daily+v+"/"+name+"-daily-"+v+".qcow2", ImageSize, dateOf(v))
	}
	last := builds[len(builds)-1]
	s.File(daily+"latest/SHA512SUMS", sums(last, ""), dateOf(last))
	s.BigFile(daily+"latest/"+name+"-daily.qcow2", ImageSize, dateOf(last))
}

// DebianDailyDigest is the digest of the image in daily build v.
func DebianDailyDigest(name, v, seed string) string {
	return Digest("sha512", "daily"+name+v+seed)
}
