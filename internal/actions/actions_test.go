package actions

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func envOf(m map[string]string) LookupEnv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDetect(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{"GITHUB_ACTIONS": "false"}, false},
		{map[string]string{"GITHUB_ACTIONS": "1"}, false},
		{map[string]string{"GITHUB_ACTIONS": "true"}, true},
	}
	for _, tt := range tests {
		if got := Detect(envOf(tt.env)) != nil; got != tt.want {
			t.Errorf("Detect(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func TestInputs(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    []Flag
		wantErr []string
	}{
		{
			name: "a run step without inputs sets nothing",
			env:  map[string]string{"GITHUB_ACTIONS": "true"},
		},
		{
			name: "defaults as the runner passes them",
			env: map[string]string{
				"GITHUB_ACTIONS": "true", "INPUT_TOKEN": "t0ken", "INPUT_CATALOG": "", "INPUT_CATALOG-DIR": "etc/images",
				"INPUT_DRY-RUN": "false", "INPUT_LABELS": "", "INPUT_BRANCH": "image-crawler/updates",
			},
			want: []Flag{
				{Name: "catalog-dir", Values: []string{"etc/images"}, From: "input catalog-dir"},
				{Name: "dry-run", Values: []string{"false"}, From: "input dry-run"},
				{Name: "branch", Values: []string{"image-crawler/updates"}, From: "input branch"},
			},
		},
		{
			name: "hyphens kept, lists split on lines and commas, white space trimmed",
			env: map[string]string{
				"GITHUB_ACTIONS":       "true",
				"INPUT_ONLY":           "Ubuntu 24.04\n  Debian 12  \n\n",
				"INPUT_LABELS":         "images, automated,\ndependencies",
				"INPUT_MIRROR":         "https://cloud-images.ubuntu.com/=https://mirror.example.org/ubuntu/\n",
				"INPUT_DRY-RUN":        " TRUE ",
				"INPUT_DRAFT":          "True",
				"INPUT_SIGNOFF":        "FALSE",
				"INPUT_AUTHOR":         "Catalog Bot <bot@example.org>",
				"INPUT_GITHUB-API-URL": "https://ghe.example.org/api/v3/",
			},
			want: []Flag{
				{Name: "only", Values: []string{"Ubuntu 24.04", "Debian 12"}, From: "input only"},
				{Name: "mirror", Values: []string{"https://cloud-images.ubuntu.com/=https://mirror.example.org/ubuntu/"}, From: "input mirror"},
				{Name: "dry-run", Values: []string{"true"}, From: "input dry-run"},
				{Name: "github-api-url", Values: []string{"https://ghe.example.org/api/v3/"}, From: "input github-api-url"},
				{Name: "label", Values: []string{"images", "automated", "dependencies"}, From: "input labels"},
				{Name: "draft", Values: []string{"true"}, From: "input draft"},
				{Name: "author-name", Values: []string{"Catalog Bot"}, From: "input author"},
				{Name: "author-email", Values: []string{"bot@example.org"}, From: "input author"},
				{Name: "signoff", Values: []string{"false"}, From: "input signoff"},
			},
		},
		{
			name: "a list of only separators sets nothing",
			env:  map[string]string{"GITHUB_ACTIONS": "true", "INPUT_LABELS": " , \n,"},
		},
		{
			name: "bad booleans and authors are all reported",
			env: map[string]string{
				"GITHUB_ACTIONS": "true", "INPUT_DRY-RUN": "yes", "INPUT_DRAFT": "1",
				"INPUT_AUTHOR": "bot@example.org", "INPUT_BRANCH": "b",
			},
			want:    []Flag{{Name: "branch", Values: []string{"b"}, From: "input branch"}},
			wantErr: []string{`input dry-run: "yes" is not a boolean`, `input draft: "1" is not a boolean`, `input author: "bot@example.org": want "Name <email@example.org>"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect(envOf(tt.env)).Inputs()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("flags\n got %+v\nwant %+v", got, tt.want)
			}
			if len(tt.wantErr) == 0 && err != nil {
				t.Fatalf("error %v", err)
			}
			if len(tt.wantErr) > 0 && err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	action := map[string]string{
		"GITHUB_ACTIONS": "true", "INPUT_TOKEN": "t0ken",
		"GITHUB_REPOSITORY": "osism/catalog", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_API_URL": "https://api.github.com",
	}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	tests := []struct {
		name    string
		env     map[string]string
		command string
		set     []string
		want    map[string]string
	}{
		{"the action runs on its own repository", action, "run", nil, map[string]string{
			"catalog": "https://github.com/osism/catalog", "repo": "osism/catalog", "github-api-url": "https://api.github.com"}},
		{"GitHub Enterprise Server", with(action, "GITHUB_SERVER_URL", "https://ghe.example.org/", "GITHUB_API_URL", "https://ghe.example.org/api/v3"), "crawl", nil, map[string]string{
			"catalog": "https://ghe.example.org/osism/catalog", "repo": "osism/catalog", "github-api-url": "https://ghe.example.org/api/v3"}},
		{"a catalog given elsewhere keeps its own repository", action, "run", []string{"catalog"}, map[string]string{
			"github-api-url": "https://api.github.com"}},
		{"nothing overrides what is set", action, "run", []string{"catalog", "repo", "github-api-url"}, map[string]string{}},
		{"validate checks the workspace", action, "validate", nil, map[string]string{}},
		{"a run step keeps the command line's defaults", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "osism/catalog"}, "run", nil, map[string]string{}},
		{"debug logging on a re-run with debug", with(action, "RUNNER_DEBUG", "1"), "validate", nil, map[string]string{"verbose": "true"}},
		{"debug logging in a run step", map[string]string{"GITHUB_ACTIONS": "true", "RUNNER_DEBUG": "1"}, "run", nil, map[string]string{"verbose": "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags := Detect(envOf(tt.env)).Defaults(tt.command, func(f string) bool { return slices.Contains(tt.set, f) })
			got := map[string]string{}
			for _, f := range flags {
				if len(f.Values) != 1 || f.From == "" {
					t.Errorf("flag %+v", f)
				}
				got[f.Name] = f.Values[0]
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("defaults %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSplitListAndParseBool(t *testing.T) {
	if got := SplitList("a,b\n c ,,\n\n d"); !reflect.DeepEqual(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("SplitList = %q", got)
	}
	if got := SplitList(" \n, "); got != nil {
		t.Errorf("SplitList of blanks = %q", got)
	}
	for in, want := range map[string]bool{"true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false} {
		if got, err := ParseBool(in); err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "yes", "on", "1", "tRUE", "true "} {
		if _, err := ParseBool(in); err == nil {
			t.Errorf("ParseBool(%q) accepted", in)
		}
	}
}

// TestActionYAML holds action.yml and this package to one list of inputs
// and outputs, so neither can gain one the other does not know.
func TestActionYAML(t *testing.T) {
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Name, Description string
		Branding          struct{ Icon, Color string }
		Inputs            map[string]struct {
			Description string
			Default     *string
			Required    bool
		}
		Outputs map[string]struct{ Description string }
		Runs    struct {
			Using, Image string
			Args         []string
		}
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	wantInputs := []string{"command", "token"}
	for _, in := range inputs {
		wantInputs = append(wantInputs, in.name)
	}
	var gotInputs []string
	for name, in := range action.Inputs {
		gotInputs = append(gotInputs, name)
		if strings.TrimSpace(in.Description) == "" || in.Default == nil || in.Required {
			t.Errorf("input %s: want a description and a default, and not required: %+v", name, in)
		}
	}
	slices.Sort(wantInputs)
	slices.Sort(gotInputs)
	if !slices.Equal(gotInputs, wantInputs) {
		t.Errorf("action.yml inputs\n %q\nthis package reads\n %q", gotInputs, wantInputs)
	}
	if d := action.Inputs["token"].Default; d == nil || *d != "${{ github.token }}" {
		t.Errorf("token default %v", d)
	}
	if d := action.Inputs["command"].Default; d == nil || *d != "run" {
		t.Errorf("command default %v", d)
	}

	outs, err := Outputs(nil)
	if err != nil {
		t.Fatal(err)
	}
	var wantOutputs, gotOutputs []string
	for _, o := range outs {
		wantOutputs = append(wantOutputs, o.Name)
	}
	for name, o := range action.Outputs {
		gotOutputs = append(gotOutputs, name)
		if strings.TrimSpace(o.Description) == "" {
			t.Errorf("output %s has no description", name)
		}
	}
	slices.Sort(wantOutputs)
	slices.Sort(gotOutputs)
	if !slices.Equal(gotOutputs, wantOutputs) {
		t.Errorf("action.yml outputs %q, written %q", gotOutputs, wantOutputs)
	}

	// The published image; internal/dist checks that it is the one the
	// release pushes, at the right major version.
	if action.Runs.Using != "docker" || !strings.HasPrefix(action.Runs.Image, "docker://") || !slices.Equal(action.Runs.Args, []string{"${{ inputs.command }}"}) {
		t.Errorf("runs %+v", action.Runs)
	}
	if action.Name == "" || action.Description == "" || action.Branding.Icon == "" || action.Branding.Color == "" {
		t.Errorf("name, description and branding are needed for the Marketplace: %+v", action)
	}
}
