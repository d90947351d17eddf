package layout

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

func get(t *testing.T, s *mirror.Server, p string) ([]byte, http.Header) {
	t.Helper()
	resp, err := http.Get(s.URL + p)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", p, resp.StatusCode, err)
	}
	return b, resp.Header
}

// head asks for a file without its (image-sized) body.
func head(t *testing.T, s *mirror.Server, p string) http.Header {
	t.Helper()
	resp, err := http.Head(s.URL + p)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD %s: %d", p, resp.StatusCode)
	}
	return resp.Header
}

// capture reads a real upstream file as copied into captures/.
func capture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("captures/" + strings.ReplaceAll(name, "/", "-"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shape hides what differs between two builds (digests, byte counts,
// versions) and keeps what a parser must cope with: line structure,
// separators, comments, order.
func shape(b []byte) string {
	s := regexp.MustCompile(`[0-9a-f]{64}`).ReplaceAllString(string(b), "HEX")
	s = regexp.MustCompile(`: [0-9]+ bytes`).ReplaceAllString(s, ": N bytes")
	return regexp.MustCompile(`[0-9]+\.[0-9]+-[0-9]{8}(\.[0-9]+)?|[0-9]{8}\.[0-9]+`).ReplaceAllString(s, "VERSION")
}

// Laying out the captured AlmaLinux build serves the real CHECKSUM, byte for
// byte.
func TestAlmaLinuxIsTheCapture(t *testing.T) {
	s := mirror.New(t)
	AlmaLinux(s, "/almalinux/", "9", "x86_64", "9.8-20260526", "")
	got, _ := get(t, s, "/almalinux/9/cloud/x86_64/images/CHECKSUM")
	if want := capture(t, "almalinux9/CHECKSUM"); !bytes.Equal(got, want) {
		t.Fatalf("CHECKSUM\n%s\nwant the capture\n%s", got, want)
	}
	listing, h := get(t, s, "/almalinux/9/cloud/x86_64/images/")
	if h.Get("Server") != "nginx" || !bytes.Contains(listing, []byte(`AlmaLinux-9-GenericCloud-ext4-9.8-20260526.x86_..&gt;</a>`)) {
		t.Fatalf("not an nginx listing with truncated link text:\n%s", listing)
	}
	// Another build is laid out in the same shape, with other digests.
	AlmaLinux(s, "/almalinux/", "9", "x86_64", "9.9-20261101", "")
	got, _ = get(t, s, "/almalinux/9/cloud/x86_64/images/CHECKSUM")
	if shape(got) != shape(capture(t, "almalinux9/CHECKSUM")) || bytes.Contains(got, []byte("9.8-20260526")) {
		t.Fatalf("new build:\n%s", got)
	}
}

func TestCentOSStreamShapeIsTheCapture(t *testing.T) {
	s := mirror.New(t)
	CentOSStream(s, "/centos/", "9", "x86_64", []string{"20260630.2", "20260714.1"}, "")
	got, _ := get(t, s, "/centos/9-stream/x86_64/images/CHECKSUM")
	// The capture's GenericCloud pairs, in its order, with its comment lines.
	var want []string
	lines := strings.Split(string(capture(t, "centos_stream9/CHECKSUM")), "\n")
	for i := 0; i+1 < len(lines); i += 2 {
		if strings.Contains(lines[i], "GenericCloud-9-20260630.2") || strings.Contains(lines[i], "GenericCloud-9-20260714.1") || strings.Contains(lines[i], "GenericCloud-9-latest") {
			want = append(want, lines[i], lines[i+1])
		}
	}
	var mine []string
	glines := strings.Split(string(got), "\n")
	for i := 0; i+1 < len(glines); i += 2 {
		if strings.Contains(glines[i], "CentOS-Stream-GenericCloud-9-") {
			mine = append(mine, glines[i], glines[i+1])
		}
	}
	if shape([]byte(strings.Join(mine, "\n"))) != shape([]byte(strings.Join(want, "\n"))) {
		t.Fatalf("GenericCloud lines\n%s\nwant the shape of\n%s", strings.Join(mine, "\n"), strings.Join(want, "\n"))
	}
	for _, n := range []string{"CentOS-Stream-GenericCloud-x86_64-9-20260714.1.x86_64.qcow2", "CentOS-Stream-GenericCloud-9-20260630.2.x86_64.qcow2.SHA256SUM"} {
		head(t, s, "/centos/9-stream/x86_64/images/"+n)
	}
	if _, h := get(t, s, "/centos/9-stream/x86_64/images/"); !strings.Contains(h.Get("Server"), "Apache") {
		t.Fatalf("server %q", h.Get("Server"))
	}
}

func TestCentOSStream9CaptureServedUnchanged(t *testing.T) {
	s := mirror.New(t)
	CentOSStream9Capture(s, "/centos/")
	got, _ := get(t, s, "/centos/9-stream/x86_64/images/CHECKSUM")
	if !bytes.Equal(got, capture(t, "centos_stream9/CHECKSUM")) {
		t.Fatal("the capture was not served unchanged")
	}
	if !bytes.Contains(got, []byte("SHA256 (CentOS-Stream-GenericCloud-9-"+CentOSStream9CaptureBuild+".x86_64.qcow2) = "+CentOSStream9CaptureDigest)) ||
		!bytes.Contains(got, []byte("SHA256 (CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2) = "+CentOSStream9CaptureDigest)) {
		t.Fatal("CentOSStream9CaptureBuild/Digest are not what the capture holds")
	}
	head(t, s, "/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-20260714.1.x86_64.qcow2")
}

func TestRockyLayout(t *testing.T) {
	s := mirror.New(t)
	Rocky(s, "/pub/rocky/", "9", "x86_64", []string{"9.5-20241118.0", "9.6-20250531.0", "9.6-20250603.1"}, "")
	Rocky(s, "/pub/rocky/", "10", "x86_64", []string{"10.0-20250609.1"}, "")
	// The per-image CHECKSUM of the alias has the capture's shape.
	got, _ := get(t, s, "/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud.latest.x86_64.qcow2.CHECKSUM")
	if shape(got) != shape(capture(t, "rocky9/CHECKSUM")) {
		t.Fatalf("per-image CHECKSUM\n%s\nwant the shape of the capture\n%s", got, capture(t, "rocky9/CHECKSUM"))
	}
	// The major directory is the current minor one; the older minor keeps
	// its own build.
	major, _ := get(t, s, "/pub/rocky/9/images/x86_64/CHECKSUM")
	minor, _ := get(t, s, "/pub/rocky/9.6/images/x86_64/CHECKSUM")
	old, _ := get(t, s, "/pub/rocky/9.5/images/x86_64/CHECKSUM")
	digest := RockyDigest("9", "x86_64", "9.6-20250603.1", "")
	for _, want := range []string{
		"SHA256 (Rocky-9-GenericCloud-Base-9.6-20250603.1.x86_64.qcow2) = " + digest,
		"SHA256 (Rocky-9-GenericCloud-Base.latest.x86_64.qcow2) = " + digest,
		"SHA256 (Rocky-9-GenericCloud.latest.x86_64.qcow2) = " + digest,
		"SHA256 (Rocky-9-GenericCloud-Base-9.6-20250531.0.x86_64.qcow2) = ",
	} {
		if !bytes.Contains(major, []byte(want)) {
			t.Errorf("CHECKSUM lacks %q", want)
		}
	}
	if !bytes.Equal(major, minor) || bytes.Contains(major, []byte("9.5-")) || !bytes.Contains(old, []byte("9.5-20241118.0")) {
		t.Fatalf("directories:\n9/\n%s\n9.5/\n%s", major, old)
	}
	if bytes.HasPrefix(major, []byte("-----BEGIN PGP")) {
		t.Fatal("Rocky 9 does not sign CHECKSUM")
	}
	ten, _ := get(t, s, "/pub/rocky/10/images/x86_64/CHECKSUM")
	verifyClearSigned(t, ten)
}

func TestFedoraLayout(t *testing.T) {
	s := mirror.New(t)
	mod := time.Date(2026, 4, 21, 8, 1, 0, 0, time.UTC)
	Fedora(s, "/releases/", "", FedoraCompose{ID: "40-1.14", Modified: mod}, FedoraCompose{ID: "44-1.7", Modified: mod})
	for _, tt := range []struct{ dir, sums, image string }{
		{"/releases/40/Cloud/x86_64/images/", "Fedora-Cloud-40-1.14-x86_64-CHECKSUM", "Fedora-Cloud-Base-Generic.x86_64-40-1.14.qcow2"},
		{"/releases/44/Cloud/aarch64/images/", "Fedora-Cloud-44-1.7-aarch64-CHECKSUM", "Fedora-Cloud-Base-Generic-44-1.7.aarch64.qcow2"},
	} {
		b, _ := get(t, s, tt.dir+tt.sums)
		text := verifyClearSigned(t, b)
		if !strings.Contains(text, "# "+tt.image+": ") || !strings.Contains(text, "SHA256 ("+tt.image+") = ") {
			t.Errorf("%s does not name %s:\n%s", tt.sums, tt.image, text)
		}
		h := head(t, s, tt.dir+tt.image)
		if h.Get("Last-Modified") != "Tue, 21 Apr 2026 08:01:00 GMT" {
			t.Errorf("Last-Modified %q", h.Get("Last-Modified"))
		}
	}
	listing, _ := get(t, s, "/releases/")
	for _, d := range []string{`href="40/"`, `href="44/"`, `href="test/"`} {
		if !bytes.Contains(listing, []byte(d)) {
			t.Errorf("releases/ does not list %s", d)
		}
	}
}

// verifyClearSigned checks that b is clear-signed by the mirror's key and
// returns the signed text.
func verifyClearSigned(t *testing.T, b []byte) string {
	t.Helper()
	block, rest := clearsign.Decode(b)
	if block == nil || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("not a clear-signed message:\n%s", b)
	}
	if _, err := openpgp.CheckDetachedSignature(openpgp.EntityList{mirrorKey()}, bytes.NewReader(block.Bytes), block.ArmoredSignature.Body, nil); err != nil {
		t.Fatalf("signature: %v", err)
	}
	return string(block.Plaintext)
}
