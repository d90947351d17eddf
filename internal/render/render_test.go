package render

import (
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/golden"
)

func sampleImage(t *testing.T, name string) source.Image {
	t.Helper()
	f, err := source.Default()
	if err != nil {
		t.Fatal(err)
	}
	if img, ok := f.Concrete(name); ok {
		return img
	}
	t.Fatalf("no image %q in built-in sources", name)
	return source.Image{}
}

var sampleVersions = []Version{
	{Version: "20260615", URL: "https://cloud-images.ubuntu.com/releases/noble/release-20260615/ubuntu-24.04-server-cloudimg-amd64.img",
		Checksum: "sha256:" + strings.Repeat("a", 64), BuildDate: "2026-06-15",
		Extra: []Extra{{Key: "mirror_url", YAML: "https://mirror.example.org/ubuntu-24.04/20260615.qcow2"}}},
	{Version: "20260705", URL: "https://cloud-images.ubuntu.com/releases/noble/release-20260705/ubuntu-24.04-server-cloudimg-amd64.img",
		Checksum: "sha256:" + strings.Repeat("b", 64), BuildDate: "2026-07-05"},
}

func TestDefaultTemplateGolden(t *testing.T) {
	r, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Ubuntu 24.04", "Debian 12"} {
		t.Run(name, func(t *testing.T) {
			out, err := r.Entry(sampleImage(t, name), sampleVersions)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", strings.ReplaceAll(name, " ", "_")+".golden"), out)
		})
	}
}

// Upstream strings are hostile until proven otherwise: none of them may add a
// key, end a scalar early, or change the type the image manager reads.
func TestHostileValuesStayScalars(t *testing.T) {
	r, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	hostile := []string{
		"20260705", "yes", "off", "null", "1e3", "0x1f", "2026-07-05",
		"v1\nenable: false", "x: y", "a #comment", "'quoted'", "\"dq\"", "[list]", "{map}",
		"&anchor", "*alias", "!tag", "| block", "> fold", "- item", "%dir", "@at", "`tick`",
		"tab\there", "trailing ", " leading", "unicode ünï", "\u2028sep", "back\\slash", "",
	}
	img := sampleImage(t, "Ubuntu 24.04")
	for _, h := range hostile {
		vs := []Version{{Version: h, URL: "https://e.org/" + h, Checksum: "sha256:" + h, BuildDate: "2026-07-05"}}
		out, err := r.Entry(img, vs)
		if err != nil {
			t.Errorf("value %q: %v", h, err)
			continue
		}
		var items []map[string]any
		if err := yaml.Unmarshal(out, &items); err != nil {
			t.Fatalf("value %q broke the YAML: %v\n%s", h, err, out)
		}
		v := items[0]["versions"].([]any)[0].(map[string]any)
		if v["version"] != h {
			t.Errorf("version %q read back as %#v", h, v["version"])
		}
		if len(v) != 4 || items[0]["enable"] != true {
			t.Errorf("value %q injected keys: %v", h, v)
		}
	}
}

func TestScalarYAML11(t *testing.T) {
	tests := map[any]string{
		"Ubuntu 24.04": "Ubuntu 24.04", "24.04": `"24.04"`, "yes": `"yes"`, "On": `"On"`, "none": "none",
		"https://a.b/c.img": "https://a.b/c.img", "sha256:ab": "sha256:ab", "a: b": `"a: b"`,
		8: "8", true: "true", nil: "null", "": `""`, "last-3": "last-3", "virtio-scsi": "virtio-scsi",
	}
	for in, want := range tests {
		got, err := Scalar(in)
		if err != nil || got != want {
			t.Errorf("Scalar(%#v) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got, _ := Scalar([]any{"a", "yes"}); got != `[a, "yes"]` {
		t.Errorf("list: %s", got)
	}
}

func TestRoundTrip(t *testing.T) {
	// Rendering what a rendered entry reads back as must give the same bytes:
	// otherwise every run would rewrite the catalog.
	r, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	f, err := source.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range f.Images {
		first, err := r.Entry(img, sampleVersions)
		if err != nil {
			t.Fatal(err)
		}
		var items []struct {
			Versions []yaml.Node `yaml:"versions"`
		}
		if err := yaml.Unmarshal(first, &items); err != nil {
			t.Fatal(err)
		}
		var back []Version
		for _, n := range items[0].Versions {
			v := Version{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, val := n.Content[i].Value, n.Content[i+1]
				switch k {
				case "version":
					v.Version = val.Value
				case "url":
					v.URL = val.Value
				case "checksum":
					v.Checksum = val.Value
				case "build_date":
					v.BuildDate = val.Value
				default:
					v.Extra = append(v.Extra, Extra{Key: k, YAML: val.Value})
				}
			}
			back = append(back, v)
		}
		second, err := r.Entry(img, back)
		if err != nil {
			t.Fatal(err)
		}
		if string(first) != string(second) {
			t.Errorf("%s: not stable\n%s\n---\n%s", img.Name, first, second)
		}
	}
}

func TestBadTemplates(t *testing.T) {
	img := sampleImage(t, "Ubuntu 24.04")
	tests := []struct {
		name, tpl, wantErr string
	}{
		{"syntax", "- name: {{ image.name ", "image.yml.j2"},
		{"undefined variable", "- name: {{ image.nmae }}\n", "tpl/image.yml.j2: line 1: image.nmae is undefined"},
		{"undefined in a filter, in a loop", "- name: {{ image.name | yaml }}\n  versions:\n{%- for v in versions %}\n    - version: {{ v.versoin | q }}\n{%- endfor %}\n", "tpl/image.yml.j2: line 4: v.versoin is undefined"},
		{"undefined name", "- name: {{ imgae.name | yaml }}\n", "tpl/image.yml.j2: line 1: imgae is undefined"},
		{"drops versions", "- name: {{ image.name | yaml }}\n  versions: []\n", "has 0 versions, want 2"},
		{"wrong name", "- name: other\n  versions: []\n", `names the image "other"`},
		{"two items", "- name: a\n- name: b\n", "exactly one list item"},
		{"not yaml", "- name: [\n", "not valid YAML"},
		{"bad date", "{% for v in versions %}{{ v.version | date }}{% endfor %}", "not a YYYY-MM-DD date"},
		{"include outside", `{% include "../../etc/passwd" %}`, "outside the templates directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"image.yml.j2": {Data: []byte(tt.tpl)}}
			r, err := Load(fsys, "tpl")
			if err == nil {
				_, err = r.Entry(img, sampleVersions)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestPerSourceTemplate(t *testing.T) {
	fsys := fstest.MapFS{
		"image.yml.j2":  {Data: []byte("- name: {{ image.name | yaml }}\n  versions: []\n")},
		"custom.yml.j2": {Data: []byte("- name: {{ image.name | yaml }}\n  custom: true\n  versions:\n{% for v in versions %}    - version: {{ v.version | q }}\n      url: {{ v.url | yaml }}\n      checksum: {{ v.checksum | yaml }}\n      build_date: {{ v.build_date | date }}\n{% endfor %}")},
	}
	r, err := Load(fsys, "tpl")
	if err != nil {
		t.Fatal(err)
	}
	img := sampleImage(t, "Debian 12")
	img.Template = "custom.yml.j2"
	out, err := r.Entry(img, sampleVersions)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "custom: true") {
		t.Fatalf("custom template not used:\n%s", out)
	}
	img.Template = "missing.j2"
	if _, err := r.Entry(img, nil); err == nil || !strings.Contains(err.Error(), "no such template") {
		t.Fatalf("missing template: %v", err)
	}
}

func TestLoadDirMissingDefault(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "default template is missing") {
		t.Fatalf("got %v", err)
	}
	if _, err := LoadDir(filepath.Join(dir, "nope")); err == nil {
		t.Fatal("missing dir accepted")
	}
}
