package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/source"
)

func TestMirrorURL(t *testing.T) {
	img := source.Image{Name: "Ubuntu 24.04", Shortname: "ubuntu-24.04", Meta: source.Meta{Format: "qcow2"}}
	v := Version{Version: "20260705", URL: "https://example.org/a.img", Checksum: "sha256:00", BuildDate: "2026-07-05"}
	tests := []struct {
		name, src, shortname, want, err string
	}{
		{name: "osism layout", src: "https://mirror.example.org/images/{{ image.shortname }}/{{ version.version }}-{{ image.shortname }}.{{ image.format }}",
			want: "https://mirror.example.org/images/ubuntu-24.04/20260705-ubuntu-24.04.qcow2"},
		{name: "catalog shortname wins", src: "https://m.example/{{ image.shortname }}/{{ version.version }}", shortname: "noble",
			want: "https://m.example/noble/20260705"},
		{name: "file name of the url", src: "https://m.example/{{ version.url.split('/')[-1] }}", want: "https://m.example/a.img"},
		{name: "typo is an error", src: "https://m.example/{{ version.versoin }}", err: "versoin"},
		{name: "not a URL", src: "{{ image.shortname }}", err: "not an absolute http(s) URL"},
		{name: "two lines", src: "https://a/\nhttps://b/", err: "one line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMirrorURL(tt.src)
			var got string
			if err == nil {
				got, err = m.Render(img, tt.shortname, v)
			}
			if tt.err != "" {
				var te *TemplateError
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &te) {
					t.Fatalf("got %q, %v; want a *TemplateError containing %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if m, err := ParseMirrorURL("  "); m != nil || err != nil {
		t.Fatalf("empty template: got %v, %v; want nil, nil", m, err)
	}
}
