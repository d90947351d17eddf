package layout

import (
	"fmt"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// AlpineRelease is one published cloud image release of an Alpine branch:
// point release (3.23.4), revision (0 of -r0) and build time. NoMetadata
// leaves out the .yaml sidecar, so the build date must come from
// Last-Modified (Published, when set, else Built).
type AlpineRelease struct {
	Version    string
	Revision   int
	Built      time.Time
	Published  time.Time
	NoMetadata bool
}

// AlpineVariants are the cloud images Alpine publishes per release; the
// shipped sources take nocloud ...-x86_64-bios-cloudinit and
// ...-aarch64-uefi-cloudinit, the others are siblings whose names differ
// only in a word or two.
var AlpineVariants = []string{
	"nocloud_alpine-%s-x86_64-bios-cloudinit-r%d",
	"nocloud_alpine-%s-x86_64-uefi-cloudinit-r%d",
	"nocloud_alpine-%s-x86_64-bios-tiny-r%d",
	"nocloud_alpine-%s-aarch64-uefi-cloudinit-r%d",
	"nocloud_alpine-%s-aarch64-uefi-tiny-r%d",
	"generic_alpine-%s-x86_64-bios-cloudinit-r%d",
	"generic_alpine-%s-aarch64-uefi-cloudinit-r%d",
}

// Alpine publishes dl-cdn.alpinelinux.org/alpine/ (root, nginx): the branch
// directories v<branch>/ of branches (the last is the current stable one)
// next to edge/ and latest-stable/, and under the last branch's
// releases/cloud/ every release of releases, each variant as .qcow2 with a
// bare-digest .sha512, a .asc (over the image, not the digest) and a .yaml
// metadata sidecar with its build time. Older branches hold one release of
// their own. Every name is longer than the 50 characters nginx shows, so the
// link texts are cut.
func Alpine(s *mirror.Server, root string, branches []string, releases []AlpineRelease, seed string) {
	s.Format(root, mirror.Nginx)
	s.Dir(root+"edge", time.Date(2026, 7, 1, 3, 4, 0, 0, time.UTC))
	s.Dir(root+"latest-stable", time.Date(2026, 7, 1, 3, 4, 0, 0, time.UTC))
	current := branches[len(branches)-1]
	for _, b := range branches[:len(branches)-1] {
		AlpineCloud(s, root+"v"+b+"/releases/cloud/", []AlpineRelease{{Version: b + ".9", Built: time.Date(2025, 11, 3, 8, 0, 0, 0, time.UTC)}}, seed)
	}
	AlpineCloud(s, root+"v"+current+"/releases/cloud/", releases, seed)
}

// AlpineCloud lays out the cloud images of releases in one releases/cloud/
// directory (dir).
func AlpineCloud(s *mirror.Server, dir string, releases []AlpineRelease, seed string) {
	s.Format(dir, mirror.Nginx)
	for _, r := range releases {
		pub := r.Published
		if pub.IsZero() {
			pub = r.Built
		}
		for _, v := range AlpineVariants {
			stem := fmt.Sprintf(v, r.Version, r.Revision)
			name := stem + ".qcow2"
			s.BigFile(dir+name, ImageSize, pub)
			s.File(dir+name+".sha512", []byte(AlpineDigest(name, seed)+"\n"), pub)
			s.File(dir+name+".asc", []byte("-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n"), pub)
			if !r.NoMetadata {
				s.File(dir+stem+".yaml", alpineMetadata(stem, r), pub)
			}
		}
	}
}

// alpineMetadata is the image builder's metadata document of one image.
func alpineMetadata(stem string, r AlpineRelease) []byte {
	return []byte(fmt.Sprintf(`---
name: %s
project: https://alpinelinux.org/cloud
release: %s
revision: %d
image_format: qcow2
built: '%s'
uploaded: '%s'
`, stem, r.Version, r.Revision, r.Built.UTC().Format("2006-01-02T15:04:05.000000"), r.Built.Add(40*time.Minute).UTC().Format("2006-01-02T15:04:05.000000")))
}

// AlpineDigest is the SHA512 Alpine gives a cloud image file.
func AlpineDigest(name, seed string) string { return Digest("sha512", name+seed) }
