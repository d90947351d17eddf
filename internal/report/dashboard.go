package report

import "time"

// Dashboard is what a run did with the dashboard issue (--dashboard).
type Dashboard struct {
	Number    int    `json:"number"`
	URL       string `json:"url"`
	Operation string `json:"operation"` // created, updated, closed, none
	// Failing are the images failing now, with the time the dashboard first
	// saw each fail.
	Failing []Failing `json:"failing"`
}

// Failing is an image failing since Since.
type Failing struct {
	Image string    `json:"image"`
	Since time.Time `json:"since"`
}
