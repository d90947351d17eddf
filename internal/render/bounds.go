package render

import (
	"errors"
	"fmt"
	"sync"

	"github.com/nikolalohinski/gonja/v2/builtins"
	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// Bounds on one rendering, so that a template cannot exhaust the machine
// (docs/security.md): a catalog entry is a few kilobytes made by a few loops
// over a handful of versions.
const (
	// MaxDepth is how deeply includes, imports, extends and macro calls
	// may nest: a template including itself or a recursive macro stops
	// here, instead of overflowing the stack.
	MaxDepth = 32
	// MaxSteps is how many tags (if, for, set, include, macro calls, ...)
	// one rendering may execute: nested loops stop here.
	MaxSteps = 100_000
	// MaxRange is the most numbers range() may yield in one rendering,
	// all calls together.
	MaxRange = 100_000
	// MaxOutput is the most bytes one rendering may write.
	MaxOutput = 1 << 20
	// MaxFilterArg is the largest number a filter argument may be (the
	// width of center, indent, truncate, wordwrap, ...).
	MaxFilterArg = 10_000
)

// ErrLimit is wrapped by every error of a rendering that went past a bound.
var ErrLimit = errors.New("template limit exceeded")

// budget is what one rendering has spent. A Renderer renders one entry at a
// time (Entry holds its lock), so one budget serves all its templates.
type budget struct {
	mu    sync.Mutex
	depth int
	steps int
	rng   int
	out   *limitWriter
	// parseDepth is how deeply tags nest while templates are parsed.
	parseDepth int
	// err is the first bound the rendering went past. gonja flattens the
	// errors it passes up into text; this one is returned as it is, and
	// every later step fails at once.
	err error
}

// result is the rendering's outcome: a limit error first, as it is.
func (b *budget) result(err error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	return err
}

func (b *budget) reset(w *limitWriter) {
	b.depth, b.steps, b.rng, b.out, b.err = 0, 0, 0, w, nil
}

// fail records err as the rendering's first limit error and returns it.
func (b *budget) fail(err error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
	return b.err
}

// enter counts one tag or call, one level deeper.
func (b *budget) enter(what string) error {
	b.steps++
	b.depth++
	switch {
	case b.err != nil:
		return b.err
	case b.depth > MaxDepth:
		return b.fail(fmt.Errorf("%w: %s nests deeper than %d levels (a template including itself, or a recursive macro?)", ErrLimit, what, MaxDepth))
	case b.steps > MaxSteps:
		return b.fail(fmt.Errorf("%w: more than %d steps", ErrLimit, MaxSteps))
	case b.out != nil && b.out.n > MaxOutput:
		return b.fail(fmt.Errorf("%w: output larger than %d bytes", ErrLimit, MaxOutput))
	}
	return nil
}

func (b *budget) leave() { b.depth-- }

// limitWriter fails once more than MaxOutput bytes were written.
type limitWriter struct {
	buf []byte
	n   int
	b   *budget
}

func (w *limitWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n > MaxOutput {
		return 0, w.b.fail(fmt.Errorf("%w: output larger than %d bytes", ErrLimit, MaxOutput))
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// boundedStructures are gonja's control structures, each counted against b.
func boundedStructures(b *budget) *exec.ControlStructureSet {
	m := map[string]parser.ControlStructureParser{}
	for _, name := range []string{"autoescape", "block", "extends", "filter", "for", "from", "if", "import", "include",
		"macro", "raw", "set", "with", "do", "break", "continue", "trans", "call"} {
		p, ok := builtins.ControlStructures.Get(name)
		if !ok {
			continue
		}
		m[name] = func(pp *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
			// extends, include and import read their template while
			// parsing: a template extending itself recurses here.
			b.mu.Lock()
			b.parseDepth++
			deep := b.parseDepth > MaxDepth
			b.mu.Unlock()
			defer func() {
				b.mu.Lock()
				b.parseDepth--
				b.mu.Unlock()
			}()
			if deep {
				return nil, b.fail(fmt.Errorf("%w: %s nests deeper than %d levels while parsing (a template extending or including itself?)", ErrLimit, name, MaxDepth))
			}
			cs, err := p(pp, args)
			if err != nil {
				return nil, err
			}
			ecs, ok := cs.(exec.ControlStructure)
			if !ok {
				return cs, nil
			}
			return &boundedStructure{ControlStructure: ecs, name: name, b: b}, nil
		}
	}
	return exec.NewControlStructureSet(m)
}

type boundedStructure struct {
	exec.ControlStructure
	name string
	b    *budget
}

func (s *boundedStructure) Execute(r *exec.Renderer, tag *nodes.ControlStructureBlock) error {
	defer s.b.leave()
	if err := s.b.enter(s.name); err != nil {
		return err
	}
	if err := s.ControlStructure.Execute(r, tag); err != nil {
		return err
	}
	// A macro is defined, or imported by from ... import, as a function in
	// the context: wrap it so that each call counts, and recursion stops at
	// MaxDepth.
	switch cs := s.ControlStructure.(type) {
	case *controlStructures.MacroControlStructure:
		s.b.wrapMacro(r, cs.Name)
	case *controlStructures.FromImportControlStructure:
		for alias := range cs.As {
			s.b.wrapMacro(r, alias)
		}
	}
	return nil
}

// wrapMacro counts every call of the macro named name against b.
func (b *budget) wrapMacro(r *exec.Renderer, name string) {
	v, ok := r.Environment.Context.Get(name)
	if !ok {
		return
	}
	m, ok := v.(exec.Macro)
	if !ok {
		return
	}
	r.Environment.Context.Set(name, exec.Macro(func(params *exec.VarArgs) *exec.Value {
		defer b.leave()
		if err := b.enter("macro " + name); err != nil {
			return exec.AsValue(err)
		}
		return m(params)
	}))
}

// boundedRange is range() counted against b: range(300000000) would
// otherwise loop for minutes.
func boundedRange(b *budget) func(*exec.Evaluator, *exec.VarArgs) ([]int, error) {
	return func(_ *exec.Evaluator, params *exec.VarArgs) ([]int, error) {
		start, stop, step := 0, 0, 1
		ints := make([]int, len(params.Args))
		for i, a := range params.Args {
			if !a.IsInteger() {
				return nil, errors.New("range: want integer arguments")
			}
			ints[i] = a.Integer()
		}
		switch len(ints) {
		case 1:
			stop = ints[0]
		case 2:
			start, stop = ints[0], ints[1]
		case 3:
			start, stop, step = ints[0], ints[1], ints[2]
		default:
			return nil, errors.New("range: want [start, ]stop[, step]")
		}
		if step == 0 {
			return nil, errors.New("range: step cannot be 0")
		}
		n := 0
		if step > 0 && stop > start {
			n = (stop - start + step - 1) / step
		} else if step < 0 && start > stop {
			n = (start - stop - step - 1) / -step
		}
		b.mu.Lock()
		b.rng += n
		over := b.rng > MaxRange
		b.mu.Unlock()
		if n < 0 || over {
			return nil, b.fail(fmt.Errorf("%w: range() yields more than %d numbers in one rendering", ErrLimit, MaxRange))
		}
		out := make([]int, 0, n)
		for i, v := 0, start; i < n; i, v = i+1, v+step {
			out = append(out, v)
		}
		return out, nil
	}
}

// boundedFilter refuses numeric arguments above MaxFilterArg: the width of
// center or indent is what makes "x"|center(2000000000) cost gigabytes.
func boundedFilter(b *budget, name string, fn exec.FilterFunction) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		args := append([]*exec.Value{}, params.Args...)
		for _, v := range params.KwArgs {
			args = append(args, v)
		}
		for _, a := range args {
			if (a.IsInteger() || a.IsFloat()) && (a.Float() > MaxFilterArg || a.Float() < -MaxFilterArg) {
				return exec.AsValue(b.fail(fmt.Errorf("%w: filter %s: argument %s is larger than %d", ErrLimit, name, a.String(), MaxFilterArg)))
			}
		}
		return fn(e, in, params)
	}
}

// checkSource refuses the operators * and ** in a template: "x" * 2000000000
// builds a 2 GB string before anything can stop it, and a catalog entry
// needs no arithmetic. The error names the file and line.
func checkSource(name, src string) error {
	cfg := newConfig()
	for st := tokens.LexAll(src, cfg); !st.End(); st.Next() {
		if t := st.Current(); t.Type == tokens.Multiply || t.Type == tokens.Power {
			return fmt.Errorf("%s:%d: the operator %s is not allowed in templates (docs/security.md)", name, t.Line, t.Val)
		}
	}
	return nil
}
