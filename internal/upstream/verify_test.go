package upstream

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/internal/testenv/pgptest"
	"github.com/osism/image-crawler/internal/testenv/signedubuntu"
)

const (
	sigBase  = "/ubuntu/releases/noble/"
	sigImage = "ubuntu-24.04-server-cloudimg-amd64.img"
)

var sigBuilds = []string{"20260615", "20260705"}

// signedWorld is an Ubuntu layout whose build checksum files carry
// SHA256SUMS.gpg by the trusted test key.
type signedWorld struct {
	*signedubuntu.World
	m      *mirror.Server
	opts   httpclient.Options // what a cold client is made of
	client *httpclient.Client
}

func newSignedWorld(t *testing.T) *signedWorld {
	t.Helper()
	m := mirror.New(t)
	layout.Ubuntu(m, sigBase, sigImage, sigBuilds, "")
	opts := httpclient.Options{Mirrors: []httpclient.Mirror{{From: "https://cloud-images.ubuntu.com/", To: m.URL + "/ubuntu/"}}, Retries: -1}
	return &signedWorld{
		World:  signedubuntu.New(t, m, sigBase, sigBuilds),
		m:      m,
		opts:   opts,
		client: httpclient.NewClient(opts),
	}
}

func (w *signedWorld) image(t *testing.T, mode, sigFile string, keys ...*pgptest.Key) source.Image {
	t.Helper()
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
		img.Upstream.KeyData = append(img.Upstream.KeyData, k.Public(t))
	}
	return img
}

// crawl runs one image through Crawl with a cold client, as a run does, and
// returns the outcome and the requests it made.
func (w *signedWorld) crawl(t *testing.T, img source.Image, known Known) (Outcome, []string) {
	t.Helper()
	w.m.ResetCounts()
	w.client = httpclient.NewClient(w.opts)
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
	o, reqs := w.crawl(t, w.image(t, "required", "{checksums}.gpg", w.Trusted), oldKnown)
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
	o, reqs = w.crawl(t, w.image(t, "required", "{checksums}.gpg", w.Trusted), now)
	if o.Err != nil || !o.Result.Unchanged || len(reqs) != 1 {
		t.Fatalf("unchanged: %v %+v, requests %v", o.Err, o.Result, reqs)
	}
}

func TestVerifyModes(t *testing.T) {
	// The key newSignedWorld gives every world as its stranger.
	stranger := pgptest.Shared(t, "stranger")
	tests := []struct {
		name     string
		mode     string
		sigFile  string
		keys     func(w *signedWorld) []*pgptest.Key
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
				w.Sign(t, w.Stranger, "20260705")
			},
			wantErr: "signature by unknown key 0x" + stranger.PrimaryKey.KeyIdString()},
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
					body := bytes.Replace(signedubuntu.Get(t, w.m, sigBase+p), []byte(layout.UbuntuDigest(sigImage, "20260705", "")), []byte(strings.Repeat("e", 64)), 1)
					w.m.File(sigBase+p, body, time.Time{})
				}
			},
			wantErr: "verify signature of https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS: signature does not match content"},
		{name: "required, wrong key", mode: "required", sigFile: "{checksums}.gpg",
			keys:    func(w *signedWorld) []*pgptest.Key { return []*pgptest.Key{w.Stranger} },
			wantErr: "signature by unknown key"},
		{name: "required, no keys", mode: "required", sigFile: "{checksums}.gpg",
			keys:    func(w *signedWorld) []*pgptest.Key { return nil },
			wantErr: "upstream.keys names no key"},
		{name: "required, expected clear-signed but plain", mode: "required", sigFile: "",
			wantErr: "release-20260705/SHA256SUMS is not clear-signed, and its signature is required"},
		{name: "optional, expected clear-signed but plain", mode: "optional", sigFile: "", verified: false},
		{name: "required, clear-signed checksum file", mode: "required", sigFile: "", verified: true,
			prepare: func(t *testing.T, w *signedWorld) {
				w.m.File(sigBase+"release-20260705/SHA256SUMS", w.Trusted.ClearSign(t, w.Sums["20260705"], nil), time.Time{})
			}},
		{name: "clear-signed checksum file with an unsigned line appended", mode: "required", sigFile: "",
			prepare: func(t *testing.T, w *signedWorld) {
				doc := w.Trusted.ClearSign(t, w.Sums["20260705"], nil)
				doc = append(doc, layout.UbuntuDigest(sigImage, "20260705", "")+" *evil.img\n"...)
				w.m.File(sigBase+"release-20260705/SHA256SUMS", doc, time.Time{})
			},
			wantErr: "unsigned text after the signature"},
		{name: "clear-signed copy as the signature file (CHECKSUM.asc)", mode: "required", sigFile: "{checksums}.asc", verified: true,
			prepare: func(t *testing.T, w *signedWorld) {
				w.m.File(sigBase+"release-20260705/SHA256SUMS.asc", w.Trusted.ClearSign(t, w.Sums["20260705"], nil), time.Time{})
			}},
		{name: "clear-signed copy that lists another digest", mode: "required", sigFile: "{checksums}.asc",
			prepare: func(t *testing.T, w *signedWorld) {
				// Only the signed copy counts: the plain file says one thing,
				// the signed text another, and the build is not confirmed.
				other := bytes.ReplaceAll(w.Sums["20260705"], []byte(layout.UbuntuDigest(sigImage, "20260705", "")), []byte(strings.Repeat("a", 64)))
				w.m.File(sigBase+"release-20260705/SHA256SUMS.asc", w.Trusted.ClearSign(t, other, nil), time.Time{})
				w.m.File(sigBase+"release-20260615/SHA256SUMS.asc", w.Trusted.ClearSign(t, w.Sums["20260615"], nil), time.Time{})
			},
			wantErr: "is in none of the newest builds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSignedWorld(t)
			keys := []*pgptest.Key{w.Trusted}
			if tt.keys != nil {
				keys = tt.keys(w)
			}
			if tt.prepare != nil {
				tt.prepare(t, w)
			}
			img := w.image(t, tt.mode, tt.sigFile, keys...)
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
	trusted, other := pgptest.Shared(t, "trusted").Public(t), pgptest.Shared(t, "stranger").Public(t)
	a := source.Upstream{Keys: []string{"a"}, KeyData: [][]byte{trusted}}
	b := source.Upstream{Keys: []string{"b"}, KeyData: [][]byte{bytes.Clone(trusted)}}
	c := source.Upstream{Keys: []string{"a", "c"}, KeyData: [][]byte{trusted, other}}
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
