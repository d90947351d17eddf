// Package signature verifies the OpenPGP signatures that distributions
// publish for their checksum files: detached signatures (Ubuntu's
// SHA256SUMS.gpg, armored or binary) and clear-signed documents (Fedora's
// CHECKSUM, AlmaLinux's CHECKSUM.asc, Flatcar's DIGESTS.asc).
//
// It only answers "did one of these keys sign exactly these bytes, and is
// that signature valid now": which keys to trust and what to do with an
// unsigned file is the caller's policy.
package signature

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Errors a caller may tell apart with errors.Is. The error text says more
// (which key, which date).
var (
	// ErrNoSignature: there is nothing to verify — no detached signature
	// and the content is not clear-signed.
	ErrNoSignature = errors.New("no signature")
	// ErrUnknownKey: the signature was made by a key not in the keyring.
	ErrUnknownKey = errors.New("signature by unknown key")
	// ErrMismatch: the signature does not cover these bytes (the content
	// was altered, or the signature belongs to another file).
	ErrMismatch = errors.New("signature does not match content")
	// ErrExpired: the signing key or the signature has expired, or is
	// dated in the future.
	ErrExpired = errors.New("expired")
	// ErrRevoked: the signing key has been revoked.
	ErrRevoked = errors.New("revoked")
	// ErrMalformed: the signature or clear-signed wrapper cannot be read.
	ErrMalformed = errors.New("malformed signature")
)

const (
	clearSignedHeader = "-----BEGIN PGP SIGNED MESSAGE-----"
	armoredSigHeader  = "-----BEGIN PGP SIGNATURE-----"
	armoredKeyHeader  = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
)

// weakHashes are refused as message digests: a collision in them lets a
// signature over one checksum file pass for another. go-crypto's v1 API does
// not enforce its own reject list, so it is done here.
var weakHashes = map[crypto.Hash]string{
	crypto.MD5:       "MD5",
	crypto.SHA1:      "SHA-1",
	crypto.RIPEMD160: "RIPEMD-160",
}

// Keyring is a set of trusted public keys.
type Keyring struct {
	entities openpgp.EntityList
}

// LoadKeyring reads public keys, each file armored or binary and holding one
// or more keys. A file holding a private key is refused: trusted keys are
// shipped in the repository, and a secret there is a mistake to stop early.
func LoadKeyring(files ...[]byte) (*Keyring, error) {
	kr := &Keyring{}
	for i, data := range files {
		el, err := readKeys(data)
		if err != nil {
			return nil, fmt.Errorf("key file %d: %w", i+1, err)
		}
		kr.entities = append(kr.entities, el...)
	}
	if len(kr.entities) == 0 {
		return nil, errors.New("no keys")
	}
	return kr, nil
}

func readKeys(data []byte) (el openpgp.EntityList, err error) {
	// go-crypto reports some malformed input by panicking deep in its packet
	// parsers; a bad key file must be an error, never a crash.
	defer func() {
		if r := recover(); r != nil {
			el, err = nil, fmt.Errorf("not an OpenPGP key: %v", r)
		}
	}()
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("empty key file")
	}
	if bytes.HasPrefix(trimmed, []byte("-----BEGIN ")) {
		if !bytes.HasPrefix(trimmed, []byte(armoredKeyHeader)) {
			line, _, _ := bytes.Cut(trimmed, []byte("\n"))
			return nil, fmt.Errorf("want an armored public key (%s), found %q", armoredKeyHeader, strings.TrimSpace(string(line)))
		}
		el, err = readArmoredBlocks(trimmed)
	} else {
		el, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("not an OpenPGP public key: %w", err)
	}
	for _, e := range el {
		if e.PrivateKey != nil {
			return nil, fmt.Errorf("key %s holds private key material; trust public keys only", keyID(e.PrimaryKey.KeyId))
		}
	}
	if len(el) == 0 {
		return nil, errors.New("no keys in key file")
	}
	return el, nil
}

// readArmoredBlocks reads every armored key block of a file: distribution
// key files often hold several (AlmaLinux 8's holds its old and new key),
// and go-crypto's reader stops after the first.
func readArmoredBlocks(data []byte) (openpgp.EntityList, error) {
	var all openpgp.EntityList
	rest := data
	for {
		i := bytes.Index(rest, []byte(armoredKeyHeader))
		if i < 0 {
			break
		}
		rest = rest[i:]
		end := bytes.Index(rest, []byte("-----END PGP PUBLIC KEY BLOCK-----"))
		if end < 0 {
			return nil, errors.New("armored key block has no END line")
		}
		end += len("-----END PGP PUBLIC KEY BLOCK-----")
		el, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(rest[:end]))
		if err != nil {
			return nil, fmt.Errorf("key block %d: %w", len(all)+1, err)
		}
		all = append(all, el...)
		rest = rest[end:]
	}
	return all, nil
}

// Fingerprints lists the primary key fingerprints, upper-case hex, in the
// order the keys were loaded.
func (kr *Keyring) Fingerprints() []string {
	out := make([]string, 0, len(kr.entities))
	for _, e := range kr.entities {
		out = append(out, fmt.Sprintf("%X", e.PrimaryKey.Fingerprint))
	}
	return out
}

// IsClearSigned reports whether data is a clear-signed document.
func IsClearSigned(data []byte) bool {
	return bytes.HasPrefix(trimLeading(data), []byte(clearSignedHeader))
}

// Verify checks that a key in kr signed content, valid at now.
//
//   - sig is a detached signature (armored or binary) over content:
//     content is returned.
//   - sig is a clear-signed document (CHECKSUM.asc): content is not read;
//     the signed text inside sig is returned.
//   - sig is empty and content is clear-signed (Fedora's CHECKSUM): the
//     signed text inside content is returned.
//
// Only the returned bytes are covered by the signature: parse those, never
// the input, because text around a clear-signed block is not signed.
func Verify(content, sig []byte, kr *Keyring, now time.Time) (plaintext []byte, err error) {
	if kr == nil || len(kr.entities) == 0 {
		return nil, errors.New("no trusted keys to verify against")
	}
	defer func() {
		if r := recover(); r != nil {
			plaintext, err = nil, fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	switch {
	case IsClearSigned(sig):
		return verifyClearSigned(sig, kr, now)
	case len(bytes.TrimSpace(sig)) == 0 && IsClearSigned(content):
		return verifyClearSigned(content, kr, now)
	case len(bytes.TrimSpace(sig)) == 0:
		return nil, ErrNoSignature
	}
	body, err := detachedBody(sig)
	if err != nil {
		return nil, err
	}
	if err := check(kr, content, body, nil, now); err != nil {
		return nil, err
	}
	return content, nil
}

// ClearSigned is a clear-signed document taken apart.
type ClearSigned struct {
	Plaintext []byte   // the signed text, dash-escaping undone, LF line ends
	signed    []byte   // the canonical bytes the signature covers
	sig       []byte   // the binary signature packets
	hashes    []string // the Hash: header values, upper case
}

// ParseClearSigned takes a clear-signed document apart without verifying it.
// Anything but white space before or after the signed block is refused:
// text there is not covered by the signature, and a file that carries some
// has been altered or is not what it claims to be.
func ParseClearSigned(data []byte) (*ClearSigned, error) {
	if !IsClearSigned(data) {
		return nil, fmt.Errorf("%w: not a clear-signed document (no %s line)", ErrMalformed, clearSignedHeader)
	}
	b, rest := clearsign.Decode(trimLeading(data))
	if b == nil {
		return nil, fmt.Errorf("%w: clear-signed document is incomplete or has bad headers", ErrMalformed)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, fmt.Errorf("%w: %d bytes of unsigned text after the signature", ErrMalformed, len(bytes.TrimSpace(rest)))
	}
	if b.ArmoredSignature == nil || b.ArmoredSignature.Type != openpgp.SignatureType {
		return nil, fmt.Errorf("%w: clear-signed document does not end in a signature block", ErrMalformed)
	}
	sig, err := io.ReadAll(b.ArmoredSignature.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: signature block: %v", ErrMalformed, err)
	}
	if len(sig) == 0 {
		return nil, fmt.Errorf("%w: the signature block is empty", ErrMalformed)
	}
	return &ClearSigned{Plaintext: b.Plaintext, signed: b.Bytes, sig: sig, hashes: b.Headers.Values("Hash")}, nil
}

func verifyClearSigned(data []byte, kr *Keyring, now time.Time) ([]byte, error) {
	cs, err := ParseClearSigned(data)
	if err != nil {
		return nil, err
	}
	if err := check(kr, cs.signed, cs.sig, cs.hashes, now); err != nil {
		return nil, err
	}
	return cs.Plaintext, nil
}

// detachedBody returns the binary packets of a detached signature.
func detachedBody(sig []byte) ([]byte, error) {
	t := trimLeading(sig)
	if !bytes.HasPrefix(t, []byte("-----BEGIN ")) {
		return sig, nil
	}
	if !bytes.HasPrefix(t, []byte(armoredSigHeader)) {
		line, _, _ := bytes.Cut(t, []byte("\n"))
		return nil, fmt.Errorf("%w: want %s, found %q", ErrMalformed, armoredSigHeader, strings.TrimSpace(string(line)))
	}
	block, err := armor.Decode(bytes.NewReader(t))
	if err != nil {
		return nil, fmt.Errorf("%w: armor: %v", ErrMalformed, err)
	}
	body, err := io.ReadAll(block.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: armor: %v", ErrMalformed, err)
	}
	return body, nil
}

// check verifies the signature packets sig over signed. It reads the
// packets itself first so that errors can name the key and date go-crypto's
// sentinels leave out.
func check(kr *Keyring, signed, sig []byte, hashHeaders []string, now time.Time) error {
	sigs, err := readSignatures(sig)
	if err != nil {
		return err
	}
	var known *packet.Signature
	for _, s := range sigs {
		if name, weak := weakHashes[s.Hash]; weak {
			return fmt.Errorf("signature by key %s uses the weak hash %s", keyID(issuer(s)), name)
		}
		if len(kr.entities.KeysById(issuer(s))) > 0 && known == nil {
			known = s
		}
	}
	if known == nil {
		ids := make([]string, 0, len(sigs))
		for _, s := range sigs {
			ids = append(ids, keyID(issuer(s)))
		}
		return fmt.Errorf("%w %s", ErrUnknownKey, strings.Join(ids, ", "))
	}
	if len(hashHeaders) > 0 {
		// A Hash: header that disagrees with the signature is how a
		// downgrade would be smuggled in; RFC 9580 §7.1 says to reject it.
		name := hashName(known.Hash)
		ok := false
		for _, h := range hashHeaders {
			ok = ok || strings.EqualFold(h, name)
		}
		if !ok {
			return fmt.Errorf("%w: Hash header %s disagrees with the signature's %s", ErrMalformed, strings.Join(hashHeaders, ","), name)
		}
	}
	cfg := &packet.Config{Time: func() time.Time { return now }}
	_, err = openpgp.CheckDetachedSignature(kr.entities, bytes.NewReader(signed), bytes.NewReader(sig), cfg)
	if err == nil {
		return nil
	}
	id := issuer(known)
	switch {
	case errors.Is(err, pgperrors.ErrKeyExpired):
		return fmt.Errorf("key %s %w on %s", keyID(id), ErrExpired, kr.expiry(id))
	case errors.Is(err, pgperrors.ErrSignatureExpired):
		if known.CreationTime.After(now) {
			return fmt.Errorf("signature by key %s is dated %s, in the future: %w", keyID(id), known.CreationTime.UTC().Format(time.DateOnly), ErrExpired)
		}
		return fmt.Errorf("signature by key %s (or its binding) has %w", keyID(id), ErrExpired)
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		return fmt.Errorf("key %s is %w", keyID(id), ErrRevoked)
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		// The key is in the keyring but not certified for signing.
		return fmt.Errorf("%w %s (the keyring has it, but not as a signing key)", ErrUnknownKey, keyID(id))
	}
	var serr pgperrors.SignatureError
	if errors.As(err, &serr) {
		return fmt.Errorf("%w (key %s)", ErrMismatch, keyID(id))
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

// readSignatures reads every packet of a detached signature; anything but
// signature packets means this is not a detached signature.
func readSignatures(data []byte) ([]*packet.Signature, error) {
	r := packet.NewReader(bytes.NewReader(data))
	var sigs []*packet.Signature
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		s, ok := p.(*packet.Signature)
		if !ok {
			return nil, fmt.Errorf("%w: %T packet where a signature was expected", ErrMalformed, p)
		}
		if s.IssuerKeyId == nil {
			return nil, fmt.Errorf("%w: signature names no issuer key", ErrMalformed)
		}
		sigs = append(sigs, s)
	}
	if len(sigs) == 0 {
		return nil, fmt.Errorf("%w: no signature packets", ErrMalformed)
	}
	return sigs, nil
}

func issuer(s *packet.Signature) uint64 {
	if s.IssuerKeyId == nil {
		return 0
	}
	return *s.IssuerKeyId
}

// expiry says when key id expired, for the message: the earlier of its own
// expiry and its primary key's, which ends every subkey with it.
func (kr *Keyring) expiry(id uint64) string {
	var first time.Time
	consider := func(pk *packet.PublicKey, sig *packet.Signature) {
		if sig == nil || sig.KeyLifetimeSecs == nil || *sig.KeyLifetimeSecs == 0 {
			return
		}
		t := pk.CreationTime.Add(time.Duration(*sig.KeyLifetimeSecs) * time.Second)
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	for _, k := range kr.entities.KeysById(id) {
		psig, _ := k.Entity.PrimarySelfSignature()
		consider(k.Entity.PrimaryKey, psig)
		if k.PublicKey != k.Entity.PrimaryKey {
			consider(k.PublicKey, k.SelfSignature)
		}
	}
	if first.IsZero() {
		return "an unknown date"
	}
	return first.UTC().Format(time.DateOnly)
}

func keyID(id uint64) string { return fmt.Sprintf("0x%016X", id) }

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.SHA224:
		return "SHA224"
	case crypto.SHA256:
		return "SHA256"
	case crypto.SHA384:
		return "SHA384"
	case crypto.SHA512:
		return "SHA512"
	case crypto.SHA3_256:
		return "SHA3-256"
	case crypto.SHA3_512:
		return "SHA3-512"
	}
	return h.String()
}

// trimLeading drops a UTF-8 byte order mark and leading white space, which
// some mirrors add and which are not part of any signature format.
func trimLeading(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return bytes.TrimLeft(b, " \t\r\n")
}

// ReadsAsPublicKeys reports whether data holds OpenPGP public keys, armored
// or binary, and no private key material, reading only the armor and the
// packet framing: no signature is checked, so it costs a fraction of
// LoadKeyring, whose self-signature checks are most of the cost of
// starting a run. A file it accepts may still fail LoadKeyring (a bad
// self-signature); a file it refuses is one LoadKeyring should be asked
// about, for its verdict and its message.
func ReadsAsPublicKeys(data []byte) (ok bool) {
	// Packet parsers have panicked on malformed input (see readKeys).
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return false
	}
	var bodies []io.Reader
	if bytes.HasPrefix(trimmed, []byte("-----BEGIN ")) {
		const end = "-----END PGP PUBLIC KEY BLOCK-----"
		rest := trimmed
		for {
			i := bytes.Index(rest, []byte(armoredKeyHeader))
			if i < 0 {
				break
			}
			rest = rest[i:]
			j := bytes.Index(rest, []byte(end))
			if j < 0 {
				return false
			}
			j += len(end)
			block, err := armor.Decode(bytes.NewReader(rest[:j]))
			if err != nil || block.Type != openpgp.PublicKeyType {
				return false
			}
			bodies = append(bodies, block.Body)
			rest = rest[j:]
		}
	} else {
		bodies = append(bodies, bytes.NewReader(data))
	}
	keys := 0
	for _, body := range bodies {
		pr := packet.NewReader(body)
		for {
			p, err := pr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return false
			}
			switch p.(type) {
			case *packet.PrivateKey:
				return false
			case *packet.PublicKey:
				keys++
			}
		}
	}
	return keys > 0
}
