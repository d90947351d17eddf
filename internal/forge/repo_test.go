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
