package source

import (
	"testing"
)

func TestSignaturePolicy(t *testing.T) {
	keyed := Image{Upstream: Upstream{Keys: []string{"k.asc"}}}         // required by default
	keyless := Image{}                                                  // off by default
	optional := Image{Upstream: Upstream{Signature: SignatureOptional}} // its own setting
	for _, tt := range []struct {
		flag     string
		wantErr  bool
		off, set bool
		// verifies is Verifies of keyed, keyless, optional.
		verifies [3]bool
		// applied is keyless's mode after Apply.
		applied string
	}{
		{flag: "", verifies: [3]bool{true, false, true}, applied: SignatureOff},
		{flag: "required", set: true, verifies: [3]bool{true, true, true}, applied: SignatureRequired},
		{flag: "optional", set: true, verifies: [3]bool{true, true, true}, applied: SignatureOptional},
		{flag: "off", set: true, off: true, verifies: [3]bool{false, false, false}, applied: SignatureOff},
		{flag: "maybe", wantErr: true},
		{flag: "Off", wantErr: true},
		{flag: " off", wantErr: true},
	} {
		t.Run(tt.flag, func(t *testing.T) {
			p, err := ParseSignaturePolicy(tt.flag)
			var fp SignaturePolicy
			setErr := fp.Set(tt.flag)
			if (err != nil) != tt.wantErr || (setErr != nil) != tt.wantErr {
				t.Fatalf("Parse error %v, Set error %v; want error %v", err, setErr, tt.wantErr)
			}
			if tt.wantErr {
				if got, want := setErr.Error(), "want required, optional or off"; got != want {
					t.Errorf("Set error %q, want %q (the flag's name and value are said around it)", got, want)
				}
				if fp != (SignaturePolicy{}) {
					t.Errorf("a refused value changed the flag: %v", fp)
				}
				return
			}
			if p != fp || p.String() != tt.flag || p.Mode() != tt.flag || p.Off() != tt.off || (p.Mode() != "") != tt.set {
				t.Fatalf("policy %+v (flag %+v): mode %q off %v", p, fp, p.Mode(), p.Off())
			}
			for i, img := range []Image{keyed, keyless, optional} {
				if got := p.Verifies(img); got != tt.verifies[i] {
					t.Errorf("Verifies(image %d) = %v, want %v", i, got, tt.verifies[i])
				}
			}
			img := keyless
			p.Apply(&img)
			if got := img.Upstream.SignatureMode(); got != tt.applied {
				t.Errorf("after Apply: mode %q, want %q", got, tt.applied)
			}
		})
	}
}
