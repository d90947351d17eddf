package actions

import (
	"io"
	"strconv"
	"strings"
)

// Workflow commands are lines the runner reads from a step's stdout and
// stderr: ::name key=value,key=value::message. Their escaping is the one
// of @actions/core: the message cannot hold a raw newline (which would end
// the command and let the rest of the text start a command of its own), and
// a property value cannot hold the ':' and ',' that delimit properties.

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// EscapeData escapes a workflow command's message.
func EscapeData(s string) string { return dataEscaper.Replace(s) }

// EscapeProperty escapes the value of a workflow command's property.
func EscapeProperty(s string) string { return propertyEscaper.Replace(s) }

// Property is one key=value of a workflow command; empty values are left out.
type Property struct{ Key, Value string }

// Command writes one workflow command line to w.
func Command(w io.Writer, name string, props []Property, message string) error {
	var b strings.Builder
	b.WriteString("::")
	b.WriteString(name)
	sep := " "
	for _, p := range props {
		if p.Value == "" {
			continue
		}
		b.WriteString(sep)
		b.WriteString(p.Key)
		b.WriteString("=")
		b.WriteString(EscapeProperty(p.Value))
		sep = ","
	}
	b.WriteString("::")
	b.WriteString(EscapeData(message))
	b.WriteString("\n")
	// One Write per command: a redacting writer redacts per Write, and
	// the runner reads whole lines.
	if sw, ok := w.(*SafeWriter); ok {
		return sw.writeCommand(b.String())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// AddMask makes the runner replace value with *** in every later log line.
// It must be the first thing printed that could contain value.
func AddMask(w io.Writer, value string) error {
	if value == "" {
		return nil
	}
	return Command(w, "add-mask", nil, value)
}

// Group starts a collapsible group of log lines titled title.
func Group(w io.Writer, title string) error { return Command(w, "group", nil, title) }

// EndGroup ends the group Group started.
func EndGroup(w io.Writer) error { return Command(w, "endgroup", nil, "") }

// Annotation is an error or warning shown on the run's page and,
// with a file, on the pull request's changed lines.
type Annotation struct {
	Title   string
	File    string // path relative to the repository root
	Line    int    // 1-based; 0 for none
	Message string
}

func (a Annotation) props() []Property {
	line := ""
	if a.Line > 0 {
		line = strconv.Itoa(a.Line)
	}
	return []Property{{"title", a.Title}, {"file", a.File}, {"line", line}}
}

// Error writes an error annotation.
func Error(w io.Writer, a Annotation) error { return Command(w, "error", a.props(), a.Message) }

// Warning writes a warning annotation.
func Warning(w io.Writer, a Annotation) error { return Command(w, "warning", a.props(), a.Message) }
