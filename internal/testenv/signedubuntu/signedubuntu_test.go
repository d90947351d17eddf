package signedubuntu

import (
	"bytes"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/internal/testenv/pgptest"
)

const (
	base  = "/ubuntu/releases/noble/"
	image = "ubuntu-24.04-server-cloudimg-amd64.img"
)

// signedBy reports which of keys made the signature the mirror serves for
// build v, or nil.
func signedBy(t *testing.T, w *World, v string, keys ...*pgptest.Key) *pgptest.Key {
	t.Helper()
	sums, sig := Get(t, w.Mirror, w.SumsPath(v)), Get(t, w.Mirror, w.SumsPath(v)+".gpg")
	for _, k := range keys {
		if _, err := openpgp.CheckDetachedSignature(openpgp.EntityList{k.Entity}, bytes.NewReader(sums), bytes.NewReader(sig), nil); err == nil {
			return k
		}
	}
	return nil
}

func TestNewSignsEveryBuild(t *testing.T) {
	m := mirror.New(t)
	builds := []string{"20260615", "20260705"}
	layout.Ubuntu(m, base, image, builds, "")
	w := New(t, m, base, builds)
	if w.Trusted == w.Stranger || w.Trusted != pgptest.Shared(t, "trusted") {
		t.Fatal("want the shared trusted key and another")
	}
	for _, v := range builds {
		if !bytes.Equal(w.Sums[v], Get(t, m, base+"release-"+v+"/SHA256SUMS")) {
			t.Errorf("Sums[%s] is not the file served", v)
		}
		if !bytes.Contains(w.Sums[v], []byte(layout.UbuntuDigest(image, v, ""))) {
			t.Errorf("Sums[%s] lacks the image's digest:\n%s", v, w.Sums[v])
		}
		if k := signedBy(t, w, v, w.Trusted, w.Stranger); k != w.Trusted {
			t.Errorf("build %s: signed by %v, want the trusted key", v, k)
		}
	}

	w.Sign(t, w.Stranger, "20260705")
	if k := signedBy(t, w, "20260705", w.Trusted, w.Stranger); k != w.Stranger {
		t.Errorf("after Sign by the stranger: signed by %v", k)
	}
	if k := signedBy(t, w, "20260615", w.Trusted, w.Stranger); k != w.Trusted {
		t.Error("signing one build changed another")
	}
}
