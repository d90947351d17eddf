package checksum

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func parseChecksumFile(t *testing.T, name string) *Sums {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "checksums", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums, err := Parse(f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	checkSums(t, sums)
	return sums
}

// checkSums asserts what every successful parse must give: at least one entry,
// lowercase hex of the algorithm's length, increasing line numbers.
func checkSums(t testing.TB, s *Sums) {
	t.Helper()
	if s == nil || len(s.Entries) == 0 {
		t.Fatalf("parse succeeded with no entries: %+v", s)
	}
	last := 0
	for i, e := range s.Entries {
		n := e.Algorithm.HexLen()
		if n == 0 || len(e.Hex) != n {
			t.Errorf("entry %d: %s digest with %d hex digits", i, e.Algorithm, len(e.Hex))
		}
		if strings.Trim(e.Hex, "0123456789abcdef") != "" {
			t.Errorf("entry %d: digest %q is not lowercase hex", i, e.Hex)
		}
		if e.Line <= last {
			t.Errorf("entry %d: line %d after line %d", i, e.Line, last)
		}
		last = e.Line
		if e.Name == "" && len(s.Entries) != 1 {
			t.Errorf("entry %d: bare digest in a file of %d entries", i, len(s.Entries))
		}
	}
}

func TestParseChecksumsFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file        string
		entries     int
		clearSigned bool
	}{
		{"ubuntu2404-SHA256SUMS", 66, false},
		{"debian13-SHA512SUMS", 50, false},
		{"almalinux9-CHECKSUM", 6, false},
		{"rocky9-CHECKSUM", 1, false},
		{"centos_stream9-CHECKSUM", 96, false},
		{"centos7-sha256sum.txt", 180, false},
		{"Fedora-Cloud-37-1.7-x86_64-CHECKSUM", 4, true},
		{"flatcar-4230.2.4-flatcar_production_openstack_image.img.DIGESTS", 3, false},
		{"nocloud_alpine-3.23.4-x86_64-uefi-cloudinit-r0.qcow2.sha512", 1, false},
		{"openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2.sha256", 1, false},
		{"Arch-Linux-x86_64-cloudimg-20260715.556894.qcow2.SHA256", 1, false},
		{"cirros-0.6.3-SHA256SUMS", 11, false},
		{"cirros-0.6.3-MD5SUMS", 11, false},
		{"bom-crlf-SHA256SUMS", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			s := parseChecksumFile(t, tt.file)
			if len(s.Entries) != tt.entries || s.ClearSigned != tt.clearSigned {
				t.Errorf("%d entries, ClearSigned=%v; want %d, %v", len(s.Entries), s.ClearSigned, tt.entries, tt.clearSigned)
			}
		})
	}
}

func TestFindFixtures(t *testing.T) {
	t.Parallel()
	const notListed = "!"
	tests := []struct {
		file, name string
		algo       Algorithm
		want       string // notListed for ErrNotListed
	}{
		// Ubuntu: whole-name match among many names sharing the prefix.
		{"ubuntu2404-SHA256SUMS", "noble-server-cloudimg-amd64.img", SHA256, "ffe6203da54deeb6db5d2a98a83f9ec8e55f149d3f7ba622e1abe5fa966ee3d6"},
		{"ubuntu2404-SHA256SUMS", "noble-server-cloudimg-amd64.manifest", SHA256, "589fe9ae397168965fa2d2fb7cd8736f5caabe83e184b1e1c00c4c0ae03f7dc5"},
		{"ubuntu2404-SHA256SUMS", "noble-server-cloudimg-amd64", SHA256, notListed},
		{"ubuntu2404-SHA256SUMS", "server-cloudimg-amd64.img", SHA256, notListed},
		{"ubuntu2404-SHA256SUMS", "noble-server-cloudimg-amd64.im", SHA256, notListed},
		{"ubuntu2404-SHA256SUMS", "*noble-server-cloudimg-amd64.img", SHA256, notListed},
		{"ubuntu2404-SHA256SUMS", "NOBLE-SERVER-CLOUDIMG-AMD64.IMG", SHA256, notListed},
		{"ubuntu2404-SHA256SUMS", "noble-server-cloudimg-amd64.img", SHA512, notListed},
		{"ubuntu2404-SHA256SUMS", "", SHA256, notListed},
		// Debian: SHA512, and .qcow2 next to .json/.raw/.tar.xz of the same build.
		{"debian13-SHA512SUMS", "debian-13-genericcloud-amd64-daily-20260717-2542.qcow2", SHA512, "fcc52bdff35697583f9331b64c688db6681fea98c024a1db185d8857b167f4e1838ead7037f18c12e432229354b1253f29e881a040ce0f5636801576e715b4b8"},
		{"debian13-SHA512SUMS", "debian-13-genericcloud-amd64-daily-20260717-2542.qcow2", SHA256, notListed},
		{"debian13-SHA512SUMS", "debian-13-genericcloud-amd64-daily-20260717-2542", SHA512, notListed},
		// AlmaLinux: versioned and -latest names share a digest.
		{"almalinux9-CHECKSUM", "AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2", SHA256, "c397eed7023e92c841155831b1f47e26300e5bef0f0256c129322307c897a251"},
		{"almalinux9-CHECKSUM", "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", SHA256, "c397eed7023e92c841155831b1f47e26300e5bef0f0256c129322307c897a251"},
		{"almalinux9-CHECKSUM", "AlmaLinux-9-GenericCloud-ext4-latest.x86_64.qcow2", SHA256, "53a20d1d73d739f437b45e34fcbda48b7b9856c648fcc9730ce9653e27712092"},
		// BSD style with "# name: N bytes" comments.
		{"rocky9-CHECKSUM", "Rocky-9-GenericCloud.latest.x86_64.qcow2", SHA256, "92c206cc6f790c61583247eefe87890f8828420662c17cacf247cec78ab4eec8"},
		{"rocky9-CHECKSUM", "Rocky-9-GenericCloud.latest.x86_64.qcow2: 645988352 bytes", SHA256, notListed},
		{"centos_stream9-CHECKSUM", "CentOS-Stream-GenericCloud-9-20260622.0.x86_64.qcow2", SHA256, "ed8421c7ce25d0e21cbeb561c906f52b2eed2a99aa3df88ec7616773ae1ebd1a"},
		{"centos_stream9-CHECKSUM", "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2", SHA256, "2aa1716dc75fc5485df1b221d3d930f276024d70024f68f9ee047dad0e03d85d"},
		{"centos7-sha256sum.txt", "CentOS-7-x86_64-GenericCloud.qcow2.xz", SHA256, "963866edac9150db8b5c04df9ae80273a11eec6218f114cbb96cb4b53e33803c"},
		{"centos7-sha256sum.txt", "CentOS-7-x86_64-GenericCloud.qcow2", SHA256, "284aab2b23d91318f169ff464bce4d53404a15a0618ceb34562838c59af4adea"},
		{"centos7-sha256sum.txt", "CentOS-7-x86_64-GenericCloud", SHA256, notListed},
		// Fedora: BSD lines inside a PGP clear-signed wrapper.
		{"Fedora-Cloud-37-1.7-x86_64-CHECKSUM", "Fedora-Cloud-Base-37-1.7.x86_64.qcow2", SHA256, "b5b9bec91eee65489a5745f6ee620573b23337cbb1eb4501ce200b157a01f3a0"},
		{"Fedora-Cloud-37-1.7-x86_64-CHECKSUM", "Fedora-Cloud-Base-37-1.7.x86_64.raw", SHA256, notListed},
		// Flatcar: the SHA512 section, not the MD5 line that comes first.
		{"flatcar-4230.2.4-flatcar_production_openstack_image.img.DIGESTS", "flatcar_production_openstack_image.img", SHA512, "e1b5891a3dc1d5c9249e5ddbda53f464e7dc65a86770a6e8bdad5604b1eb3599cc3908b8460fd3c516f115d6b139f5a3cefee0f08847e8b36d76d7628f7468a1"},
		{"flatcar-4230.2.4-flatcar_production_openstack_image.img.DIGESTS", "flatcar_production_openstack_image.img", SHA256, notListed},
		// Alpine: a bare digest names no file and so matches any name, for its algorithm only.
		{"nocloud_alpine-3.23.4-x86_64-uefi-cloudinit-r0.qcow2.sha512", "nocloud_alpine-3.23.4-x86_64-uefi-cloudinit-r0.qcow2", SHA512, "9f9db2b97288298e8dbd58c119e7e42b4446c07b87aa6f71efb021aee17431cc2a24844a26d6927925aa96a1c7d36769d3a364937fc27ef123c8b09c11a01eeb"},
		{"nocloud_alpine-3.23.4-x86_64-uefi-cloudinit-r0.qcow2.sha512", "nocloud_alpine-3.23.4-x86_64-uefi-cloudinit-r0.qcow2", SHA256, notListed},
		// openSUSE: one space between digest and name.
		{"openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2.sha256", "openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2", SHA256, "0f7f09a9a083088b51aa365fe0e4310e6b156c2153d6aa03a77b81eee884e52a"},
		{"Arch-Linux-x86_64-cloudimg-20260715.556894.qcow2.SHA256", "Arch-Linux-x86_64-cloudimg-20260715.556894.qcow2", SHA256, "05d1b9f05d95e50e5899f4a954c067785464462dd315289e46a8aa3399f1508d"},
		{"cirros-0.6.3-SHA256SUMS", "cirros-0.6.3-x86_64-disk.img", SHA256, "7d6355852aeb6dbcd191bcda7cd74f1536cfe5cbf8a10495a7283a8396e4b75b"},
		{"cirros-0.6.3-SHA256SUMS", "cirros-0.6.3-x86_64-disk.img", MD5, notListed},
		{"cirros-0.6.3-MD5SUMS", "cirros-0.6.3-x86_64-disk.img", MD5, "e8d630d0e858d672e7ea9435d863e8de"},
		// BOM, CRLF, uppercase hex, "./" prefix, tab separators, a name with spaces.
		{"bom-crlf-SHA256SUMS", "bom-crlf-a.img", SHA256, "0d39ac8c8b35717ada7733d98d411ba42d326c0b88109949bb51243e2e47852d"},
		{"bom-crlf-SHA256SUMS", "bom-crlf-b.img", SHA256, "022722a7291dbeab86be21cb80f5e3a4887060176a57f80944f47d158aa7ab59"},
		{"bom-crlf-SHA256SUMS", "./bom-crlf-b.img", SHA256, notListed},
		{"bom-crlf-SHA256SUMS", "bom crlf c with spaces.img", SHA256, "e698d466b179ca97bfeab8d061c8d7a00734619717b978d2c4c82f5ea086b891"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.name+"/"+string(tt.algo), func(t *testing.T) {
			t.Parallel()
			s := parseChecksumFile(t, tt.file)
			got, err := s.Find(tt.name, tt.algo)
			if tt.want == notListed {
				if !errors.Is(err, ErrNotListed) {
					t.Fatalf("Find = %q, %v; want an error wrapping ErrNotListed", got, err)
				}
				if !strings.Contains(err.Error(), string(tt.algo)) || !strings.Contains(err.Error(), tt.name) {
					t.Errorf("error %q does not name %q and %s", err, tt.name, tt.algo)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Find = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestParseChecksumsLines(t *testing.T) {
	t.Parallel()
	s := parseChecksumFile(t, "Fedora-Cloud-37-1.7-x86_64-CHECKSUM")
	// Line 1-3 are the PGP header, then a comment and the first digest.
	if e := s.Entries[0]; e.Line != 5 || e.Name != "Fedora-Cloud-Base-37-1.7.x86_64.qcow2" || e.Algorithm != SHA256 {
		t.Errorf("first entry = %+v, want line 5 (the qcow2)", e)
	}
	f := parseChecksumFile(t, "flatcar-4230.2.4-flatcar_production_openstack_image.img.DIGESTS")
	var algs []Algorithm
	for _, e := range f.Entries {
		algs = append(algs, e.Algorithm)
	}
	if len(algs) != 3 || algs[0] != MD5 || algs[1] != SHA1 || algs[2] != SHA512 || f.Entries[2].Line != 6 {
		t.Errorf("flatcar entries = %+v", f.Entries)
	}
	b := parseChecksumFile(t, "nocloud_alpine-3.23.4-x86_64-uefi-cloudinit-r0.qcow2.sha512")
	if e := b.Entries[0]; e.Name != "" || e.Algorithm != SHA512 || e.Line != 1 {
		t.Errorf("bare digest entry = %+v", e)
	}
}

// hexOf returns a digest-shaped string of n hex digits starting with c.
func hexOf(c byte, n int) string { return strings.Repeat(string(c), n) }

func TestParseChecksumsForms(t *testing.T) {
	t.Parallel()
	h64, h128, h32, h40 := hexOf('a', 64), hexOf('b', 128), hexOf('c', 32), hexOf('d', 40)
	type find struct {
		name string
		algo Algorithm
		want string
	}
	tests := []struct {
		name, body  string
		finds       []find
		clearSigned bool
	}{
		{name: "a name listed twice with the same digest", body: h64 + "  x.img\n" + h64 + " *x.img\n",
			finds: []find{{"x.img", SHA256, h64}}},
		{name: "same name, two algorithms", body: h32 + "  x.img\n" + h64 + "  x.img\n",
			finds: []find{{"x.img", MD5, h32}, {"x.img", SHA256, h64}}},
		{name: "binary and text mode", body: h64 + " *bin.img\n" + hexOf('e', 64) + "  text.img\n",
			finds: []find{{"bin.img", SHA256, h64}, {"text.img", SHA256, hexOf('e', 64)}}},
		{name: "names with spaces and parentheses", body: h64 + "  my image (1).img\nSHA256 (other (2).img) = " + h64 + "\n",
			finds: []find{{"my image (1).img", SHA256, h64}, {"other (2).img", SHA256, h64}}},
		{name: "leading ./ only once", body: h64 + "  ././x.img\n", finds: []find{{"./x.img", SHA256, h64}}},
		{name: "BSD tag spellings", body: "sha256 (a.img) = " + strings.ToUpper(h64) + "\nSHA2-256(b.img)= " + h64 + "\nSHA512 (c.img)=" + h128 + "\nMD5 (d.img) = " + h32 + "\nSHA1 (e.img) = " + h40 + "\n",
			finds: []find{{"a.img", SHA256, h64}, {"b.img", SHA256, h64}, {"c.img", SHA512, h128}, {"d.img", MD5, h32}, {"e.img", SHA1, h40}}},
		{name: "BSD lines of other algorithms are skipped", body: "SHA384 (x.img) = " + hexOf('1', 96) + "\nBLAKE2b (x.img) = " + h128 + "\nSHA256 (x.img) = " + h64 + "\n",
			finds: []find{{"x.img", SHA256, h64}, {"x.img", SHA512, ""}}},
		{name: "GNU escaped names", body: `\` + h64 + `  a\\b\nc.img` + "\n" + `\SHA256 (d\re.img) = ` + h64 + "\n",
			finds: []find{{"a\\b\nc.img", SHA256, h64}, {"d\re.img", SHA256, h64}}},
		{name: "Gentoo DIGESTS: BLAKE2B section skipped, SHA512 taken", body: "# BLAKE2B HASH\n" + hexOf('9', 128) + "  stage3.tar.xz\n# SHA512 HASH\n" + h128 + "  stage3.tar.xz\n",
			finds: []find{{"stage3.tar.xz", SHA512, h128}}},
		{name: "section headers in any case", body: "# md5 hash\n" + h32 + "  f\n#SHA512 Hash\n" + h128 + "  f\n",
			finds: []find{{"f", SHA512, h128}, {"f", MD5, h32}}},
		{name: "comments, blank lines, surrounding whitespace", body: "\n# generated\n\n   " + h64 + "  x.img   \n\t# trailing comment\n\n",
			finds: []find{{"x.img", SHA256, h64}}},
		{name: "no final newline", body: h64 + "  x.img", finds: []find{{"x.img", SHA256, h64}}},
		{name: "bare digest with CRLF", body: strings.ToUpper(h64) + "\r\n", finds: []find{{"anything.img", SHA256, h64}, {"anything.img", SHA512, ""}}},
		{name: "clear-signed with dash-escaped line", clearSigned: true,
			body:  "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n- " + h64 + "  x.img\n- # comment\n-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n",
			finds: []find{{"x.img", SHA256, h64}}},
		{name: "clear-signed with CRLF, BOM, two armor headers, blank lines around", clearSigned: true,
			body:  "\uFEFF\r\n-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\nHash: SHA512\r\n\r\nSHA256 (x.img) = " + h64 + "\r\n-----BEGIN PGP SIGNATURE-----\r\n\r\nAAAA\r\n-----END PGP SIGNATURE-----\r\n\r\n",
			finds: []find{{"x.img", SHA256, h64}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(strings.NewReader(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkSums(t, s)
			if s.ClearSigned != tt.clearSigned {
				t.Errorf("ClearSigned = %v, want %v", s.ClearSigned, tt.clearSigned)
			}
			for _, f := range tt.finds {
				got, err := s.Find(f.name, f.algo)
				if f.want == "" {
					if !errors.Is(err, ErrNotListed) {
						t.Errorf("Find(%q, %s) = %q, %v; want ErrNotListed", f.name, f.algo, got, err)
					}
					continue
				}
				if err != nil || got != f.want {
					t.Errorf("Find(%q, %s) = %q, %v; want %q", f.name, f.algo, got, err, f.want)
				}
			}
		})
	}
}

func TestParseChecksumsErrors(t *testing.T) {
	t.Parallel()
	h64 := hexOf('a', 64)
	html, err := os.ReadFile(filepath.Join("testdata", "checksums", "html-error-page.html"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body, want string
	}{
		{"HTML error page", string(html), `not a checksum file: line 1: "<!DOCTYPE html>"`},
		{"HTML on one long line", "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>", `not a checksum file: line 1: "<!DOCTYPE html><html><head><title>502 Ba..."`},
		{"empty file", "", "not a checksum file: it lists no digests"},
		{"only comments and blanks", "# nothing here\n\n\r\n", "it lists no digests"},
		{"BOM only", "\uFEFF", "it lists no digests"},
		{"GNU digest of unknown length", "# c\n\n" + hexOf('a', 63) + "  x.img\n", "line 3: digest has 63 hex digits, want 32 (md5), 40 (sha1), 64 (sha256) or 128 (sha512)"},
		{"BSD digest of the wrong length", "# x.img: 1 bytes\nSHA256 (x.img) = " + hexOf('a', 63) + "\n", "line 2: sha256 digest has 63 hex digits, want 64"},
		{"BSD digest too long", "SHA1 (x.img) = " + h64 + "\n", "line 1: sha1 digest has 64 hex digits, want 40"},
		{"BSD digest not hex", "SHA256 (x.img) = " + hexOf('a', 63) + "g\n", `line 1: sha256 digest "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..." is not hexadecimal`},
		{"GNU digest not hex", h64 + "  a.img\n" + hexOf('a', 63) + "z  x.img\n", "line 2: sha256 digest"},
		{"section digest of the wrong length", "# SHA1 HASH\n" + h64 + "  x.img\n", "line 2: sha1 digest has 64 hex digits, want 40"},
		{"bare digest after entries", h64 + "  x.img\n" + h64 + "\n", "line 2: a digest without a file name must be the only line"},
		{"entries after a bare digest", h64 + "\n" + h64 + "  x.img\n", "line 2: a digest without a file name must be the only line"},
		{"two bare digests", h64 + "\n" + h64 + "\n", "line 2:"},
		{"bare digest of unknown length", "deadbeef\n", "line 1: digest has 8 hex digits"},
		{"empty name after ./", h64 + "  ./\n", "line 1: sha256 digest has an empty file name"},
		{"empty name after *", h64 + " *\n", "line 1: sha256 digest has an empty file name"},
		{"empty BSD name", "SHA256 () = " + h64 + "\n", "line 1: sha256 digest has an empty file name"},
		{"unknown escape", `\` + h64 + `  a\tb` + "\n", `line 1: file name has an unknown escape "\t"`},
		{"lone backslash", `\` + h64 + `  ab\` + "\n", "line 1: file name ends in a lone"},
		{"escaped bare digest", `\` + h64 + "\n", "line 1: escaped line has no file name"},
		{"prose", h64 + "  x.img\nPlease see https://example.org for details\n", `not a checksum file: line 2: "Please see https://example.org for detai..."`},
		{"control characters are quoted", "\x1b[2J\x00evil\n", `not a checksum file: line 1: "\x1b[2J\x00evil"`},
		{"clear-signed without signature", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + h64 + "  x.img\n", `without "-----BEGIN PGP SIGNATURE-----"`},
		{"clear-signed signature not terminated", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + h64 + "  x.img\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n", `without "-----END PGP SIGNATURE-----"`},
		{"clear-signed without blank line", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n" + h64 + "  x.img\n", "line 3: malformed PGP armor header"},
		{"text after the signature", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + h64 + "  x.img\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n" + hexOf('b', 64) + "  evil.img\n", "line 9: text after the PGP signature"},
		{"text before the signed message", h64 + "  evil.img\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + h64 + "  x.img\n", `not a checksum file: line 2: "-----BEGIN PGP SIGNED MESSAGE-----"`},
		{"comment before the signed message", "# hi\n-----BEGIN PGP SIGNED MESSAGE-----\n", "not a checksum file: line 2:"},
		{"signature without message", "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n", "not a checksum file: line 1:"},
		{"CR-only line ends", h64 + "  a.img\r" + h64 + "  b.img\r", `line 1: file name "a.img\raaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..." contains a control character`},
		{"NUL in a BSD name", "SHA256 (a\x00b) = " + h64 + "\n", `line 1: file name "a\x00b" contains a control character`},
		{"line too long", strings.Repeat("a", maxChecksumLine+1) + "\n", "not a checksum file: line 1 is longer than 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(strings.NewReader(tt.body))
			if err == nil {
				t.Fatalf("Parse = %+v, want an error containing %q", s, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q\nwant it to contain %q", err, tt.want)
			}
			if s != nil {
				t.Errorf("got Sums %+v along with the error", s)
			}
		})
	}
}

func TestParseChecksumsReadError(t *testing.T) {
	t.Parallel()
	errRead := errors.New("unexpected EOF from mirror")
	r := io.MultiReader(strings.NewReader(hexOf('a', 64)+"  x.img\n"), iotest.ErrReader(errRead))
	if _, err := Parse(r); !errors.Is(err, errRead) {
		t.Errorf("err = %v, want one wrapping %v", err, errRead)
	}
}

func TestParseAlgorithm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Algorithm
	}{
		{"md5", MD5}, {"MD5", MD5},
		{"sha1", SHA1}, {"SHA-1", SHA1},
		{"sha256", SHA256}, {"SHA256", SHA256}, {"sha-256", SHA256}, {"SHA2-256", SHA256},
		{"sha512", SHA512}, {"Sha512", SHA512}, {"SHA-512", SHA512}, {"sha2-512", SHA512},
		{"", ""}, {"sha", ""}, {"sha384", ""}, {"sha3-256", ""}, {"sha512-256", ""}, {"blake2b", ""},
		{" sha256", ""}, {"sha256 ", ""}, {"sha_256", ""},
	}
	for _, tt := range tests {
		got, err := ParseAlgorithm(tt.in)
		if tt.want == "" {
			if err == nil || !strings.Contains(err.Error(), "unknown checksum algorithm") {
				t.Errorf("ParseAlgorithm(%q) = %q, %v; want an error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseAlgorithm(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for a, n := range map[Algorithm]int{MD5: 32, SHA1: 40, SHA256: 64, SHA512: 128, "sha384": 0, "": 0, "SHA256": 0} {
		if got := a.HexLen(); got != n {
			t.Errorf("%q.HexLen() = %d, want %d", a, got, n)
		}
	}
}

func TestFindErrors(t *testing.T) {
	t.Parallel()
	h64 := hexOf('a', 64)
	s, err := Parse(strings.NewReader(hexOf('c', 32) + "  x.img\n" + hexOf('d', 40) + "  x.img\n" + h64 + "  x.img.manifest\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Find("x.img", SHA256)
	if !errors.Is(err, ErrNotListed) {
		t.Fatalf("err = %v, want ErrNotListed", err)
	}
	if want := `sha256 digest of "x.img": not listed in checksum file (it has md5, sha1 only)`; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if _, err := s.Find("x.img", "sha384"); err == nil || errors.Is(err, ErrNotListed) || !strings.Contains(err.Error(), "unknown checksum algorithm") {
		t.Errorf("Find with an unknown algorithm: err = %v", err)
	}
	var nilSums *Sums
	if _, err := nilSums.Find("x.img", SHA256); !errors.Is(err, ErrNotListed) {
		t.Errorf("Find on nil Sums: err = %v, want ErrNotListed", err)
	}
}

// A name listed twice with different digests of one algorithm is ambiguous:
// the file is refused, naming both lines, rather than the first one taken.
func TestParseChecksumsAmbiguous(t *testing.T) {
	h := func(c byte) string { return strings.Repeat(string(c), 64) }
	for _, body := range []string{
		h('a') + "  x.img\n" + h('b') + "  x.img\n",
		"SHA256 (x.img) = " + h('a') + "\n" + h('b') + " *./x.img\n",
		h('a') + "  y.img\n" + h('c') + "  x.img\n# later\n" + h('d') + "  x.img\n",
	} {
		_, err := Parse(strings.NewReader(body))
		if !errors.Is(err, ErrAmbiguous) || !strings.Contains(err.Error(), `"x.img"`) || !strings.Contains(err.Error(), "line") {
			t.Errorf("Parse(%q) = %v, want ErrAmbiguous naming x.img and its lines", body, err)
		}
	}
}
