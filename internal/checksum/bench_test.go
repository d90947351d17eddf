package checksum

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

const benchEntries = 10_000

func benchName(i int) string {
	return fmt.Sprintf("ubuntu-24.04-server-cloudimg-amd64-build-%05d.img", i)
}

func benchHex(i int, n int) string {
	h := fmt.Sprintf("%08x", i*2654435761)
	return strings.Repeat(h, n/len(h)+1)[:n]
}

// gnuSums is a 10,000-line GNU binary-mode file.
func gnuSums(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "%s *%s\n", benchHex(i, 64), benchName(i))
	}
	return b.Bytes()
}

// bsdSums is a 10,000-line BSD file: a "# name: N bytes" comment and a
// tagged line per file, as Rocky and CentOS write them.
func bsdSums(lines int) []byte {
	var b bytes.Buffer
	for i := range lines / 2 {
		fmt.Fprintf(&b, "# %s: 645988352 bytes\nSHA256 (%s) = %s\n", benchName(i), benchName(i), benchHex(i, 64))
	}
	return b.Bytes()
}

func BenchmarkParseChecksums(b *testing.B) {
	for _, bc := range []struct {
		name    string
		data    []byte
		entries int
	}{
		{"GNU", gnuSums(benchEntries), benchEntries},
		{"BSD", bsdSums(benchEntries), benchEntries / 2},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				s, err := Parse(bytes.NewReader(bc.data))
				if err != nil || len(s.Entries) != bc.entries {
					b.Fatalf("%v, %v", s, err)
				}
			}
		})
	}
}

func BenchmarkFind(b *testing.B) {
	s, err := Parse(bytes.NewReader(gnuSums(benchEntries)))
	if err != nil {
		b.Fatal(err)
	}
	last := benchName(benchEntries - 1)
	b.Run("last of 10000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Find(last, SHA256); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("missing of 10000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Find("not-there.img", SHA256); err == nil {
				b.Fatal("found a name that is not listed")
			}
		}
	})
}
