package bot

import (
	"context"
	"runtime"
	"sync"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// crawlBeside is crawlAll with what the crawl does not need done beside it,
// once the first requests are under way (Options.Started is told then): the
// keys checked (Options.KeysChecked) and the templates loaded
// (Options.LoadTemplates). Either failing stops the crawl, and the run,
// with a usage error; the images it cut short are no failures of theirs.
//
// Until both have passed, the crawl's progress is held back: a run they
// stop says only why, whichever came first, the answers or the check
// (docs/operations.md). They take a few milliseconds, a request tens.
func (c *Crawled) crawlBeside(ctx context.Context, o *Options, imgs []source.Image) ([]upstream.Outcome, error) {
	var beside []func() error
	if o.KeysChecked != nil {
		beside = append(beside, o.KeysChecked)
	}
	if o.Templates == nil && o.LoadTemplates != nil {
		beside = append(beside, func() error {
			tpl, err := o.LoadTemplates()
			// Read by the render step, after the crawl has waited for this.
			o.Templates = tpl
			return err
		})
	}
	if len(beside) == 0 && o.Started == nil {
		return c.crawlAll(ctx, o, imgs)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	held := &heldProgress{p: o.Progress}
	if len(beside) > 0 && o.Progress != nil {
		o.Progress = held.report
		defer func() { o.Progress = held.p }()
	} else {
		held.open()
	}
	errs := make(chan error, len(beside))
	done := make(chan error, 1)
	var once sync.Once
	start := func() {
		once.Do(func() {
			if o.Started != nil {
				o.Started()
			}
			for _, f := range beside {
				go func() {
					// The crawl's goroutines, just started, go first:
					// sending the first requests takes little, and
					// neither keys nor templates are needed before
					// answers come back.
					runtime.Gosched()
					err := f()
					if err != nil {
						cancel()
					}
					errs <- err
				}()
			}
			go func() {
				var first error
				for range beside {
					if e := <-errs; e != nil && first == nil {
						first = e
					}
				}
				if first != nil {
					held.drop()
				} else {
					held.open()
				}
				done <- first
			}()
		})
	}
	c.inFlight = start
	outcomes, err := c.crawlAll(ctx, o, imgs)
	start() // crawlAll ended before its crawl started
	if besideErr := <-done; besideErr != nil {
		return nil, &UsageError{besideErr}
	}
	return outcomes, err
}

// heldProgress passes the crawl's progress on once open, what came before
// first, in order; dropped, it passes nothing on.
type heldProgress struct {
	p upstream.Progress

	mu    sync.Mutex
	state int // 0 holding, 1 open, 2 dropped
	held  []heldCall
}

type heldCall struct {
	done, total int
	o           upstream.Outcome
}

func (h *heldProgress) report(done, total int, oc upstream.Outcome) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch h.state {
	case 0:
		h.held = append(h.held, heldCall{done, total, oc})
	case 1:
		h.p(done, total, oc)
	}
}

func (h *heldProgress) open() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state = 1
	if h.p != nil {
		for _, c := range h.held {
			h.p(c.done, c.total, c.o)
		}
	}
	h.held = nil
}

func (h *heldProgress) drop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state, h.held = 2, nil
}
