// Package pgptest makes throwaway OpenPGP keys for tests, and signs with them
// the way distributions sign their checksum files: detached (Ubuntu's
// SHA256SUMS.gpg), armored detached (.asc) and clear-signed (Fedora's
// CHECKSUM).
//
// The keys are made by go-crypto, the library the verifier uses; the
// signature package's tests also check files made by GnuPG, so that the two
// do not only agree with each other.
package pgptest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Key is a key pair; the embedded Entity is go-crypto's, for the rare test
// that needs more than this package offers (revoking it, say).
type Key struct {
	*openpgp.Entity
}

// Generate makes a key whose user ID is name <name@example.org>. cfg is as
// for openpgp.NewEntity: nil means go-crypto's defaults, a 2048-bit RSA key
// made now that signs with SHA-256; a Time in cfg makes a key created then.
func Generate(name string, cfg *packet.Config) (*Key, error) {
	email := strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "@example.org"
	e, err := openpgp.NewEntity(name, "", email, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgptest: make key %q: %w", name, err)
	}
	return &Key{e}, nil
}

// New is Generate for one test: it fails tb rather than return an error.
func New(tb testing.TB, name string, cfg *packet.Config) *Key {
	tb.Helper()
	k, err := Generate(name, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// shared holds one func() (*Key, error) per name, made by sync.OnceValues.
var shared sync.Map

// Shared returns the key called name with Generate's defaults, made the first
// time any test of the binary asks for it and the same key afterwards. An RSA
// key takes up to seconds to make under -race; tests that need "a trusted
// key and a stranger" share two instead of making their own. Whichever test
// runs first makes the key, so every test can run alone or in any order.
func Shared(tb testing.TB, name string) *Key {
	tb.Helper()
	mk, _ := shared.LoadOrStore(name, sync.OnceValues(func() (*Key, error) { return Generate(name, nil) }))
	k, err := mk.(func() (*Key, error))()
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// Public is the public key, armored, as a distribution's key file holds it.
func (k *Key) Public(tb testing.TB) []byte {
	tb.Helper()
	return k.export(tb, openpgp.PublicKeyType, k.Serialize)
}

// PublicBinary is the public key without armor, as a .gpg keyring file holds it.
func (k *Key) PublicBinary(tb testing.TB) []byte {
	tb.Helper()
	return k.export(tb, "", k.Serialize)
}

// Private is the private key, armored: what a careless operator might put
// where a public key belongs.
func (k *Key) Private(tb testing.TB) []byte {
	tb.Helper()
	return k.export(tb, openpgp.PrivateKeyType, k.serializePrivate)
}

// PrivateBinary is the private key without armor.
func (k *Key) PrivateBinary(tb testing.TB) []byte {
	tb.Helper()
	return k.export(tb, "", k.serializePrivate)
}

func (k *Key) serializePrivate(w io.Writer) error { return k.SerializePrivate(w, nil) }

// export writes the key with serialize, armored as blockType unless it is "".
func (k *Key) export(tb testing.TB, blockType string, serialize func(io.Writer) error) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if blockType == "" {
		if err := serialize(&buf); err != nil {
			tb.Fatal(err)
		}
		return buf.Bytes()
	}
	w, err := armor.Encode(&buf, blockType, nil)
	if err == nil {
		err = serialize(w)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// Detach is a binary detached signature of content, like Ubuntu's
// SHA256SUMS.gpg. cfg may be nil; its Time dates the signature.
func (k *Key) Detach(tb testing.TB, content []byte, cfg *packet.Config) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := openpgp.DetachSign(&buf, k.Entity, bytes.NewReader(content), cfg); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// DetachArmored is an armored detached signature of content (an .asc file).
func (k *Key) DetachArmored(tb testing.TB, content []byte, cfg *packet.Config) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&buf, k.Entity, bytes.NewReader(content), cfg); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// ClearSign wraps content in a clear-signed message, like Fedora's CHECKSUM.
func (k *Key) ClearSign(tb testing.TB, content []byte, cfg *packet.Config) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := clearsign.Encode(&buf, k.PrivateKey, cfg)
	if err == nil {
		_, err = w.Write(content)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
