package dist

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// maxBinary keeps the image under 25 MB: distroless/static adds about 2 MB
// to the binary, and the rest is margin.
const maxBinary = 22_000_000

// root is the repository root, two levels above this package.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repository root not found: %v", err)
	}
	return dir
}

func TestBuildScriptMakesStaticStampedBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs build.sh (about a minute without a warm build cache; .ci/run warms it)")
	}
	dir := root(t)
	bin := filepath.Join(t.TempDir(), "image-crawler")
	const version = "v0.0.0-dist-test"
	cmd := exec.Command(filepath.Join(dir, "build.sh"))
	cmd.Env = append(os.Environ(), "OUT="+bin, "VERSION="+version)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("the build is not an ELF binary: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a PT_INTERP header: it is dynamically linked (CGO_ENABLED=0 missing?)")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v (%v); the final image has none", libs, err)
	}
	if f.Section(".symtab") != nil {
		t.Error("the binary has a symbol table: -ldflags -s missing")
	}

	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("binary size %d bytes (%.1f MB), budget %d", fi.Size(), float64(fi.Size())/1e6, maxBinary)
	if fi.Size() > maxBinary {
		t.Errorf("the binary is %d bytes, over the %d byte budget that keeps the image under 25 MB", fi.Size(), maxBinary)
	}

	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(dir+"/")) {
		t.Errorf("the binary holds the build path %s: -trimpath missing", dir)
	}

	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "image-crawler "+version+" ") {
		t.Fatalf("%s version: %v\n%s", bin, err, out)
	}
}

// TestDockerfileRunsBuildScript holds the Dockerfile to what the test above
// checks: its build stage compiles through build.sh and nothing else, and
// the final stage is the minimal image with the binary as entrypoint.
func TestDockerfileRunsBuildScript(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var runs, froms []string
	var entrypoint, copyBin string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "RUN":
			runs = append(runs, rest)
		case "FROM":
			froms = append(froms, rest)
		case "ENTRYPOINT":
			entrypoint = rest
		case "COPY":
			if strings.HasPrefix(rest, "--from=build ") {
				copyBin = rest
			}
		}
	}
	want := []string{"go mod download", `VERSION="$VERSION" ./build.sh`}
	if strings.Join(runs, "\n") != strings.Join(want, "\n") {
		t.Errorf("RUN instructions %q, want exactly %q: the image must be built the way CI builds and tests", runs, want)
	}
	if len(froms) != 2 || !strings.HasPrefix(froms[0], "golang:1.26 ") || froms[1] != "gcr.io/distroless/static-debian12" {
		t.Errorf("stages %q: want a golang:1.26 build stage and gcr.io/distroless/static-debian12", froms)
	}
	if copyBin != "--from=build /src/dist/image-crawler /usr/local/bin/image-crawler" {
		t.Errorf("COPY of the binary: %q", copyBin)
	}
	var ep []string
	if err := json.Unmarshal([]byte(entrypoint), &ep); err != nil || len(ep) != 1 || ep[0] != "/usr/local/bin/image-crawler" {
		t.Errorf("ENTRYPOINT %s: want the binary in exec form (the image has no shell)", entrypoint)
	}
}

// TestDockerignoreKeepsWhatTheBuildNeeds checks that the build context,
// which .dockerignore narrows to a list of directories, holds every package
// and embedded file of the binary; a new top-level directory would otherwise
// break only the Docker build, which no test here runs.
func TestDockerignoreKeepsWhatTheBuildNeeds(t *testing.T) {
	dir := root(t)
	data, err := os.ReadFile(filepath.Join(dir, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var keep, drop []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || line == "*":
		case strings.HasPrefix(line, "!"):
			keep = append(keep, strings.TrimPrefix(line, "!"))
		case line == "**/testdata/" || line == "**/*_test.go":
			drop = append(drop, line)
		default:
			t.Fatalf(".dockerignore pattern %q: teach kept below what it means", line)
		}
	}
	for _, f := range []string{"go.mod", "go.sum", "build.sh"} {
		if !slices.Contains(keep, f) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", f)
		}
	}
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if .Module}}{{if .Module.Main}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{range .EmbedFiles}} {{.}}{{end}}{{end}}{{end}}", "./cmd/image-crawler")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkgDir, err := filepath.Rel(dir, fields[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields[1:] {
			rel := filepath.ToSlash(filepath.Join(pkgDir, f))
			n++
			if !kept(rel, keep, drop) {
				t.Errorf("%s is part of the binary but not of the Docker build context (.dockerignore)", rel)
			}
		}
	}
	if n < 10 {
		t.Fatalf("go list found only %d files of the binary:\n%s", n, out)
	}
}

// kept applies the patterns the way .dockerignore has them: everything is
// dropped, the directories listed with ! come back, and then testdata and
// test files go again.
func kept(rel string, keep, drop []string) bool {
	in := false
	for _, k := range keep {
		if rel == k || (strings.HasSuffix(k, "/") && strings.HasPrefix(rel, k)) {
			in = true
		}
	}
	for _, d := range drop {
		switch d {
		case "**/testdata/":
			if strings.Contains("/"+rel, "/testdata/") {
				in = false
			}
		case "**/*_test.go":
			if strings.HasSuffix(rel, "_test.go") {
				in = false
			}
		}
	}
	return in
}
