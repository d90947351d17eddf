package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/pgptest"
)

// CheckKeysBeside reports a file that is no key at all at once, as
// CheckKeys would, and leaves what only the full parse sees (a self-
// signature that does not verify) to wait, with CheckKeys's own error.
func TestCheckKeysBeside(t *testing.T) {
	t.Parallel()
	junk := []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all!!\n-----END PGP PUBLIC KEY BLOCK-----\n")
	// The last bytes of a binary public key are its subkey binding
	// signature: flipped, the packets still read, the signature fails.
	badSig := pgptest.Shared(t, "good").PublicBinary(t)
	badSig[len(badSig)-10] ^= 0xff
	const shipped = "keys/ubuntu-uec-image-automatic-signing-key.asc"
	tests := []struct {
		name       string
		key1, key2 string
		early      []string // fragments of the error before any request, none for none
		late       string   // fragment of wait's error, "" for none
	}{
		{"shipped key", shipped, shipped, nil, ""},
		{"no key at all", shipped, "junk.asc", []string{`s.yaml:17: image "Ubuntu 24.04": upstream.keys: junk.asc: not an OpenPGP public key`}, ""},
		{"a self-signature that fails", shipped, "badsig.gpg", nil, `s.yaml:17: image "Ubuntu 24.04": upstream.keys: badsig.gpg: not an OpenPGP public key`},
		{"both: every broken key at once", "badsig.gpg", "junk.asc", []string{"s.yaml:16: image \"Ubuntu 24.04\": upstream.keys: badsig.gpg", "s.yaml:17: image \"Ubuntu 24.04\": upstream.keys: junk.asc"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, data := range map[string][]byte{"junk.asc": junk, "badsig.gpg": badSig} {
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			src := strings.NewReplacer("KEY1", tt.key1, "KEY2", tt.key2).Replace(withKeys)
			f, err := ParseFS("s.yaml", []byte(src), os.DirFS(dir))
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			full := CheckKeys(f.Images)
			wait, err := CheckKeysBeside(f.Images)
			if len(tt.early) > 0 {
				for _, want := range tt.early {
					if err == nil || !strings.Contains(err.Error(), want) {
						t.Fatalf("early error %v, want %q", err, want)
					}
				}
				if full == nil || err.Error() != full.Error() {
					t.Fatalf("early error %v, want CheckKeys's %v", err, full)
				}
				return
			}
			if err != nil {
				t.Fatalf("early error %v, want none before the full parse", err)
			}
			late := wait()
			switch {
			case tt.late == "" && late != nil:
				t.Fatalf("wait: %v", late)
			case tt.late != "" && (late == nil || !strings.Contains(late.Error(), tt.late)):
				t.Fatalf("wait: %v, want %q", late, tt.late)
			case tt.late != "" && late.Error() != full.Error():
				t.Fatalf("wait: %v, want CheckKeys's %v", late, full)
			}
			if again := wait(); (again == nil) != (late == nil) {
				t.Fatalf("wait again: %v, first %v", again, late)
			}
		})
	}
}
