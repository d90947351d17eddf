package upstream

import (
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
)

// testClient keeps back-offs tiny so that tests of retried requests stay fast.
func testClient(o httpclient.Options) *httpclient.Client {
	if o.Backoff == 0 {
		o.Backoff = time.Millisecond
	}
	return httpclient.NewClient(o)
}
