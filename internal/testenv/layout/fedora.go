package layout

import (
	"bytes"
	"crypto"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// FedoraCompose is the one compose of a Fedora release as
// dl.fedoraproject.org publishes it under releases/<N>/Cloud/<arch>/images/.
type FedoraCompose struct {
	ID       string    // compose id, release first: "44-1.7", "40-1.14"
	Modified time.Time // Last-Modified of its files, which is its build date
}

// Release is the release number the compose belongs to.
func (c FedoraCompose) Release() string { r, _, _ := strings.Cut(c.ID, "-"); return r }

// fedoraArchs are the architectures laid out for every compose.
var fedoraArchs = []string{"x86_64", "aarch64"}

// Fedora lays out releases/ of dl.fedoraproject.org (Apache FancyIndexing,
// unsorted): root is its path on s (e.g. "/fedora/pub/fedora/linux/releases/"),
// composes one per release, for x86_64 and aarch64. Each images directory
// holds the compose's images and its PGP clear-signed BSD checksum file
// Fedora-Cloud-<id>-<arch>-CHECKSUM. From release 41 on the Generic image is
// Fedora-Cloud-Base-Generic-<id>.<arch>.qcow2, before it
// Fedora-Cloud-Base-Generic.<arch>-<id>.qcow2; siblings (UEFI-UKI,
// AmazonEC2) share the prefix. releases/test/ holds a pre-release that is no
// release, and every release has directories besides Cloud/. Laying out a
// compose again replaces its release's directory.
func Fedora(s *mirror.Server, root, seed string, composes ...FedoraCompose) {
	s.Format(root, mirror.FancyIndex)
	s.Order(root, mirror.Shuffled)
	for _, c := range composes {
		rel := c.Release()
		s.Remove(root + rel + "/")
		s.Dir(root+rel+"/Everything/", c.Modified)
		s.Dir(root+rel+"/Server/", c.Modified)
		for _, arch := range fedoraArchs {
			dir := root + rel + "/Cloud/" + arch + "/images/"
			var all []sized
			for _, name := range fedoraNames(c, arch) {
				digest := Digest("sha256", name+seed)
				if name == FedoraImage(c.ID, arch) {
					digest = FedoraDigest(c.ID, arch, seed)
				}
				all = append(all, sized{name: name, hex: digest, size: rockySize(name)})
				s.BigFile(dir+name, ImageSize, c.Modified)
			}
			sortSized(all)
			s.File(dir+"Fedora-Cloud-"+c.ID+"-"+arch+"-CHECKSUM", clearSign(bsd(all)), c.Modified)
		}
	}
	s.Dir(root+"test/45_Beta/", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
}

// FedoraImage is the file name of the Generic image of compose id.
func FedoraImage(id, arch string) string {
	if r, _ := strconv.Atoi(strings.SplitN(id, "-", 2)[0]); r <= 40 {
		return "Fedora-Cloud-Base-Generic." + arch + "-" + id + ".qcow2"
	}
	return "Fedora-Cloud-Base-Generic-" + id + "." + arch + ".qcow2"
}

// FedoraDigest is the digest of the Generic image of compose id.
func FedoraDigest(id, arch, seed string) string {
	return Digest("sha256", "fedora-generic-"+id+arch+seed)
}

func fedoraNames(c FedoraCompose, arch string) []string {
	if r, _ := strconv.Atoi(c.Release()); r <= 40 {
		return []string{
			FedoraImage(c.ID, arch),
			"Fedora-Cloud-Base-AmazonEC2." + arch + "-" + c.ID + ".raw.xz",
			"Fedora-Cloud-Base-Generic." + arch + "-" + c.ID + ".raw.xz",
		}
	}
	return []string{
		FedoraImage(c.ID, arch),
		"Fedora-Cloud-Base-UEFI-UKI-" + c.ID + "." + arch + ".qcow2",
		"Fedora-Cloud-Base-AmazonEC2-" + c.ID + "." + arch + ".raw.xz",
		"Fedora-Cloud-Base-Azure-" + c.ID + "." + arch + ".vhdfixed.xz",
	}
}

// mirrorKey is the throwaway key the test mirror clear-signs with, made
// from a fixed seed so every run serves the same bytes. It is not any
// distribution's key: a crawl that requires the real signatures rejects it.
var mirrorKey = sync.OnceValue(func() *openpgp.Entity {
	cfg := &packet.Config{
		Rand:            rand.NewChaCha8([32]byte{'t', 'e', 's', 't', '-', 'm', 'i', 'r', 'r', 'o', 'r'}),
		Algorithm:       packet.PubKeyAlgoEdDSA,
		DefaultHash:     crypto.SHA256,
		Time:            func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
		KeyLifetimeSecs: 0,
	}
	e, err := openpgp.NewEntity("image-crawler test mirror", "not a distribution key", "mirror@example.invalid", cfg)
	if err != nil {
		panic(fmt.Sprintf("layout: make the mirror's signing key: %v", err))
	}
	return e
})

// MirrorPublicKey is the armored public key the test mirror signs with,
// for tests that check verification end to end with their own keyring.
func MirrorPublicKey() []byte {
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err == nil {
		err = mirrorKey().Serialize(w)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		panic(fmt.Sprintf("layout: export the mirror's key: %v", err))
	}
	return b.Bytes()
}

// clearSign wraps b in a PGP clear-signed message, as Fedora's CHECKSUM,
// AlmaLinux's CHECKSUM.asc and Rocky 8/10's CHECKSUM are.
func clearSign(b []byte) []byte {
	var out bytes.Buffer
	cfg := &packet.Config{DefaultHash: crypto.SHA256, Time: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
	w, err := clearsign.Encode(&out, mirrorKey().PrivateKey, cfg)
	if err == nil {
		_, err = w.Write(b)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		panic(fmt.Sprintf("layout: clear-sign: %v", err))
	}
	return out.Bytes()
}
