package pgptest

import (
	"bytes"
	"crypto"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

const content = "b5b9bec91eee65489a5745f6ee620573b23337cbb1eb4501ce200b157a01f3a0 *ubuntu-24.04-server-cloudimg-amd64.img\n"

func TestSignaturesVerify(t *testing.T) {
	k := Shared(t, "signer")
	kr, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(k.Public(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(kr) != 1 || kr[0].PrivateKey != nil || kr[0].PrimaryKey.KeyId != k.PrimaryKey.KeyId {
		t.Fatalf("armored public key read back as %+v", kr)
	}
	if bin, err := openpgp.ReadKeyRing(bytes.NewReader(k.PublicBinary(t))); err != nil || len(bin) != 1 || bin[0].PrivateKey != nil {
		t.Fatalf("binary public key: %v", err)
	}

	if _, err := openpgp.CheckDetachedSignature(kr, bytes.NewReader([]byte(content)), bytes.NewReader(k.Detach(t, []byte(content), nil)), nil); err != nil {
		t.Errorf("detached: %v", err)
	}
	if _, err := openpgp.CheckArmoredDetachedSignature(kr, bytes.NewReader([]byte(content)), bytes.NewReader(k.DetachArmored(t, []byte(content), nil)), nil); err != nil {
		t.Errorf("armored detached: %v", err)
	}
	if _, err := openpgp.CheckDetachedSignature(kr, bytes.NewReader([]byte("other\n")), bytes.NewReader(k.Detach(t, []byte(content), nil)), nil); err == nil {
		t.Error("a signature verified over other content")
	}

	b, rest := clearsign.Decode(k.ClearSign(t, []byte(content), nil))
	if b == nil || len(rest) != 0 {
		t.Fatal("not a clear-signed message")
	}
	if string(b.Plaintext) != content {
		t.Errorf("clear-signed text %q", b.Plaintext)
	}
	if _, err := b.VerifySignature(kr, nil); err != nil {
		t.Errorf("clear-signed: %v", err)
	}
}

func TestPrivateKeys(t *testing.T) {
	k := Shared(t, "signer")
	armored, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(k.Private(t)))
	if err != nil || len(armored) != 1 || armored[0].PrivateKey == nil {
		t.Fatalf("armored private key: %v", err)
	}
	bin, err := openpgp.ReadKeyRing(bytes.NewReader(k.PrivateBinary(t)))
	if err != nil || len(bin) != 1 || bin[0].PrivateKey == nil {
		t.Fatalf("binary private key: %v", err)
	}
	if !bytes.HasPrefix(k.Private(t), []byte("-----BEGIN PGP PRIVATE KEY BLOCK-----")) {
		t.Errorf("armor %q", k.Private(t)[:40])
	}
}

// fast makes Ed25519 keys, for tests of this package that need a key but not
// an RSA one: RSA keys take seconds to make under -race.
var fast = &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, DefaultHash: crypto.SHA256}

func TestShared(t *testing.T) {
	var wg sync.WaitGroup
	got := make([]*Key, 8)
	for i := range got {
		wg.Go(func() { got[i] = Shared(t, "signer") })
	}
	wg.Wait()
	for _, k := range got[1:] {
		if k != got[0] {
			t.Fatal("Shared made two keys of one name")
		}
	}
	if Shared(t, "stranger").PrimaryKey.KeyId == got[0].PrimaryKey.KeyId {
		t.Fatal("two names share a key")
	}
	if New(t, "signer", fast).PrimaryKey.KeyId == got[0].PrimaryKey.KeyId {
		t.Fatal("New returned the shared key")
	}
}

func TestGenerateHonoursConfig(t *testing.T) {
	created := time.Date(2024, 7, 10, 12, 0, 0, 0, time.UTC)
	cfg := &packet.Config{
		Time:            func() time.Time { return created },
		Algorithm:       packet.PubKeyAlgoEdDSA,
		DefaultHash:     crypto.SHA256,
		KeyLifetimeSecs: 3600,
	}
	k, err := Generate("Old Key", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !k.PrimaryKey.CreationTime.Equal(created) || k.PrimaryKey.PubKeyAlgo != packet.PubKeyAlgoEdDSA {
		t.Errorf("key made %v with algorithm %v", k.PrimaryKey.CreationTime, k.PrimaryKey.PubKeyAlgo)
	}
	if _, ok := k.Identities["Old Key <old-key@example.org>"]; !ok {
		t.Errorf("identities %v", k.Identities)
	}
	if l := k.PrimaryIdentity().SelfSignature.KeyLifetimeSecs; l == nil || *l != 3600 {
		t.Errorf("key lifetime %v, want 3600s", l)
	}
}
