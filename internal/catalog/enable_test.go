package catalog

import (
	"errors"
	"strings"
	"testing"
)

func TestDisable(t *testing.T) {
	const two = "---\nimages:\n  - name: A\n    enable: %s # keep me\n    format: qcow2\n    versions: []\n  - name: B\n    enable: true\n"
	tests := []struct {
		name, in, image, want string
		err                   error
	}{
		{"plain", strings.Replace(two, "%s", "true", 1), "A", strings.Replace(two, "%s", "false", 1), nil},
		{"second", strings.Replace(two, "%s", "true", 1), "B", strings.Replace(strings.Replace(two, "%s", "true", 1), "B\n    enable: true", "B\n    enable: false", 1), nil},
		{"capital", strings.Replace(two, "%s", "True", 1), "A", strings.Replace(two, "%s", "False", 1), nil},
		{"crlf", strings.ReplaceAll(strings.Replace(two, "%s", "true", 1), "\n", "\r\n"), "A", strings.ReplaceAll(strings.Replace(two, "%s", "false", 1), "\n", "\r\n"), nil},
		{"already", strings.Replace(two, "%s", "false", 1), "A", strings.Replace(two, "%s", "false", 1), nil},
		{"flow", "images: [{name: A, enable: true, versions: []}]\n", "A", "images: [{name: A, enable: false, versions: []}]\n", nil},
		{"absent", "images:\n  - name: A\n    format: qcow2\n", "A", "", ErrNoEnable},
		{"quoted", "images:\n  - name: A\n    enable: 'true'\n", "A", "", ErrNoEnable},
		{"no such image", strings.Replace(two, "%s", "true", 1), "C", "", ErrNoSuchImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("x.yml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Disable(tt.image)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Disable = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// Whatever the file, a successful Disable changes only the enable value of
// its image, and the result says the image is disabled.
func FuzzDisable(f *testing.F) {
	f.Add("images:\n  - name: A\n    enable: true\n", "A")
	f.Add("images:\n- name: A\n  enable: TRUE\n  meta: {enable: true}\n- name: B\n  enable: true\n", "B")
	f.Add("images: [{name: A, enable: True}]\n", "A")
	f.Fuzz(func(t *testing.T, in, name string) {
		file, err := Parse("x.yml", []byte(in))
		if err != nil {
			return
		}
		out, err := file.Disable(name)
		if err != nil {
			return
		}
		g, err := Parse("x.yml", out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%q", err, out)
		}
		for _, img := range g.Images {
			if img.Name == name && g.Entry(img).Enabled {
				t.Fatalf("%s still enabled:\n%q", name, out)
			}
		}
		if d := len(out) - len(in); d < 0 || d > 1 {
			t.Fatalf("length changed by %d:\n%q\n%q", d, in, out)
		}
	})
}
