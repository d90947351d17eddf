package forge_test

import (
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/forge"
)

func TestParseRepo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    forge.Repo
		wantErr string
	}{
		{in: "osism/openstack-image-manager", want: forge.Repo{Owner: "osism", Name: "openstack-image-manager"}},
		{in: " osism/images ", want: forge.Repo{Owner: "osism", Name: "images"}},
		{in: "my_org/repo.name_1", want: forge.Repo{Owner: "my_org", Name: "repo.name_1"}},
		{in: "osism", wantErr: `repository "osism": want OWNER/NAME`},
		{in: "osism/images/extra", wantErr: "want OWNER/NAME"},
		{in: "/images", wantErr: `"" is not a valid owner`},
		{in: "-osism/images", wantErr: `"-osism" is not a valid owner`},
		{in: "osism/", wantErr: `"" is not a valid repository name`},
		{in: "osism/..", wantErr: `".." is not a valid repository name`},
		{in: "osism/im ages", wantErr: "not a valid repository name"},
		{in: "os?sm/images", wantErr: "not a valid owner"},
	}
	for _, tt := range tests {
		got, err := forge.ParseRepo(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseRepo(%q) error = %v, want %q", tt.in, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("ParseRepo(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestRepoFromURL(t *testing.T) {
	t.Parallel()
	want := forge.Repo{Owner: "osism", Name: "openstack-image-manager"}
	for _, u := range []string{
		"https://github.com/osism/openstack-image-manager",
		"https://github.com/osism/openstack-image-manager.git",
		"https://github.com/osism/openstack-image-manager/",
		"https://GitHub.com/osism/openstack-image-manager",
		"https://x-access-token:secret@github.com/osism/openstack-image-manager.git",
		"http://www.github.com/osism/openstack-image-manager",
		"ssh://git@github.com/osism/openstack-image-manager.git",
		"git@github.com:osism/openstack-image-manager.git",
	} {
		if got, ok := forge.RepoFromURL(u); !ok || got != want {
			t.Errorf("RepoFromURL(%q) = %v, %v; want %v", u, got, ok, want)
		}
	}
	for _, u := range []string{
		"",
		"https://gitlab.com/osism/openstack-image-manager",
		"https://ghe.example.com/osism/openstack-image-manager",
		"https://github.com/osism",
		"https://github.com/osism/openstack-image-manager/tree/main",
		"https://github.com:8443/osism/openstack-image-manager",
		"https://github.com/osism/openstack-image-manager?tab=readme",
		"file:///srv/git/osism/openstack-image-manager",
		"/home/me/openstack-image-manager",
		"git@github.com",
		"osism/openstack-image-manager",
	} {
		if got, ok := forge.RepoFromURL(u); ok {
			t.Errorf("RepoFromURL(%q) = %v, want no repository", u, got)
		}
	}
}

// FuzzRepo checks that parsing never panics and that whatever parses
// survives a round trip through its string and its URL.
func FuzzRepo(f *testing.F) {
	for _, s := range []string{
		"osism/openstack-image-manager", "https://github.com/osism/openstack-image-manager.git",
		"git@github.com:o/r.git", "a/b/c", "-/.", "ssh://git@github.com/o/r", "https://github.com/%2e%2e/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := forge.ParseRepo(s); err == nil {
			if back, err := forge.ParseRepo(r.String()); err != nil || back != r {
				t.Fatalf("ParseRepo(%q) = %v, but its String parses to %v, %v", s, r, back, err)
			}
			if u, ok := forge.RepoFromURL("https://github.com/" + r.String() + ".git"); !ok || u != r {
				t.Fatalf("RepoFromURL of %v = %v, %v", r, u, ok)
			}
		}
		if r, ok := forge.RepoFromURL(s); ok {
			if back, err := forge.ParseRepo(r.String()); err != nil || back != r {
				t.Fatalf("RepoFromURL(%q) = %v, which does not parse back: %v", s, r, err)
			}
		}
	})
}
