package actions

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseOutputs reads a GITHUB_OUTPUT file as the runner does: name=value
// lines, and name<<DELIMITER blocks ending at a line equal to DELIMITER.
// It returns the values and the delimiters used.
func parseOutputs(t *testing.T, s string) (map[string]string, []string) {
	t.Helper()
	if s != "" && !strings.HasSuffix(s, "\n") {
		t.Fatalf("output file does not end with a newline: %q", s)
	}
	out := map[string]string{}
	var delims []string
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "" && s == "" {
			continue
		}
		eq, hd := strings.Index(line, "="), strings.Index(line, "<<")
		if eq > 0 && (hd < 0 || eq < hd) {
			out[line[:eq]] = line[eq+1:]
			continue
		}
		if hd <= 0 {
			t.Fatalf("line %d is neither name=value nor name<<DELIMITER: %q", i+1, line)
		}
		name, delim := line[:hd], line[hd+2:]
		delims = append(delims, delim)
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("output %s: delimiter %q never closes", name, delim)
		}
		out[name] = strings.Join(value, "\n")
	}
	return out, delims
}

func TestWriteOutputs(t *testing.T) {
	outs := []Output{
		{"pull-request-number", "7"},
		{"pull-request-url", "https://github.com/o/r/pull/7"},
		{"empty", ""},
		{"equals", "a=b<<c"},
		{"updates", "[\n  {\"image\": \"Ubuntu 24.04\"}\n]"},
		{"tricky", "ghadelimiter_\nEOF\n\nlast"},
	}
	var b bytes.Buffer
	if err := WriteOutputs(&b, outs); err != nil {
		t.Fatal(err)
	}
	got, delims := parseOutputs(t, b.String())
	for _, o := range outs {
		if got[o.Name] != o.Value {
			t.Errorf("%s read back as %q, want %q", o.Name, got[o.Name], o.Value)
		}
	}
	if len(got) != len(outs) {
		t.Errorf("read %d outputs, wrote %d:\n%s", len(got), len(outs), b.String())
	}
	if len(delims) != 2 || delims[0] == delims[1] || !strings.HasPrefix(delims[0], "ghadelimiter_") || len(delims[0]) < 30 {
		t.Errorf("delimiters %q: want one random delimiter per multi-line value", delims)
	}
	if !strings.Contains(b.String(), "pull-request-number=7\n") {
		t.Errorf("a single-line value is not written as name=value:\n%s", b.String())
	}
}

func TestWriteOutputsRejectsBadNames(t *testing.T) {
	for _, name := range []string{"", "a=b", "a<<b", "a\nb"} {
		if err := WriteOutputs(&bytes.Buffer{}, []Output{{name, "v"}}); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
}

func TestSetOutputsAppendsAndRedacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "output")
	if err := os.WriteFile(path, []byte("earlier-step=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Detect(envOf(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": path}))
	r.Secrets = []string{"ghs_SECRETvalue"}
	if err := r.SetOutputs([]Output{{"failures", "1"}, {"error", "push https://x:ghs_SECRETvalue@github.com/o/r\ndenied"}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got, _ := parseOutputs(t, string(data))
	if got["earlier-step"] != "1" || got["failures"] != "1" {
		t.Errorf("outputs %v", got)
	}
	if strings.Contains(string(data), "ghs_SECRETvalue") || got["error"] != "push https://***@github.com/o/r\ndenied" {
		t.Errorf("secret not redacted: %q", got["error"])
	}

	// Without GITHUB_OUTPUT there is nowhere to write: no error, no file.
	r = Detect(envOf(map[string]string{"GITHUB_ACTIONS": "true"}))
	if err := r.SetOutputs([]Output{{"failures", "0"}}); err != nil {
		t.Fatal(err)
	}
	// A path that cannot be written is an error that says what it was for.
	r = Detect(envOf(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": filepath.Join(t.TempDir(), "missing", "output")}))
	if err := r.SetOutputs([]Output{{"failures", "0"}}); err == nil || !strings.Contains(err.Error(), "step outputs") {
		t.Errorf("error %v", err)
	}
}
