package report

// Interrupted is a run that was cancelled (SIGINT, SIGTERM) or ran out of
// time (--timeout): what stopped it, in which phase, and the images it did
// not get to. Such a run publishes nothing it had not published before the
// interruption (docs/operations.md).
type Interrupted struct {
	// Reason is "SIGINT", "SIGTERM" or "timeout".
	Reason string `json:"reason"`
	// Phase is what the run was doing: "starting", "crawling", "rendering"
	// or "publishing".
	Phase string `json:"phase"`
	// NotReached are the images the run did not finish crawling, in the
	// sources file's order.
	NotReached []string `json:"not_reached"`
}

// Unpublished says every changed file was left unwritten: a run that
// stopped before it wrote or pushed anything.
func (r *Report) Unpublished() {
	r.Written = []string{}
	r.NotWritten = append([]string{}, r.Files...)
	r.Pushed = false
}
