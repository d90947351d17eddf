package source

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/signature"
	"github.com/osism/image-crawler/internal/testenv/pgptest"
	"github.com/osism/image-crawler/sources"
)

// TestShippedKeysMatchREADME keeps sources/keys/README.md honest: every key
// file loads, every fingerprint in the table is the file's, and every
// shipped file is in the table.
func TestShippedKeysMatchREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "sources", "keys", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{} // file -> fingerprints in table order
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) < 4 || !strings.HasSuffix(strings.TrimSpace(cells[1]), ".asc") {
			continue
		}
		file, fpr := strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])
		want[file] = append(want[file], fpr)
	}
	files, err := sources.FS.ReadDir("keys")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no keys embedded")
	}
	for _, f := range files {
		data, err := sources.FS.ReadFile("keys/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		kr, err := signature.LoadKeyring(data)
		if err != nil {
			t.Errorf("%s: %v", f.Name(), err)
			continue
		}
		got := kr.Fingerprints()
		if !slices.Equal(got, want[f.Name()]) {
			t.Errorf("%s: fingerprints %v, README says %v", f.Name(), got, want[f.Name()])
		}
		delete(want, f.Name())
	}
	for f := range want {
		t.Errorf("README lists %s, which is not shipped", f)
	}
}

func TestDefaultSourcesSignatures(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range f.Images {
		mode := img.Upstream.SignatureMode()
		if len(img.Upstream.KeyData) != len(img.Upstream.Keys) {
			t.Errorf("%s: %d keys named, %d loaded", img.Name, len(img.Upstream.Keys), len(img.Upstream.KeyData))
		}
		switch {
		case img.Name == "Ubuntu {release}" || img.Name == "Ubuntu {release} aarch64":
			if mode != SignatureRequired || img.Upstream.SignatureName("SHA256SUMS") != "SHA256SUMS.gpg" || len(img.Upstream.KeyData) != 1 {
				t.Errorf("%s: signature %s file %q keys %v, want required SHA256SUMS.gpg with the UEC key", img.Name, mode, img.Upstream.SignatureFile, img.Upstream.Keys)
			}
		case img.Type == "debian":
			if mode != SignatureOff {
				t.Errorf("%s: signature %s; Debian does not sign its cloud image checksums", img.Name, mode)
			}
		}
	}
}

func TestSignatureMode(t *testing.T) {
	tests := []struct {
		u    Upstream
		want string
	}{
		{Upstream{}, SignatureOff},
		{Upstream{Keys: []string{"k.asc"}}, SignatureRequired},
		{Upstream{Keys: []string{"k.asc"}, Signature: "optional"}, SignatureOptional},
		{Upstream{Keys: []string{"k.asc"}, Signature: "off"}, SignatureOff},
	}
	for _, tt := range tests {
		if got := tt.u.SignatureMode(); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.u, got, tt.want)
		}
	}
	u := Upstream{SignatureFile: "{checksums}.gpg"}
	if got := u.SignatureName("SHA256SUMS"); got != "SHA256SUMS.gpg" {
		t.Errorf("SignatureName: %q", got)
	}
	if got := (Upstream{}).SignatureName("CHECKSUM"); got != "" {
		t.Errorf("clear-signed SignatureName: %q", got)
	}
}

const withKeys = `version: 1
images:
  - name: Ubuntu 24.04
    shortname: ubuntu-24.04
    file: ubuntu.yml
    type: ubuntu
    arch: x86_64
    upstream:
      url: https://cloud-images.ubuntu.com/releases/noble/
      checksums: SHA256SUMS
      algorithm: sha256
      filename: ubuntu-24.04-server-cloudimg-amd64.img
      signature: required
      signature_file: "{checksums}.gpg"
      keys:
        - KEY1
        - KEY2
    image:
      format: qcow2
      login: ubuntu
`

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	own := pgptest.New(t, "own", nil).Public(t)
	if err := os.MkdirAll(filepath.Join(dir, "mykeys"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"mykeys/own.asc":  own,
		"mykeys/priv.asc": pgptest.New(t, "priv", nil).Private(t),
		"mykeys/junk.asc": []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all!!\n-----END PGP PUBLIC KEY BLOCK-----\n"),
		"mykeys/sig.asc":  []byte("-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(filepath.Dir(dir), "outside.asc")
	_ = os.WriteFile(outside, own, 0o644)
	t.Cleanup(func() { os.Remove(outside) })
	if err := os.Symlink(outside, filepath.Join(dir, "mykeys", "link.asc")); err != nil {
		t.Fatal(err)
	}
	const builtin = "keys/ubuntu-uec-image-automatic-signing-key.asc"

	tests := []struct {
		name, key1, key2 string
		wantErr          string // "" = loads
	}{
		{"own key next to the sources file", "mykeys/own.asc", builtin, ""},
		{"built-in keys from a user's file", builtin, builtin, ""},
		{"missing", "mykeys/nope.asc", builtin, `s.yaml:16: image "Ubuntu 24.04": upstream.keys: mykeys/nope.asc: no such key file`},
		{"second missing names its own line", builtin, "keys/nope.asc", "s.yaml:17: "},
		{"climbs out", "../outside.asc", builtin, "s.yaml:16: " + `image "Ubuntu 24.04": upstream.keys: ../outside.asc: want a path relative`},
		{"absolute", outside, builtin, "want a path relative"},
		{"private key", "mykeys/priv.asc", builtin, "want an armored public key"},
		{"not a key", "mykeys/junk.asc", builtin, "mykeys/junk.asc: not an OpenPGP public key"},
		{"a signature, not a key", "mykeys/sig.asc", builtin, "want an armored public key"},
		{"directory", "mykeys", builtin, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.NewReplacer("KEY1", tt.key1, "KEY2", tt.key2).Replace(withKeys)
			path := filepath.Join(dir, "s.yaml")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := LoadFile(path)
			if err == nil {
				err = CheckKeys(f.Images)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := len(f.Images[0].Upstream.KeyData); got != 2 {
					t.Fatalf("%d keys loaded, want 2", got)
				}
				if tt.key1 == "mykeys/own.asc" && !bytes.Equal(f.Images[0].Upstream.KeyData[0], own) {
					t.Fatal("KeyData[0] is not the file's content")
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded; want error %q", tt.wantErr)
			}
			msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if !strings.Contains(msg, tt.wantErr) {
				t.Fatalf("error\n%s\nwant it to contain %q", msg, tt.wantErr)
			}
		})
	}

	// A symlink inside the sources directory is followed (the user owns that
	// directory), but the key it names must still be a key.
	src := strings.NewReplacer("KEY1", "mykeys/link.asc", "KEY2", builtin).Replace(withKeys)
	if f, err := ParseFS("s.yaml", []byte(src), os.DirFS(dir)); err != nil || CheckKeys(f.Images) != nil {
		t.Fatalf("symlinked key: %v", err)
	}
	// Parse (no directory) sees the built-in keys only.
	src = strings.NewReplacer("KEY1", "mykeys/own.asc", "KEY2", builtin).Replace(withKeys)
	if _, err := Parse("s.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), "s.yaml:16:") {
		t.Fatalf("Parse found a key outside the built-in keys: %v", err)
	}
}

func TestSignatureSchemaErrors(t *testing.T) {
	base := strings.NewReplacer("KEY1", "keys/rocky-9.asc", "KEY2", "keys/rocky-10.asc").Replace(withKeys)
	tests := []struct {
		name, old, new, wantErr string
	}{
		{"valid", "", "", ""},
		{"optional without keys", "      signature: required\n", "      signature: optional\n", "upstream.signature is optional but upstream.keys names no key"},
		{"bad mode", "signature: required", "signature: maybe", `upstream.signature "maybe": want required, optional or off`},
		{"signature file with a path", `"{checksums}.gpg"`, `"../{checksums}.gpg"`, "want a file name in the checksum file's directory"},
		{"signature file is the checksum file", `"{checksums}.gpg"`, `"{checksums}"`, "names the checksum file itself"},
		{"unknown key under upstream", "      signature_file:", "      signature_files:", `unknown key "upstream.signature_files"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := base
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("fixture lacks %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
				if tt.name == "optional without keys" {
					src = strings.Replace(src, "      keys:\n        - keys/rocky-9.asc\n        - keys/rocky-10.asc\n", "", 1)
				}
			}
			_, err := Parse("x.yaml", []byte(src))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// Keys merged in from an anchor are found, and errors point at the anchor.
func TestKeyLinesThroughMerge(t *testing.T) {
	src := `version: 1
anchors:
  up: &up
    signature: required
    keys:
      - keys/nope.asc
images:
  - name: Ubuntu 24.04
    shortname: ubuntu-24.04
    file: ubuntu.yml
    type: ubuntu
    arch: x86_64
    upstream:
      <<: *up
      url: https://cloud-images.ubuntu.com/releases/noble/
      checksums: SHA256SUMS
      algorithm: sha256
      filename: ubuntu-24.04-server-cloudimg-amd64.img
    image:
      format: qcow2
      login: ubuntu
`
	_, err := Parse("m.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "m.yaml:6: ") {
		t.Fatalf("error %v, want it at m.yaml:6", err)
	}
}

// Loading reads key files but parses none: a file that is no key loads, and
// only CheckKeys, which a run calls for the images it verifies, refuses it at
// the key's own line.
func TestKeysParsedOnlyByCheckKeys(t *testing.T) {
	dir := t.TempDir()
	junk := []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all!!\n-----END PGP PUBLIC KEY BLOCK-----\n")
	if err := os.WriteFile(filepath.Join(dir, "junk.asc"), junk, 0o644); err != nil {
		t.Fatal(err)
	}
	src := strings.NewReplacer("KEY1", "keys/ubuntu-uec-image-automatic-signing-key.asc", "KEY2", "junk.asc").Replace(withKeys)
	f, err := ParseFS("s.yaml", []byte(src), os.DirFS(dir))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if !bytes.Equal(f.Images[0].Upstream.KeyData[1], junk) {
		t.Fatal("KeyData[1] is not the file's content")
	}
	if err := CheckKeys(nil); err != nil {
		t.Fatalf("CheckKeys(nil) = %v", err)
	}
	err = CheckKeys(f.Images)
	if err == nil || !strings.Contains(err.Error(), `s.yaml:17: image "Ubuntu 24.04": upstream.keys: junk.asc: not an OpenPGP public key`) {
		t.Fatalf("CheckKeys = %v, want the junk key refused at s.yaml:17", err)
	}
}

// Every shipped key parses.
func TestDefaultKeysCheck(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckKeys(f.Images); err != nil {
		t.Fatal(err)
	}
}
