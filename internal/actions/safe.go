package actions

import (
	"bytes"
	"io"
	"sync"
)

// SafeWriter keeps text printed in Actions from being read as a workflow
// command. The runner executes every output line that starts, after leading
// white space, with "::" (::error, ::add-mask::, ::stop-commands::) or "##[";
// a catalog file name, a YAML key or a remote error holding a newline would
// otherwise let whoever wrote it forge or hide annotations. Such a line is
// printed with its first character percent-encoded ("%3A:error::...",
// "%23#[..."), the escaping the runner itself uses for command data.
//
// Commands this package writes (Command, Error, AddMask, ...) to a SafeWriter
// go out as they are. Each Write goes to the underlying writer in one Write,
// so a redacting writer below still sees whole lines.
type SafeWriter struct {
	mu      sync.Mutex
	w       io.Writer
	atStart bool   // the next byte begins a line
	pending []byte // the start of a line not yet known to be safe
}

// NewSafeWriter returns a SafeWriter writing to w.
func NewSafeWriter(w io.Writer) *SafeWriter { return &SafeWriter{w: w, atStart: true} }

// Write implements io.Writer. It reports len(p) on success.
func (s *SafeWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]byte, 0, len(p)+len(s.pending)+8)
	for _, c := range p {
		if !s.atStart {
			out = append(out, c)
			s.atStart = c == '\n'
			continue
		}
		s.pending = append(s.pending, c)
		rest := bytes.TrimLeft(s.pending, " \t\r\v\f")
		switch {
		case bytes.HasPrefix(rest, []byte("::")) || bytes.HasPrefix(rest, []byte("##[")):
			lead := s.pending[:len(s.pending)-len(rest)]
			esc := "%3A"
			if rest[0] == '#' {
				esc = "%23"
			}
			out = append(out, lead...)
			out = append(out, esc...)
			out = append(out, rest[1:]...)
			s.pending, s.atStart = s.pending[:0], false
		case c == '\n':
			out = append(out, s.pending...)
			s.pending = s.pending[:0]
		case len(rest) == 0, string(rest) == ":", string(rest) == "#", string(rest) == "##":
			// Not decided yet.
		default:
			out = append(out, s.pending...)
			s.pending, s.atStart = s.pending[:0], false
		}
	}
	if len(out) > 0 {
		if _, err := s.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes out the start of a line held back to decide whether it is
// safe (at most some white space and two characters).
func (s *SafeWriter) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return nil
	}
	_, err := s.w.Write(s.pending)
	s.pending = s.pending[:0]
	return err
}

// writeCommand writes one whole command line unescaped, after ending any
// line in progress so that the command starts a line of its own.
func (s *SafeWriter) writeCommand(line string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []byte
	if !s.atStart || len(s.pending) > 0 {
		out = append(out, s.pending...)
		out = append(out, '\n')
	}
	s.pending, s.atStart = s.pending[:0], true
	_, err := s.w.Write(append(out, line...))
	return err
}
