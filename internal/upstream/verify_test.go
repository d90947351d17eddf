package upstream

import (
	"bytes"
	"context"
	"crypto"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// signer is a key made in the test, standing in for a distribution's.
type signer struct {
	e   *openpgp.Entity
	pub []byte // armored public key, as a key file holds it
}

var (
	signersOnce sync.Once
	signers     [2]*signer
	signersErr  error
)

// testSigners returns two keys: the trusted one and a stranger.
func testSigners(t *testing.T) (trusted, stranger *signer) {
	t.Helper()
	signersOnce.Do(func() {
		cfg := &packet.Config{RSABits: 2048, DefaultHash: crypto.SHA256}
		for i := range signers {
			e, err := openpgp.NewEntity("signer", "test", "signer@example.org", cfg)
			if err != nil {
				signersErr = err
				return
			}
			var buf bytes.Buffer
			w, _ := armor.Encode(&buf, openpgp.PublicKeyType, nil)
			if err := e.Serialize(w); err != nil {
				signersErr = err
				return
			}
			w.Close()
			signers[i] = &signer{e: e, pub: buf.Bytes()}
		}
	})
	if signersErr != nil {
		t.Fatal(signersErr)
	}
	return signers[0], signers[1]
}

func (s *signer) detach(t *testing.T, content []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := openpgp.DetachSign(&buf, s.e, bytes.NewReader(content), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (s *signer) clearSign(t *testing.T, content []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := clearsign.Encode(&buf, s.e.PrivateKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(content)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	sigBase  = "/ubuntu/releases/noble/"
	sigImage = "ubuntu-24.04-server-cloudimg-amd64.img"
)

var sigBuilds = []string{"20260615", "20260705"}

// signedWorld is an Ubuntu layout whose build checksum files carry
// SHA256SUMS.gpg by the trusted test key.
type signedWorld struct {
	m       *mirror.Server
	client  *Client
	trusted *signer
	other   *signer
	sums    map[string][]byte // build -> SHA256SUMS as served
}

func newSignedWorld(t *testing.T) *signedWorld {
	t.Helper()
	trusted, other := testSigners(t)
	m := mirror.New(t)
	layout.Ubuntu(m, sigBase, sigImage, sigBuilds, "")
	w := &signedWorld{m: m, trusted: trusted, other: other, sums: map[string][]byte{}}
	for _, v := range sigBuilds {
		p := sigBase + "release-" + v + "/SHA256SUMS"
		body := get(t, m, p)
		w.sums[v] = body
		m.File(p+".gpg", trusted.detach(t, body), time.Time{})
	}
	w.client = NewClient(Options{Mirrors: []Mirror{{From: "https://cloud-images.ubuntu.com/", To: m.URL + "/ubuntu/"}}, Retries: -1})
	return w
}

func get(t *testing.T, m *mirror.Server, p string) []byte {
	t.Helper()
	resp, err := http.Get(m.URL + p)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return buf.Bytes()
}

func (w *signedWorld) image(mode, sigFile string, keys ...*signer) source.Image {
	img := source.Image{
		Name: "Ubuntu 24.04", Type: "ubuntu", Arch: "x86_64",
		Upstream: source.Upstream{
			URL: "https://cloud-images.ubuntu.com/releases/noble/", Latest: "release/",
			Checksums: "SHA256SUMS", Algorithm: "sha256", Filename: sigImage,
			Signature: mode, SignatureFile: sigFile,
		},
	}
	for _, k := range keys {
		img.Upstream.Keys = append(img.Upstream.Keys, "test.asc")
		img.Upstream.KeyData = append(img.Upstream.KeyData, k.pub)
	}
	return img
}

// crawl runs one image through Crawl with a cold client, as a run does, and
// returns the outcome and the requests it made.
func (w *signedWorld) crawl(t *testing.T, img source.Image, known Known) (Outcome, []string) {
	t.Helper()
	w.m.ResetCounts()
	w.client = NewClient(w.client.opts)
	out := Crawl(context.Background(), w.client, []source.Image{img}, map[string]Known{img.Name: known}, 1, nil)
	var reqs []string
	for _, r := range w.m.Requests() {
		reqs = append(reqs, r.Method+" "+strings.TrimPrefix(r.Path, sigBase))
	}
	return out[0], reqs
}

var oldKnown = Known{Version: "20260615", Checksum: "sha256:" + layout.UbuntuDigest(sigImage, "20260615", "")}

func TestVerifyDetachedSignature(t *testing.T) {
	w := newSignedWorld(t)
	o, reqs := w.crawl(t, w.image("required", "{checksums}.gpg", w.trusted), oldKnown)
	if o.Err != nil {
		t.Fatal(o.Err)
	}
	if !o.Result.Verified || o.Result.Version != "20260705" || o.Result.BuildDate != "2026-07-05" {
		t.Fatalf("result %+v", o.Result)
	}
	want := []string{
		"GET release/SHA256SUMS", "GET ", "GET release-20260705/SHA256SUMS", "GET release-20260705/SHA256SUMS.gpg",
		"HEAD release-20260705/" + sigImage,
	}
	if strings.Join(reqs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests\n  %s\nwant\n  %s", strings.Join(reqs, "\n  "), strings.Join(want, "\n  "))
	}

	// Unchanged costs the latest checksum file alone, signed or not.
	now := Known{Version: "20260705", Checksum: "sha256:" + layout.UbuntuDigest(sigImage, "20260705", "")}
	o, reqs = w.crawl(t, w.image("required", "{checksums}.gpg", w.trusted), now)
	if o.Err != nil || !o.Result.Unchanged || len(reqs) != 1 {
		t.Fatalf("unchanged: %v %+v, requests %v", o.Err, o.Result, reqs)
	}
}

func TestVerifyModes(t *testing.T) {
	// The table below names the stranger's key: make the keys first, so
	// that the test passes whatever ran before it.
	testSigners(t)
	tests := []struct {
		name     string
		mode     string
		sigFile  string
		keys     func(w *signedWorld) []*signer
		prepare  func(t *testing.T, w *signedWorld)
		verified bool
		wantErr  string // "" = succeeds
	}{
		{name: "off fetches no signature", mode: "off", sigFile: "{checksums}.gpg", verified: false},
		{name: "empty mode with keys means required", mode: "", sigFile: "{checksums}.gpg", verified: true},
		{name: "required, missing", mode: "required", sigFile: "{checksums}.gpg",
			prepare: func(t *testing.T, w *signedWorld) { w.m.Remove(sigBase + "release-20260705/SHA256SUMS.gpg") },
			wantErr: "release-20260705/SHA256SUMS.gpg is not published, and the signature of SHA256SUMS is required"},
		{name: "optional, missing", mode: "optional", sigFile: "{checksums}.gpg", verified: false,
			prepare: func(t *testing.T, w *signedWorld) { w.m.Remove(sigBase + "release-20260705/SHA256SUMS.gpg") }},
		{name: "optional, bad", mode: "optional", sigFile: "{checksums}.gpg",
			prepare: func(t *testing.T, w *signedWorld) {
				w.m.File(sigBase+"release-20260705/SHA256SUMS.gpg", w.other.detach(t, w.sums["20260705"]), time.Time{})
			},
			wantErr: "signature by unknown key 0x" + signers[1].e.PrimaryKey.KeyIdString()},
		{name: "optional, signature broken upstream (503 is not missing)", mode: "optional", sigFile: "{checksums}.gpg",
			prepare: func(t *testing.T, w *signedWorld) {
				w.m.Fault(sigBase+"release-20260705/SHA256SUMS.gpg", mirror.Fault{Status: 503})
			},
			wantErr: "fetch signature: GET https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS.gpg: 503"},
		{name: "required, tampered checksum file", mode: "required", sigFile: "{checksums}.gpg",
			prepare: func(t *testing.T, w *signedWorld) {
				// The attacker controls the mirror: alias and build agree on
				// a new digest, but the signature still covers the original.
				for _, p := range []string{"release/SHA256SUMS", "release-20260705/SHA256SUMS"} {
					body := bytes.Replace(get(t, w.m, sigBase+p), []byte(layout.UbuntuDigest(sigImage, "20260705", "")), []byte(strings.Repeat("e", 64)), 1)
					w.m.File(sigBase+p, body, time.Time{})
				}
			},
			wantErr: "verify signature of https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS: signature does not match content"},
		{name: "required, wrong key", mode: "required", sigFile: "{checksums}.gpg",
			keys:    func(w *signedWorld) []*signer { return []*signer{w.other} },
			wantErr: "signature by unknown key"},
		{name: "required, no keys", mode: "required", sigFile: "{checksums}.gpg",
			keys:    func(w *signedWorld) []*signer { return nil },
			wantErr: "upstream.keys names no key"},
		{name: "required, expected clear-signed but plain", mode: "required", sigFile: "",
			wantErr: "release-20260705/SHA256SUMS is not clear-signed, and its signature is required"},
		{name: "optional, expected clear-signed but plain", mode: "optional", sigFile: "", verified: false},
		{name: "required, clear-signed checksum file", mode: "required", sigFile: "", verified: true,
			prepare: func(t *testing.T, w *signedWorld) {
				w.m.File(sigBase+"release-20260705/SHA256SUMS", w.trusted.clearSign(t, w.sums["20260705"]), time.Time{})
			}},
		{name: "clear-signed checksum file with an unsigned line appended", mode: "required", sigFile: "",
			prepare: func(t *testing.T, w *signedWorld) {
				doc := w.trusted.clearSign(t, w.sums["20260705"])
				doc = append(doc, layout.UbuntuDigest(sigImage, "20260705", "")+" *evil.img\n"...)
				w.m.File(sigBase+"release-20260705/SHA256SUMS", doc, time.Time{})
			},
			wantErr: "unsigned text after the signature"},
		{name: "clear-signed copy as the signature file (CHECKSUM.asc)", mode: "required", sigFile: "{checksums}.asc", verified: true,
			prepare: func(t *testing.T, w *signedWorld) {
				w.m.File(sigBase+"release-20260705/SHA256SUMS.asc", w.trusted.clearSign(t, w.sums["20260705"]), time.Time{})
			}},
		{name: "clear-signed copy that lists another digest", mode: "required", sigFile: "{checksums}.asc",
			prepare: func(t *testing.T, w *signedWorld) {
				// Only the signed copy counts: the plain file says one thing,
				// the signed text another, and the build is not confirmed.
				other := bytes.ReplaceAll(w.sums["20260705"], []byte(layout.UbuntuDigest(sigImage, "20260705", "")), []byte(strings.Repeat("a", 64)))
				w.m.File(sigBase+"release-20260705/SHA256SUMS.asc", w.trusted.clearSign(t, other), time.Time{})
				w.m.File(sigBase+"release-20260615/SHA256SUMS.asc", w.trusted.clearSign(t, w.sums["20260615"]), time.Time{})
			},
			wantErr: "is in none of the newest builds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSignedWorld(t)
			keys := []*signer{w.trusted}
			if tt.keys != nil {
				keys = tt.keys(w)
			}
			if tt.prepare != nil {
				tt.prepare(t, w)
			}
			img := w.image(tt.mode, tt.sigFile, keys...)
			o, reqs := w.crawl(t, img, oldKnown)
			if tt.wantErr != "" {
				if o.Err == nil || !strings.Contains(o.Err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", o.Err, tt.wantErr)
				}
				return
			}
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			if o.Result.Verified != tt.verified || o.Result.Version != "20260705" {
				t.Fatalf("verified %v version %s, want %v 20260705", o.Result.Verified, o.Result.Version, tt.verified)
			}
			if tt.mode == "off" {
				for _, r := range reqs {
					if strings.HasSuffix(r, ".gpg") {
						t.Fatalf("off fetched a signature: %v", reqs)
					}
				}
			}
		})
	}
}

func TestKeyringsAreParsedOncePerKeySet(t *testing.T) {
	trusted, other := testSigners(t)
	a := source.Upstream{Keys: []string{"a"}, KeyData: [][]byte{trusted.pub}}
	b := source.Upstream{Keys: []string{"b"}, KeyData: [][]byte{bytes.Clone(trusted.pub)}}
	c := source.Upstream{Keys: []string{"a", "c"}, KeyData: [][]byte{trusted.pub, other.pub}}
	ka, err := keyringFor(a)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := keyringFor(b)
	kc, _ := keyringFor(c)
	if ka != kb {
		t.Fatal("the same key content was parsed twice")
	}
	if ka == kc || len(kc.Fingerprints()) != 2 {
		t.Fatal("a different key set shared a keyring")
	}
	if _, err := keyringFor(source.Upstream{Keys: []string{"x.asc"}}); err == nil || !strings.Contains(err.Error(), "were not loaded") {
		t.Fatalf("keys named but not loaded: %v", err)
	}
}
