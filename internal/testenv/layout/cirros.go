package layout

import (
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// CirrosRelease is one CirrOS release and the day its files were written.
type CirrosRelease struct {
	Version string
	Date    time.Time
}

// Cirros publishes download.cirros-cloud.net (base, Apache FancyIndexing):
// one directory per release of releases (publishing order) with the disk
// images of both architectures, kernels, initramfs, tarballs and MD5SUMS and
// SHA256SUMS (GNU text mode, by name) over all of them, and version/released
// naming the last release. The checksum files name the other
// architecture's disk image next to the wanted one, and SHA256SUMS names the
// x86_64 disk image a second time, with the same digest.
func Cirros(s *mirror.Server, base string, releases []CirrosRelease, seed string) {
	s.Format(base, mirror.FancyIndex)
	for _, r := range releases {
		dir := base + r.Version + "/"
		var sha, md []line
		for _, f := range []string{
			"cirros-" + r.Version + "-x86_64-disk.img",
			"cirros-" + r.Version + "-aarch64-disk.img",
			"cirros-" + r.Version + "-x86_64-kernel",
			"cirros-" + r.Version + "-x86_64-initramfs",
			"cirros-" + r.Version + "-x86_64-rootfs.img.gz",
			"cirros-" + r.Version + "-x86_64-uec.tar.gz",
			"cirros-" + r.Version + "-x86_64-lxc.tar.xz",
		} {
			s.BigFile(dir+f, ImageSize, r.Date)
			sha = append(sha, line{CirrosDigest(f, seed), f})
			md = append(md, line{Digest("md5", f+seed)[:32], f})
		}
		// The disk image is named twice, with the same digest: harmless
		// (two different digests would make the file ambiguous).
		disk := "cirros-" + r.Version + "-x86_64-disk.img"
		sums := append(gnu(sha, false, false), CirrosDigest(disk, seed)+"  "+disk+"\n"...)
		s.File(dir+"SHA256SUMS", sums, r.Date)
		s.File(dir+"MD5SUMS", gnu(md, false, false), r.Date)
	}
	last := releases[len(releases)-1]
	s.File(base+"version/released", []byte(last.Version+"\n"), last.Date)
}

// CirrosDigest is the SHA256 CirrOS gives a file of a release.
func CirrosDigest(name, seed string) string { return Digest("sha256", name+seed) }
