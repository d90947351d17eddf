package source

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestDefaultSourcesValid(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatalf("built-in sources: %v", err)
	}
	want := map[string]string{
		// Ubuntu's LTS releases and Debian's releases are discovered upstream
		// (docs/sources.md, "New releases").
		"Ubuntu {release}": "ubuntu.yml", "Ubuntu {release} Minimal": "ubuntu.yml",
		"Debian {release}": "debian.yml",
	}
	got := map[string]string{}
	for _, img := range f.Images {
		got[img.Name] = img.File
		if img.Limit != DefaultLimit {
			t.Errorf("%s: limit %d, want default %d", img.Name, img.Limit, DefaultLimit)
		}
		if a, _ := img.Meta.Properties.Get("architecture"); a != img.Arch {
			t.Errorf("%s: meta.architecture %v, arch %s", img.Name, a, img.Arch)
		}
		// A distribution whose every build is a release of its own
		// (Flatcar, CirrOS) has no os_version; osism's catalog writes none
		// for them either. Arch, rolling, has one (scs-0102 wants it).
		rolling := img.Type == "flatcar" || img.Type == "cirros"
		if v, _ := img.Meta.Properties.Get("os_version"); v == nil && !rolling {
			t.Errorf("%s: os_version missing", img.Name)
		}
	}
	for name, file := range want {
		if got[name] != file {
			t.Errorf("image %q: file %q, want %q", name, got[name], file)
		}
	}
}

func TestMergeKeepsOrderAndOverrides(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, fld := range f.Images[0].Meta.Properties {
		keys = append(keys, fld.Key)
	}
	got := strings.Join(keys, ",")
	want := "architecture,hw_disk_bus,hw_rng_model,hw_scsi_model,hw_watchdog_action,hypervisor_type,os_distro,os_version,os_purpose,replace_frequency,uuid_validity,provided_until"
	if got != want {
		t.Fatalf("meta order\n got %s\nwant %s", got, want)
	}
	if f.Images[0].Meta.Format != "qcow2" || f.Images[0].Meta.MinDisk != 8 || f.Images[0].Meta.Login != "ubuntu" {
		t.Fatalf("merged image block not applied: %+v", f.Images[0].Meta)
	}
}

const valid = `version: 1
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
    image:
      format: qcow2
      login: ubuntu
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(string) string
		wantErr string // substring, includes file:line
	}{
		{"valid", func(s string) string { return s }, ""},
		{"unknown top key", func(s string) string { return s + "extra: 1\n" }, "x.yaml:16: unknown key \"extra\""},
		{"unknown image key", func(s string) string {
			return strings.Replace(s, "    arch: x86_64\n", "    arch: x86_64\n    colour: red\n", 1)
		}, "x.yaml:8: unknown key \"colour\""},
		{"unknown upstream key", func(s string) string {
			return strings.Replace(s, "      algorithm: sha256\n", "      algorithm: sha256\n      mirror: x\n", 1)
		}, "x.yaml:12: unknown key \"upstream.mirror\""},
		{"bad type", func(s string) string { return strings.Replace(s, "type: ubuntu", "type: ubuntoo", 1) }, `x.yaml:3: image "Ubuntu 24.04": type "ubuntoo" is not one of`},
		{"missing type", func(s string) string { return strings.Replace(s, "    type: ubuntu\n", "", 1) }, `type "" is not one of`},
		{"missing checksums", func(s string) string { return strings.Replace(s, "      checksums: SHA256SUMS\n", "", 1) }, "upstream.checksums is missing"},
		{"bad url scheme", func(s string) string { return strings.Replace(s, "https://cloud", "ftp://cloud", 1) }, "want an http or https URL"},
		{"url not a dir", func(s string) string { return strings.Replace(s, "noble/\n", "noble\n", 1) }, "must end in /"},
		{"url with credentials", func(s string) string { return strings.Replace(s, "https://cloud", "https://u:p@cloud", 1) }, "credentials"},
		{"bad algorithm", func(s string) string { return strings.Replace(s, "algorithm: sha256", "algorithm: md5", 1) }, "want sha256 or sha512"},
		{"bad arch", func(s string) string { return strings.Replace(s, "arch: x86_64", "arch: amd64", 1) }, `arch "amd64"`},
		{"file escapes", func(s string) string { return strings.Replace(s, "file: ubuntu.yml", "file: ../x.yml", 1) }, "want a plain file name"},
		{"filename escapes", func(s string) string {
			return strings.Replace(s, "filename: ubuntu", "filename: ../ubuntu", 1)
		}, "want a name relative to upstream.url"},
		{"not yaml", func(s string) string { return s + "  - [\n" }, "x.yaml:"},
		{"wrong version", func(s string) string { return strings.Replace(s, "version: 1", "version: 2", 1) }, "x.yaml:1: version: want 1"},
		{"string for int", func(s string) string { return s + "    limit: many\n" }, "x.yaml:16:"},
		{"signature without keys", func(s string) string {
			return strings.Replace(s, "      algorithm: sha256\n", "      algorithm: sha256\n      signature: required\n", 1)
		}, "names no key"},
		{"duplicate", func(s string) string {
			return s + strings.Replace(strings.SplitN(s, "images:\n", 2)[1], "shortname: ubuntu-24.04", "shortname: other", 1)
		}, `duplicate name (first at line 3)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.edit(valid)))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error\n%v\nwant it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Select([]string{"Debian 12", "Ubuntu 24.04"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "Ubuntu {release}" || got[1].Name != "Debian {release}" {
		t.Fatalf("Select kept sources order? got %v", got)
	}
	if _, err := f.Select([]string{"Debiann 12"}); err == nil || !strings.Contains(err.Error(), `"Debiann 12"`) {
		t.Fatalf("unknown --only name: %v", err)
	}
}

func TestPinnedName(t *testing.T) {
	u := Upstream{Filename: "a.img"}
	if u.PinnedName("1") != "a.img" {
		t.Fatal("empty pinned should fall back to filename")
	}
	u.Pinned = "debian-12-genericcloud-amd64-{version}.qcow2"
	if got := u.PinnedName("20250210-2019"); got != "debian-12-genericcloud-amd64-20250210-2019.qcow2" {
		t.Fatal(got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("version: 1\nimages: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err == nil {
			for _, img := range file.Images {
				if img.Name == "" || Types[img.Type].Required == nil {
					t.Fatalf("accepted an invalid image: %+v", img)
				}
			}
		}
	})
}

// --only takes any letter case, and a name that matches nothing comes back
// with the closest names the sources offer.
func TestSelectCaseAndSuggestions(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Select([]string{"ubuntu 24.04", "DEBIAN 12", "almalinux 9"})
	if err != nil || len(got) != 3 || got[0].Name != "Ubuntu {release}" || got[1].Name != "Debian {release}" || got[2].Name != "AlmaLinux {release}" {
		t.Fatalf("Select in other case: %v", err)
	}
	tests := []struct {
		only, want string
	}{
		{"Ubunt 24.04", `did you mean "Ubuntu 24.04"`},
		{"Almalinux 9 arm64", `did you mean "AlmaLinux 9 aarch64"`},
		{"Roky 9", `did you mean "Rocky 9"`},
		{"Ubuntu 24.04 minimal x", `did you mean "Ubuntu 24.04 Minimal"`},
		{"Windows 11", "no such image"},
	}
	for _, tt := range tests {
		_, err := f.Select([]string{tt.only})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "image-crawler list") {
			t.Errorf("Select(%q): %v, want it to say %q", tt.only, err, tt.want)
		}
	}
	if _, err := f.Select([]string{"Windows 11"}); err != nil && strings.Contains(err.Error(), "did you mean") {
		t.Errorf("a name close to nothing got suggestions: %v", err)
	}
}

// A syntax error deep in a long sources file is reported at its own line,
// not at the line of "images:" that encloses it.
func TestSyntaxErrorLineInLongFile(t *testing.T) {
	data, err := os.ReadFile("../../sources/image-sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	at := len(lines) - 10
	for strings.TrimSpace(lines[at-1]) == "" || strings.HasPrefix(strings.TrimSpace(lines[at-1]), "#") || strings.HasPrefix(strings.TrimSpace(lines[at-1]), "- ") {
		at--
	}
	lines[at-1] = " " + lines[at-1] // one space too many
	_, err = Parse("long.yaml", []byte(strings.Join(lines, "\n")))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Line != at {
		t.Fatalf("%v, want one error at line %d (%q)", err, at, lines[at-1])
	}
}
