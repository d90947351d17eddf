package redact

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

const canary = "ghp_CANARY0123456789abcdef"

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "token " + canary + " rejected", "token *** rejected"},
		{"url userinfo", "clone https://x-access-token:" + canary + "@github.com/o/r: 401", "clone https://***@github.com/o/r: 401"},
		{"url userinfo without secret list", "https://user:pw@example.org/x", "https://***@example.org/x"},
		{"query escaped", "url?t=" + "a%2Fb%2Bc", "url?t=***"},
		{"nothing", "GET https://example.org/SHA256SUMS: 503", "GET https://example.org/SHA256SUMS: 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in, canary, "a/b+c")
			if got != tt.want {
				t.Fatalf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestShortSecretIgnored(t *testing.T) {
	if got := String("abc", ""); got != "abc" {
		t.Fatalf("empty secret changed text: %q", got)
	}
}

func TestErrorKeepsChain(t *testing.T) {
	base := fmt.Errorf("push https://x:%s@h/r: %w", canary, fs.ErrPermission)
	err := Error(base, canary)
	if strings.Contains(err.Error(), canary) {
		t.Fatalf("token leaked: %s", err)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("errors.Is lost the chain")
	}
	if !IsRedacted(err) || IsRedacted(base) {
		t.Fatalf("IsRedacted wrong")
	}
	if Error(nil, canary) != nil {
		t.Fatalf("Error(nil) should be nil")
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, canary)
	line := "level=error msg=" + canary + "\n"
	n, err := w.Write([]byte(line))
	if err != nil || n != len(line) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if strings.Contains(buf.String(), canary) || !strings.Contains(buf.String(), Mask) {
		t.Fatalf("writer output %q", buf.String())
	}
}
