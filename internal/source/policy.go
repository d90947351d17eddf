package source

import (
	"errors"
	"fmt"
)

// SignaturePolicy is --signatures: one signature mode for every source at
// once, or (the zero value) each source's own setting (docs/reference.md).
// It is checked once, when parsed: a SignaturePolicy always holds a valid
// mode, so nothing downstream checks it again.
type SignaturePolicy struct{ mode string }

// ParseSignaturePolicy reads "required", "optional", "off" or "" (each
// source's own setting).
func ParseSignaturePolicy(s string) (SignaturePolicy, error) {
	switch s {
	case "", SignatureRequired, SignatureOptional, SignatureOff:
		return SignaturePolicy{mode: s}, nil
	}
	return SignaturePolicy{}, fmt.Errorf("signatures %q: %w", s, errPolicy)
}

var errPolicy = errors.New("want required, optional or off")

// Mode is the mode every source takes, or "" for each source's own.
func (p SignaturePolicy) Mode() string { return p.mode }

// Off reports whether the policy switches verification off everywhere.
func (p SignaturePolicy) Off() bool { return p.mode == SignatureOff }

// Apply overrides img's signature setting with the policy, if it is set:
// strategies only ever see the image's own setting.
func (p SignaturePolicy) Apply(img *Image) {
	if p.mode != "" {
		img.Upstream.Signature = p.mode
	}
}

// Verifies reports whether img has its checksums verified under the policy:
// the policy says required or optional, or, unset, the image's own setting
// or that of one of its releases (per_release) is not off.
func (p SignaturePolicy) Verifies(img Image) bool {
	if p.mode != "" {
		return p.mode != SignatureOff
	}
	if img.Upstream.SignatureMode() != SignatureOff {
		return true
	}
	// A release's own settings may turn signatures on (per_release).
	for r := range img.Upstream.PerRelease {
		if img.ForRelease(r).Upstream.SignatureMode() != SignatureOff {
			return true
		}
	}
	return false
}

// String is the mode, for flag help and messages.
func (p SignaturePolicy) String() string { return p.mode }

// Set parses s into p, so that a SignaturePolicy is a command-line flag
// (pflag.Value) that refuses a bad mode at parse time.
func (p *SignaturePolicy) Set(s string) error {
	v, err := ParseSignaturePolicy(s)
	if err != nil {
		// The flag's name and value are the caller's to say, once.
		return errPolicy
	}
	*p = v
	return nil
}

// Type names the flag's value in help: --signatures mode.
func (p *SignaturePolicy) Type() string { return "mode" }
