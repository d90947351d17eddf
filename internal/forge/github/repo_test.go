package github_test

import (
	"testing"

	"github.com/osism/image-crawler/internal/forge"
	"github.com/osism/image-crawler/internal/forge/github"
)

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
		if got, ok := github.RepoFromURL(u); !ok || got != want {
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
		if got, ok := github.RepoFromURL(u); ok {
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
			if u, ok := github.RepoFromURL("https://github.com/" + r.String() + ".git"); !ok || u != r {
				t.Fatalf("RepoFromURL of %v = %v, %v", r, u, ok)
			}
		}
		if r, ok := github.RepoFromURL(s); ok {
			if back, err := forge.ParseRepo(r.String()); err != nil || back != r {
				t.Fatalf("RepoFromURL(%q) = %v, which does not parse back: %v", s, r, err)
			}
		}
	})
}
