package signature

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fuzzSeeds(f *testing.F, names ...string) [][]byte {
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzParseClearSigned: the clear-sign wrapper never panics, and what it
// accepts holds a signature and only text that was inside the block.
func FuzzParseClearSigned(f *testing.F) {
	for _, s := range fuzzSeeds(f, "Fedora-Cloud-37-1.7-x86_64-CHECKSUM", "almalinux9-CHECKSUM.asc", "ubuntu2404-SHA256SUMS") {
		f.Add(s)
	}
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n- -dash\n-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseClearSigned(data)
		if err != nil {
			if cs != nil {
				t.Fatal("result along with an error")
			}
			return
		}
		if len(cs.sig) == 0 {
			t.Fatal("accepted a document without signature packets")
		}
		if bytes.Contains(cs.Plaintext, []byte("-----BEGIN PGP SIGNATURE-----")) {
			t.Fatalf("the signature block leaked into the plaintext: %q", cs.Plaintext)
		}
	})
}

// FuzzVerify: no input verifies without the key's signature, and none
// panics. Seeds are real GnuPG output, so the fuzzer starts from valid
// packets and mutates them.
func FuzzVerify(f *testing.F) {
	seeds := fuzzSeeds(f, "ubuntu2404-SHA256SUMS", "ubuntu2404-SHA256SUMS.gpg", "ubuntu2404-SHA256SUMS.asc",
		"almalinux9-CHECKSUM.asc", "gpg-fixture-key.asc")
	kr, err := LoadKeyring(seeds[4])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seeds[0], seeds[1])
	f.Add(seeds[0], seeds[2])
	f.Add([]byte("x"), seeds[3])
	f.Add(seeds[3], []byte(nil))
	present := time.Now()
	f.Fuzz(func(t *testing.T, content, sig []byte) {
		text, err := Verify(content, sig, kr, present)
		if err != nil {
			if text != nil {
				t.Fatal("text along with an error")
			}
			return
		}
		// Whatever verified must be one of the signed fixtures' texts.
		if !bytes.Equal(text, seeds[0]) && !bytes.Contains(seeds[3], bytes.TrimSpace(text)) {
			t.Fatalf("verified text that was never signed: %q", text)
		}
	})
}

// FuzzLoadKeyring: key files never panic the loader.
func FuzzLoadKeyring(f *testing.F) {
	for _, s := range fuzzSeeds(f, "gpg-fixture-key.asc", "Fedora-Cloud-37-1.7-x86_64-CHECKSUM.fixture-key.asc", "ubuntu2404-SHA256SUMS.gpg") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kr, err := LoadKeyring(data)
		if err == nil && len(kr.Fingerprints()) == 0 {
			t.Fatal("an empty keyring without an error")
		}
	})
}

// The first look never panics and never passes private key material:
// whatever it accepts, LoadKeyring either accepts too or refuses for a
// reason only the full parse sees (a self-signature), never a private key.
func FuzzReadsAsPublicKeys(f *testing.F) {
	for _, s := range fuzzSeeds(f, "gpg-fixture-key.asc", "Fedora-Cloud-37-1.7-x86_64-CHECKSUM.fixture-key.asc", "ubuntu2404-SHA256SUMS.gpg") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !ReadsAsPublicKeys(data) {
			return
		}
		if _, err := LoadKeyring(data); err != nil && strings.Contains(err.Error(), "private key") {
			t.Fatalf("accepted a private key: %v", err)
		}
	})
}
