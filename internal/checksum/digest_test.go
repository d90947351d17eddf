package checksum

import (
	"strings"
	"testing"
)

func TestParseDigest(t *testing.T) {
	h64, h128 := strings.Repeat("0a", 32), strings.Repeat("b1", 64)
	tests := []struct {
		in      string
		want    Digest
		wantErr string
	}{
		{in: "sha256:" + h64, want: Digest{SHA256, h64}},
		{in: "sha512:" + h128, want: Digest{SHA512, h128}},
		{in: "md5:" + h64[:32], want: Digest{MD5, h64[:32]}},
		{in: "sha1:" + h64[:40], want: Digest{SHA1, h64[:40]}},
		{in: h64, wantErr: "want <algorithm>:<hex>"},
		{in: "", wantErr: "want <algorithm>:<hex>"},
		{in: "SHA256:" + h64, wantErr: "unknown algorithm"},
		{in: "sha-256:" + h64, wantErr: "unknown algorithm"},
		{in: "blake2b:" + h128, wantErr: "unknown algorithm"},
		{in: "sha256:" + strings.ToUpper(h64), wantErr: "64 lowercase hex digits"},
		{in: "sha256:" + h64[:62], wantErr: "64 lowercase hex digits"},
		{in: "sha256:" + h128, wantErr: "64 lowercase hex digits"},
		{in: "sha256:" + h64[:63] + "g", wantErr: "64 lowercase hex digits"},
		{in: " sha256:" + h64, wantErr: "unknown algorithm"},
		{in: "sha256:" + h64 + "\n", wantErr: "64 lowercase hex digits"},
		{in: "sha256::" + h64[1:], wantErr: "64 lowercase hex digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDigest(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDigest(%q) = %+v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDigest(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want the parsed bytes %q back", got.String(), tt.in)
			}
		})
	}
}

func TestDigestShort(t *testing.T) {
	for _, tt := range []struct {
		d    Digest
		want string
	}{
		{Digest{SHA256, strings.Repeat("ab", 32)}, "sha256:abababababab…"},
		{Digest{SHA512, "0123456789ab"}, "sha512:0123456789ab"},
		{Digest{SHA256, ""}, "sha256:"},
	} {
		if got := tt.d.Short(); got != tt.want {
			t.Errorf("%+v.Short() = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// A digest that parses prints back as the same bytes, and one that prints
// parses back to itself: the catalog's bytes survive a round trip.
func FuzzParseDigest(f *testing.F) {
	f.Add("sha256:" + strings.Repeat("0", 64))
	f.Add("sha512:" + strings.Repeat("f", 128))
	f.Add("md5:" + strings.Repeat("a", 32))
	f.Add("sha256:")
	f.Add(":")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDigest(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDigest(%q).String() = %q", s, d.String())
		}
		again, err := ParseDigest(d.String())
		if err != nil || again != d {
			t.Fatalf("round trip of %+v: %+v, %v", d, again, err)
		}
	})
}
