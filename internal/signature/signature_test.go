package signature

import (
	"bytes"
	"crypto"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/osism/image-crawler/internal/testenv/pgptest"
)

// now is the fixed "present" of the tests; keys are made relative to it.
var now = time.Date(2026, 7, 10, 12, 0, 0, 0, time.UTC)

func at(t time.Time) *packet.Config {
	return &packet.Config{Time: func() time.Time { return t }, RSABits: 2048, DefaultHash: crypto.SHA256}
}

// testKeys are the keys the tests share. They are slow to make, so they are
// made once, by whichever test asks first: every test calls keys.
type testKeys struct {
	good, other, expired, revoked, future *pgptest.Key
}

var makeKeys = sync.OnceValues(func() (*testKeys, error) {
	var err error
	mk := func(name string, cfg *packet.Config) *pgptest.Key {
		if err != nil {
			return nil
		}
		var k *pgptest.Key
		k, err = pgptest.Generate(name, cfg)
		return k
	}
	var k testKeys
	k.good = mk("good", at(now.Add(-24*time.Hour)))
	k.other = mk("other", at(now.Add(-24*time.Hour)))
	// Made two years ago, valid for one: expired a year ago.
	old := at(now.AddDate(-2, 0, 0))
	old.KeyLifetimeSecs = 365 * 24 * 3600
	k.expired = mk("expired", old)
	k.revoked = mk("revoked", at(now.Add(-24*time.Hour)))
	if err == nil {
		// Superseded, not compromised: go-crypto treats a compromised
		// key as revoked at every date, so it could not sign the fixture.
		err = k.revoked.RevokeKey(packet.KeySuperseded, "test", at(now.Add(-time.Hour)))
	}
	k.future = mk("future", at(now.Add(-24*time.Hour)))
	return &k, err
})

func keys(t testing.TB) *testKeys {
	t.Helper()
	k, err := makeKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func keyring(t testing.TB, ks ...*pgptest.Key) *Keyring {
	t.Helper()
	var files [][]byte
	for _, k := range ks {
		files = append(files, k.Public(t))
	}
	kr, err := LoadKeyring(files...)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

const sums = `b5b9bec91eee65489a5745f6ee620573b23337cbb1eb4501ce200b157a01f3a0 *ubuntu-24.04-server-cloudimg-amd64.img
04670211a2ccef4fe22ebf8c0caaefadb73d204efbeff398ae262418129f5077 *ubuntu-24.04-server-cloudimg-arm64.img
`

func TestVerify(t *testing.T) {
	k := keys(t)
	content := []byte(sums)
	tampered := []byte(strings.Replace(sums, "b5b9", "b5b8", 1))
	signedAt := at(now.Add(-time.Hour))
	good := keyring(t, k.good)
	goodID := "0x" + k.good.PrimaryKey.KeyIdString()
	clear := k.good.ClearSign(t, content, signedAt)

	tests := []struct {
		name     string
		content  []byte
		sig      []byte
		kr       *Keyring
		want     []byte // plaintext on success
		wantErr  error
		wantText string // error text fragment
	}{
		{name: "detached binary", content: content, sig: k.good.Detach(t, content, signedAt), kr: good, want: content},
		{name: "detached armored", content: content, sig: k.good.DetachArmored(t, content, signedAt), kr: good, want: content},
		{name: "one of several keys", content: content, sig: k.good.Detach(t, content, signedAt), kr: keyring(t, k.other, k.good), want: content},
		{name: "clear-signed signature file", content: []byte("ignored: the .asc carries the text"), sig: clear, kr: good, want: content},
		{name: "clear-signed checksum file", content: clear, kr: good, want: content},
		{name: "clear-signed with CRLF line ends", content: bytes.ReplaceAll(clear, []byte("\n"), []byte("\r\n")), kr: good, want: content},

		{name: "tampered content", content: tampered, sig: k.good.Detach(t, content, signedAt), kr: good,
			wantErr: ErrMismatch, wantText: "signature does not match content (key " + goodID + ")"},
		{name: "tampered clear-signed text", content: bytes.Replace(clear, []byte("b5b9"), []byte("b5b8"), 1), kr: good,
			wantErr: ErrMismatch, wantText: "signature does not match content"},
		{name: "signature of another file", content: content, sig: k.good.DetachArmored(t, []byte("other file\n"), signedAt), kr: good,
			wantErr: ErrMismatch},
		{name: "wrong key", content: content, sig: k.other.Detach(t, content, signedAt), kr: good,
			wantErr: ErrUnknownKey, wantText: "signature by unknown key 0x" + k.other.PrimaryKey.KeyIdString()},
		{name: "expired key", content: content, sig: k.expired.Detach(t, content, at(now.AddDate(-2, 0, 1))), kr: keyring(t, k.expired),
			wantErr: ErrExpired, wantText: "key 0x" + k.expired.PrimaryKey.KeyIdString() + " expired on " + now.AddDate(-1, 0, 0).Format(time.DateOnly)},
		{name: "revoked key", content: content, sig: k.revoked.Detach(t, content, at(now.Add(-2*time.Hour))), kr: keyring(t, k.revoked),
			wantErr: ErrRevoked, wantText: "is revoked"},
		{name: "signature dated in the future", content: content, sig: k.future.Detach(t, content, at(now.Add(48*time.Hour))), kr: keyring(t, k.future),
			wantErr: ErrExpired, wantText: "in the future"},
		{name: "missing signature", content: content, kr: good, wantErr: ErrNoSignature},
		{name: "empty signature file", content: content, sig: []byte("\n \n"), kr: good, wantErr: ErrNoSignature},
		{name: "garbage signature", content: content, sig: []byte("not a signature at all"), kr: good, wantErr: ErrMalformed},
		{name: "HTML where a signature was expected", content: content, sig: []byte("<html><body>404</body></html>"), kr: good, wantErr: ErrMalformed},
		{name: "a key where a signature was expected", content: content, sig: k.good.Public(t), kr: good,
			wantErr: ErrMalformed, wantText: "want -----BEGIN PGP SIGNATURE-----"},
		{name: "a binary key where a signature was expected", content: content, sig: k.good.PublicBinary(t), kr: good, wantErr: ErrMalformed},
		{name: "unsigned text after the clear-signed block", content: append(bytes.Clone(clear), "deadbeef *evil.img\n"...), kr: good,
			wantErr: ErrMalformed, wantText: "unsigned text after the signature"},
		{name: "Hash header disagrees", content: bytes.Replace(clear, []byte("Hash: SHA256"), []byte("Hash: SHA512"), 1), kr: good,
			wantErr: ErrMalformed, wantText: "Hash header SHA512 disagrees with the signature's SHA256"},
		{name: "clear-signed without its signature block", content: clear[:bytes.Index(clear, []byte("-----BEGIN PGP SIGNATURE"))], kr: good, wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(tt.content, tt.sig, tt.kr, now)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if !bytes.Equal(got, tt.want) {
					t.Fatalf("plaintext\n%q\nwant\n%q", got, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if got != nil {
				t.Fatalf("returned %d bytes along with the error", len(got))
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("error %q, want it to contain %q", err, tt.wantText)
			}
		})
	}
}

// go-crypto will not make SHA-1 signatures, so the fixture is GnuPG's.
func TestVerifyRefusesWeakHash(t *testing.T) {
	content := readFixture(t, "ubuntu2404-SHA256SUMS")
	kr, err := LoadKeyring(readFixture(t, "sha1-fixture-key.asc"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Verify(content, readFixture(t, "ubuntu2404-SHA256SUMS.sha1.gpg"), kr, time.Now())
	if err == nil || !strings.Contains(err.Error(), "weak hash SHA-1") {
		t.Fatalf("SHA-1 signature: %v", err)
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Files made by GnuPG (testdata/README.md) verify: the format is what
// distributions publish, not only what go-crypto writes.
func TestVerifyGnuPGFixtures(t *testing.T) {
	read := func(name string) []byte { return readFixture(t, name) }
	kr, err := LoadKeyring(read("gpg-fixture-key.asc"))
	if err != nil {
		t.Fatal(err)
	}
	if fp := kr.Fingerprints(); len(fp) != 1 || fp[0] != "0834DBF40A6ED97BC0E9DFCB174458D37FB803B6" {
		t.Fatalf("fingerprints %v", fp)
	}
	ubuntu := read("ubuntu2404-SHA256SUMS")
	alma := read("almalinux9-CHECKSUM")
	present := time.Now()
	for _, tt := range []struct {
		name         string
		content, sig []byte
		kr           *Keyring
		want         []byte
	}{
		{"binary detached (Ubuntu SHA256SUMS.gpg)", ubuntu, read("ubuntu2404-SHA256SUMS.gpg"), kr, ubuntu},
		{"armored detached", ubuntu, read("ubuntu2404-SHA256SUMS.asc"), kr, ubuntu},
		{"clear-signed copy (AlmaLinux CHECKSUM.asc)", alma, read("almalinux9-CHECKSUM.asc"), kr, bytes.TrimSuffix(alma, []byte("\n"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(tt.content, tt.sig, tt.kr, present)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bytes.TrimSuffix(got, []byte("\n")), bytes.TrimSuffix(tt.want, []byte("\n"))) {
				t.Fatalf("plaintext differs from the signed file:\n%s", got)
			}
			tampered := bytes.Replace(tt.content, []byte("a"), []byte("b"), 1)
			sig := tt.sig
			if IsClearSigned(sig) {
				// Alter the signed text, past the header lines.
				i := bytes.Index(sig, []byte("\n\n")) + 2
				sig = append(bytes.Clone(sig[:i]), bytes.Replace(sig[i:], []byte("a"), []byte("b"), 1)...)
			}
			if _, err := Verify(tampered, sig, tt.kr, present); !errors.Is(err, ErrMismatch) {
				t.Fatalf("tampered: %v, want ErrMismatch", err)
			}
		})
	}
	fedora := read("Fedora-Cloud-37-1.7-x86_64-CHECKSUM")
	fkr, err := LoadKeyring(read("Fedora-Cloud-37-1.7-x86_64-CHECKSUM.fixture-key.asc"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(fedora, nil, fkr, present)
	if err != nil {
		t.Fatalf("Fedora clear-signed CHECKSUM: %v", err)
	}
	if !bytes.HasPrefix(got, []byte("# Fedora-Cloud-Base-37-1.7.x86_64.qcow2: 502792192 bytes\nSHA256 (")) || bytes.Contains(got, []byte("PGP")) {
		t.Fatalf("plaintext:\n%s", got)
	}
	if _, err := Verify(fedora, nil, kr, present); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Fedora CHECKSUM against the wrong key: %v", err)
	}
}

func TestLoadKeyring(t *testing.T) {
	k := keys(t)
	priv, binPriv := k.good.Private(t), k.other.PrivateBinary(t)
	two := append(k.good.Public(t), k.other.Public(t)...)

	tests := []struct {
		name    string
		files   [][]byte
		want    int    // keys loaded
		wantErr string // fragment
	}{
		{"armored", [][]byte{k.good.Public(t)}, 1, ""},
		{"binary", [][]byte{k.good.PublicBinary(t)}, 1, ""},
		{"two armored blocks in one file", [][]byte{two}, 2, ""},
		{"two files", [][]byte{k.good.Public(t), k.other.PublicBinary(t)}, 2, ""},
		{"none", nil, 0, "no keys"},
		{"empty file", [][]byte{[]byte("  \n")}, 0, "key file 1: empty key file"},
		{"armored private key", [][]byte{priv}, 0, "want an armored public key"},
		{"binary private key", [][]byte{binPriv}, 0, "holds private key material"},
		{"garbage", [][]byte{k.good.Public(t), []byte("hello")}, 0, "key file 2: not an OpenPGP public key"},
		{"unterminated armor", [][]byte{[]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n")}, 0, "no END line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr, err := LoadKeyring(tt.files...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := len(kr.Fingerprints()); got != tt.want {
				t.Fatalf("%d keys, want %d", got, tt.want)
			}
		})
	}
}

func TestVerifyWithoutKeys(t *testing.T) {
	if _, err := Verify([]byte(sums), []byte("x"), nil, now); err == nil {
		t.Fatal("verified against no keys")
	}
}

// ReadsAsPublicKeys is the cheap first look at a key file: it accepts what
// LoadKeyring accepts among these, and refuses what is not public keys at
// all, so that LoadKeyring is asked about those at once.
func TestReadsAsPublicKeys(t *testing.T) {
	k := keys(t)
	two := append(k.good.Public(t), k.other.Public(t)...)
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"armored", k.good.Public(t), true},
		{"binary", k.good.PublicBinary(t), true},
		{"two armored blocks", two, true},
		{"empty", []byte(" \n"), false},
		{"armored private key", k.good.Private(t), false},
		{"binary private key", k.other.PrivateBinary(t), false},
		{"garbage", []byte("hello"), false},
		{"not base64", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all!!\n-----END PGP PUBLIC KEY BLOCK-----\n"), false},
		{"unterminated armor", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n"), false},
		{"a signature, not a key", fixture(t, "ubuntu2404-SHA256SUMS.gpg"), false},
		{"an armored signature", fixture(t, "ubuntu2404-SHA256SUMS.asc"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReadsAsPublicKeys(tt.data); got != tt.want {
				t.Fatalf("ReadsAsPublicKeys = %v, want %v", got, tt.want)
			}
			if _, err := LoadKeyring(tt.data); (err == nil) != tt.want {
				t.Fatalf("LoadKeyring error %v, but ReadsAsPublicKeys %v", err, tt.want)
			}
		})
	}
	// Every fixture key reads as one.
	for _, name := range []string{"gpg-fixture-key.asc", "Fedora-Cloud-37-1.7-x86_64-CHECKSUM.fixture-key.asc", "sha1-fixture-key.asc"} {
		if !ReadsAsPublicKeys(fixture(t, name)) {
			t.Errorf("%s does not read as public keys", name)
		}
	}
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
