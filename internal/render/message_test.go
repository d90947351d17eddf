package render

import (
	"errors"
	"testing"
)

func TestMessage(t *testing.T) {
	rep := map[string]any{
		"updates": []map[string]any{{"image": "Ubuntu 24.04", "version": "20260705"}, {"image": "Debian 12", "version": "20250210-2019"}},
	}
	tests := []struct {
		name, src, want string
		bad             bool
	}{
		{"conventional", "chore: update images", "chore: update images", false},
		{"over the report", "chore: update {{ updates | length }} images ({{ updates | map(attribute='image') | join(', ') }})", "chore: update 2 images (Ubuntu 24.04, Debian 12)", false},
		{"default", "chore: {{ default }}", "chore: Update images: x", false},
		{"strict", "{{ nope }}", "", true},
		{"empty", "{{ '' }}  ", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage("--title", tt.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Render(rep, "Update images: x")
			var te *TemplateError
			if tt.bad {
				if !errors.As(err, &te) || te.File != "--title" {
					t.Fatalf("error %v, want a TemplateError of --title", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if m, err := ParseMessage("--title", " "); m != nil || err != nil {
		t.Fatalf("blank template: %v %v", m, err)
	}
	if _, err := ParseMessage("--title", "{% if %}"); err == nil {
		t.Fatal("a syntax error parsed")
	}
}
