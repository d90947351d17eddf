package actions

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/osism/image-crawler/internal/redact"
)

// Output is one step output, read in later steps as
// steps.<id>.outputs.<Name>.
type Output struct{ Name, Value string }

// SetOutputs appends outputs to the file GITHUB_OUTPUT names. Without
// GITHUB_OUTPUT (a runner older than file commands, or a local try with
// GITHUB_ACTIONS=true) there is nowhere to put them, and nothing is written.
func (r *Runtime) SetOutputs(outs []Output) error {
	path := r.Getenv("GITHUB_OUTPUT")
	if path == "" {
		return nil
	}
	for i := range outs {
		outs[i].Value = redact.String(outs[i].Value, r.Secrets...)
	}
	return appendFile(path, "step outputs", func(w io.Writer) error { return WriteOutputs(w, outs) })
}

// WriteOutputs writes outputs in the GITHUB_OUTPUT format: name=value, or
// for a value of several lines name<<DELIMITER, the lines, DELIMITER, with a
// random delimiter so that no line of the value can end it early.
func WriteOutputs(w io.Writer, outs []Output) error {
	var b strings.Builder
	for _, o := range outs {
		if o.Name == "" || strings.ContainsAny(o.Name, "=<\r\n") {
			return fmt.Errorf("step output name %q: must be non-empty without '=', '<' or line breaks", o.Name)
		}
		if !strings.ContainsAny(o.Value, "\r\n") {
			fmt.Fprintf(&b, "%s=%s\n", o.Name, o.Value)
			continue
		}
		delim := "ghadelimiter_" + rand.Text()
		if strings.Contains(o.Value, delim) {
			// 128 random bits: unreachable unless the value was made
			// to collide, and then it must not be written.
			return fmt.Errorf("step output %s: value contains its delimiter", o.Name)
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, o.Value, delim)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// appendFile appends to one of the runner's file-command files; the runner
// creates them, and other steps' content must stay.
func appendFile(path, what string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s to %s: %w", what, path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s to %s: %w", what, path, err)
	}
	return nil
}
