package gitrepo

import (
	"net/http"

	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/osism/image-crawler/internal/redact"
)

// go-git reads the whole body of a failed HTTP request into its error. A git
// server or proxy may answer with a huge body, or echo the request's
// Authorization header back; the transport installed here caps such bodies
// at redact.MaxErrorBody, excerpts them to one printable line and masks the
// credentials the request carried (docs/security.md).
func init() {
	c := githttp.NewClient(&http.Client{Transport: redact.CapErrorBodies(http.DefaultTransport)})
	client.InstallProtocol("https", c)
	client.InstallProtocol("http", c)
}
