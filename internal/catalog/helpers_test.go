package catalog

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entry renders an image entry at column 0, as a template does.
func entry(name, version string) []byte {
	slug := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
	sum := sha256.Sum256([]byte(name + version))
	return fmt.Appendf(nil, `- name: %s
  enable: true
  format: qcow2
  login: alpha
  min_disk: 8
  min_ram: 512
  status: active
  visibility: public
  multi: true
  meta:
    architecture: x86_64
    hw_disk_bus: scsi
    hypervisor_type: qemu
    os_distro: ubuntu
    os_purpose: generic
    replace_frequency: never
    uuid_validity: none
    provided_until: none
  tags: []
  versions:
    - version: '%s'
      url: https://example.org/%s/%s.img
      checksum: "sha256:%x"
      build_date: 2026-07-05
`, name, version, slug, version, sum)
}

// ownEntry is an image's entry as Apply takes it: its bytes moved to column 0.
// ok is false when the entry cannot be given back unchanged that way (a
// line indented less than the list, or line breaks other than the file's).
func ownEntry(f *File, img *Image) ([]byte, bool) {
	raw := f.Data[img.EntryStart:img.End]
	nl := "\n"
	if f.p.crlf {
		nl = "\r\n"
	}
	body := strings.ReplaceAll(string(raw), nl, "\n")
	if strings.ContainsAny(body, "\r\u0085\u2028\u2029") || !strings.HasSuffix(body, "\n") {
		return nil, false
	}
	pad := strings.Repeat(" ", f.Indent)
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if isBlankLine([]byte(lines[len(lines)-1])) {
		return nil, false // Apply drops an entry's trailing blank lines
	}
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			if !strings.HasPrefix(l, pad) {
				return nil, false
			}
			l = l[len(pad):]
			if l == "" {
				return nil, false // would come back as an empty line
			}
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return []byte(b.String()), true
}

func loadFile(t *testing.T, path string) *File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, ferr := parseFile(filepath.Base(path), data)
	if ferr != nil {
		t.Fatal(ferr)
	}
	return f
}

func names(f *File) []string {
	var out []string
	for _, img := range f.Images {
		out = append(out, img.Name)
	}
	return out
}
