package dist

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

// releaseTagEnv is set by the release workflow to the tag being released;
// the tests then hold action.yml and CHANGELOG.md to that very tag before
// anything is published (docs/releasing.md).
const releaseTagEnv = "IMAGE_CRAWLER_RELEASE_TAG"

// actionFile is the part of action.yml these tests read.
type actionFile struct {
	Runs struct {
		Using string   `yaml:"using"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
	} `yaml:"runs"`
}

// goreleaserFile is the part of .goreleaser.yaml these tests read.
type goreleaserFile struct {
	Version int `yaml:"version"`
	Builds  []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
	} `yaml:"builds"`
	DockersV2 []struct {
		IDs        []string `yaml:"ids"`
		Dockerfile string   `yaml:"dockerfile"`
		Images     []string `yaml:"images"`
		Tags       []string `yaml:"tags"`
		Platforms  []string `yaml:"platforms"`
	} `yaml:"dockers_v2"`
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root(t), name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// release is what GoReleaser knows about a tag, under the names its
// templates use.
type release struct {
	Tag        string // v1.2.3-rc.1
	Version    string // 1.2.3-rc.1
	Major      int
	Minor      int
	Patch      int
	Prerelease string // rc.1
}

var semverTag = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$`)

func parseTag(tag string) (release, error) {
	m := semverTag.FindStringSubmatch(tag)
	if m == nil {
		return release{}, fmt.Errorf("tag %q is not vMAJOR.MINOR.PATCH[-PRERELEASE]", tag)
	}
	r := release{Tag: tag, Version: strings.TrimPrefix(tag, "v"), Prerelease: m[4]}
	r.Major, _ = strconv.Atoi(m[1])
	r.Minor, _ = strconv.Atoi(m[2])
	r.Patch, _ = strconv.Atoi(m[3])
	return r, nil
}

// render applies GoReleaser-style templates (Go text/template over the
// release's fields) and drops empty results, as GoReleaser drops empty tags.
// A template that uses anything else fails the test rather than being
// guessed at.
func render(t *testing.T, templates []string, r release) []string {
	t.Helper()
	data := map[string]any{
		"Tag": r.Tag, "Version": r.Version, "Major": r.Major, "Minor": r.Minor,
		"Patch": r.Patch, "Prerelease": r.Prerelease, "ProjectName": "image-crawler",
	}
	var out []string
	for _, s := range templates {
		tmpl, err := template.New("").Option("missingkey=error").Parse(s)
		if err != nil {
			t.Fatalf("template %q: %v", s, err)
		}
		var b strings.Builder
		if err := tmpl.Execute(&b, data); err != nil {
			t.Fatalf("template %q: %v (teach render the field)", s, err)
		}
		if v := strings.TrimSpace(b.String()); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// actionImage splits action.yml's docker://NAME:vN into NAME and N.
func actionImage(t *testing.T) (name string, major int) {
	t.Helper()
	var a actionFile
	readYAML(t, "action.yml", &a)
	if a.Runs.Using != "docker" {
		t.Fatalf("action.yml runs.using %q, want docker", a.Runs.Using)
	}
	ref, ok := strings.CutPrefix(a.Runs.Image, "docker://")
	if !ok {
		t.Fatalf("action.yml runs.image %q: want the published image (docker://...), not a Dockerfile the runner builds on every job", a.Runs.Image)
	}
	i := strings.LastIndex(ref, ":")
	m := regexp.MustCompile(`^v(0|[1-9][0-9]*)$`).FindStringSubmatch(ref[i+1:])
	if i < 0 || m == nil {
		t.Fatalf("action.yml runs.image %q: want NAME:vMAJOR, the tag each release of the major version moves", a.Runs.Image)
	}
	major, _ = strconv.Atoi(m[1])
	return ref[:i], major
}

// TestActionRunsTheReleasedImage ties action.yml to .goreleaser.yaml: the
// image the action runs is the one the release pushes, under a tag every
// release of the action's major version moves, and that a prerelease leaves
// alone.
func TestActionRunsTheReleasedImage(t *testing.T) {
	name, major := actionImage(t)
	var g goreleaserFile
	readYAML(t, ".goreleaser.yaml", &g)
	if len(g.DockersV2) != 1 {
		t.Fatalf(".goreleaser.yaml has %d dockers_v2 entries, want 1", len(g.DockersV2))
	}
	d := g.DockersV2[0]
	if !slices.Equal(d.Images, []string{name}) {
		t.Errorf(".goreleaser.yaml publishes %q, action.yml runs %q", d.Images, name)
	}

	tests := []struct {
		tag  string
		want []string // the image tags pushed
	}{
		{fmt.Sprintf("v%d.4.2", major), []string{fmt.Sprintf("%d.4.2", major), fmt.Sprintf("v%d", major)}},
		{fmt.Sprintf("v%d.0.0", major), []string{fmt.Sprintf("%d.0.0", major), fmt.Sprintf("v%d", major)}},
		{fmt.Sprintf("v%d.5.0-rc.1", major), []string{fmt.Sprintf("%d.5.0-rc.1", major)}},
		{fmt.Sprintf("v%d.0.0", major+1), []string{fmt.Sprintf("%d.0.0", major+1), fmt.Sprintf("v%d", major+1)}},
	}
	for _, tt := range tests {
		r, err := parseTag(tt.tag)
		if err != nil {
			t.Fatal(err)
		}
		if got := render(t, d.Tags, r); !slices.Equal(got, tt.want) {
			t.Errorf("release %s pushes %s:%q, want %q", tt.tag, name, got, tt.want)
		}
	}
}

// changelogRelease is one "## [X.Y.Z] - YYYY-MM-DD" heading.
var changelogRelease = regexp.MustCompile(`^## \[([0-9]+\.[0-9]+\.[0-9]+[^\]]*)\] - ([0-9]{4}-[0-9]{2}-[0-9]{2})$`)

// changelogVersions returns the released versions of CHANGELOG.md, newest
// first, checking the Keep a Changelog structure on the way: Unreleased
// first, every heading a version with a date, newest first, each with its
// link reference.
func changelogVersions(t *testing.T) []release {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root(t), "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	var headings []string
	links := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			headings = append(headings, line)
		}
		if ref, _, ok := strings.Cut(line, "]: https://"); ok && strings.HasPrefix(ref, "[") {
			links[ref[1:]] = true
		}
	}
	if len(headings) == 0 || headings[0] != "## [Unreleased]" {
		t.Fatalf("CHANGELOG.md: the first section must be ## [Unreleased], have %q", headings)
	}
	if !links["Unreleased"] {
		t.Error("CHANGELOG.md: no link reference for [Unreleased]")
	}
	var versions []release
	for _, h := range headings[1:] {
		m := changelogRelease.FindStringSubmatch(h)
		if m == nil {
			t.Errorf("CHANGELOG.md heading %q: want ## [X.Y.Z] - YYYY-MM-DD", h)
			continue
		}
		r, err := parseTag("v" + m[1])
		if err != nil {
			t.Errorf("CHANGELOG.md heading %q: %v", h, err)
			continue
		}
		if n := len(versions); n > 0 && !older(r, versions[n-1]) {
			t.Errorf("CHANGELOG.md: %s comes after %s, newest first", r.Version, versions[n-1].Version)
		}
		if !links[r.Version] {
			t.Errorf("CHANGELOG.md: no link reference for [%s]", r.Version)
		}
		versions = append(versions, r)
	}
	if len(versions) == 0 {
		t.Fatal("CHANGELOG.md has no released version")
	}
	return versions
}

// older compares release versions only; prereleases have no sections.
func older(a, b release) bool {
	return slices.Compare([]int{a.Major, a.Minor, a.Patch}, []int{b.Major, b.Minor, b.Patch}) < 0
}

// TestActionMajorVersion checks the major version action.yml runs. In the
// release workflow it is the tag's, and a release needs its CHANGELOG.md
// section; elsewhere it is the newest release's major, or the next one once
// action.yml has been moved on for the next major release.
func TestActionMajorVersion(t *testing.T) {
	_, major := actionImage(t)
	versions := changelogVersions(t)

	if tag := os.Getenv(releaseTagEnv); tag != "" {
		r, err := parseTag(tag)
		if err != nil {
			t.Fatalf("%s: %v", releaseTagEnv, err)
		}
		if r.Major != major {
			t.Errorf("releasing %s, but action.yml runs the image of major version %d: move action.yml to :v%d first", tag, major, r.Major)
		}
		if r.Prerelease == "" && !slices.ContainsFunc(versions, func(v release) bool { return v.Version == r.Version }) {
			t.Errorf("releasing %s, but CHANGELOG.md has no section ## [%s] - DATE: move Unreleased there first", tag, r.Version)
		}
		return
	}

	newest := versions[0].Major
	if major != newest && major != newest+1 {
		t.Errorf("action.yml runs major version %d; the newest release in CHANGELOG.md is %s (major %d), so want v%d or, before the next major release, v%d",
			major, versions[0].Version, newest, newest, newest+1)
	}
}

// TestReleaseBuildMatchesBuildScript holds GoReleaser's build to build.sh's:
// the same package, static, no local paths, stripped, and the tag stamped
// into the same variable the same way (build.sh stamps `git describe`,
// which on a release is the tag itself).
func TestReleaseBuildMatchesBuildScript(t *testing.T) {
	dir := root(t)
	script, err := os.ReadFile(filepath.Join(dir, "build.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`-X (\S+)=\$\{VERSION\}`).FindSubmatch(script)
	if m == nil {
		t.Fatal("build.sh: no -X VARIABLE=${VERSION} found; teach this test how it stamps the version")
	}
	stampVar := string(m[1])

	var g goreleaserFile
	readYAML(t, ".goreleaser.yaml", &g)
	if g.Version != 2 {
		t.Errorf(".goreleaser.yaml version %d, want 2", g.Version)
	}
	if len(g.Builds) != 1 {
		t.Fatalf(".goreleaser.yaml has %d builds, want 1", len(g.Builds))
	}
	b := g.Builds[0]
	if b.Main != "./cmd/image-crawler" || b.Binary != "image-crawler" {
		t.Errorf("build main %q binary %q, want ./cmd/image-crawler and image-crawler", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build env %q: want CGO_ENABLED=0, a static binary", b.Env)
	}
	if !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("build flags %q: want -trimpath", b.Flags)
	}
	r, err := parseTag("v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	ld := strings.Fields(strings.Join(render(t, b.Ldflags, r), " "))
	for _, want := range []string{"-s", "-w", stampVar + "=" + r.Tag} {
		if !slices.Contains(ld, want) {
			t.Errorf("release %s: ldflags %q lack %q", r.Tag, ld, want)
		}
	}
	if i := slices.Index(ld, stampVar+"="+r.Tag); i < 1 || ld[i-1] != "-X" {
		t.Errorf("ldflags %q: want -X %s=%s", ld, stampVar, r.Tag)
	}
	goos, goarch := slices.Sorted(slices.Values(b.Goos)), slices.Sorted(slices.Values(b.Goarch))
	if !slices.Equal(goos, []string{"darwin", "linux"}) || !slices.Equal(goarch, []string{"amd64", "arm64"}) {
		t.Errorf("builds for %q × %q, want darwin, linux × amd64, arm64", goos, goarch)
	}

	if len(g.DockersV2) != 1 {
		t.Fatalf(".goreleaser.yaml has %d dockers_v2 entries, want 1", len(g.DockersV2))
	}
	d := g.DockersV2[0]
	if !slices.Equal(d.IDs, []string{b.ID}) {
		t.Errorf("the image takes the binaries of builds %q, want [%q]", d.IDs, b.ID)
	}
	if !slices.Equal(slices.Sorted(slices.Values(d.Platforms)), []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("image platforms %q, want linux/amd64 and linux/arm64", d.Platforms)
	}
}

// dockerfile returns a Dockerfile's instructions (keyword upper cased, the
// rest as written), without comments or blank lines. It knows no line
// continuations, which these Dockerfiles do not use.
func dockerfile(t *testing.T, name string) [][2]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root(t), name))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			t.Fatalf("%s: line continuation in %q; teach dockerfile() to join lines", name, line)
		}
		instr, rest, _ := strings.Cut(line, " ")
		out = append(out, [2]string{strings.ToUpper(instr), strings.TrimSpace(rest)})
	}
	return out
}

// TestReleaseDockerfileMatchesDockerfile checks that the release image is
// the Dockerfile's final stage with GoReleaser's binary in it: the same base,
// path and entrypoint, so the action runs the same image whichever way it
// was built, and nothing compiled or run inside it.
func TestReleaseDockerfileMatchesDockerfile(t *testing.T) {
	var g goreleaserFile
	readYAML(t, ".goreleaser.yaml", &g)
	if len(g.DockersV2) != 1 || len(g.Builds) != 1 {
		t.Fatalf(".goreleaser.yaml: want one build and one dockers_v2 entry")
	}
	name := g.DockersV2[0].Dockerfile

	// The final stage of the Dockerfile: from its last FROM on.
	src := dockerfile(t, "Dockerfile")
	last := -1
	for i, in := range src {
		if in[0] == "FROM" {
			last = i
		}
	}
	if last < 0 {
		t.Fatal("Dockerfile has no FROM")
	}
	var want [][2]string
	for _, in := range src[last:] {
		if in[0] == "COPY" {
			// The release image copies the prebuilt binary of the platform
			// being built (GoReleaser's context holds <os>/<arch>/<binary>).
			dst := in[1][strings.LastIndex(in[1], " ")+1:]
			want = append(want, [2]string{"ARG", "TARGETPLATFORM"})
			in = [2]string{"COPY", "${TARGETPLATFORM}/" + g.Builds[0].Binary + " " + dst}
		}
		want = append(want, in)
	}

	if got := dockerfile(t, name); !slices.Equal(got, want) {
		t.Errorf("%s has\n%q\nwant the Dockerfile's final stage with the prebuilt binary:\n%q", name, got, want)
	}
}

// TestReleaseWorkflowRunsCheckedGoReleaser checks that the release runs the
// GoReleaser version .ci/run checks the configuration with, and gives the
// tests above the tag to check before it publishes.
func TestReleaseWorkflowRunsCheckedGoReleaser(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(root(t), ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^GORELEASER=github\.com/goreleaser/goreleaser/v2@(v\S+)$`).FindSubmatch(script)
	if m == nil {
		t.Fatal(".ci/run: no GORELEASER=github.com/goreleaser/goreleaser/v2@VERSION line")
	}
	checked := string(m[1])

	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	readYAML(t, ".github/workflows/release.yml", &wf)
	var versions []string
	tested := false
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			if strings.HasPrefix(s.Uses, "goreleaser/goreleaser-action@") {
				versions = append(versions, s.With["version"])
			}
			if strings.Contains(s.Run, "./internal/dist") && s.Env[releaseTagEnv] == "${{ github.ref_name }}" {
				tested = true
			}
		}
	}
	if !slices.Equal(versions, []string{checked}) {
		t.Errorf("release.yml runs GoReleaser %q, .ci/run checks with %s", versions, checked)
	}
	if !tested {
		t.Errorf("release.yml: no step runs ./internal/dist with %s set to the tag", releaseTagEnv)
	}
}
