package cmdutil

import "github.com/osism/image-crawler/internal/source"

// checkKeys parses the keys of the images this run crawls, and none with
// --signatures off: parsing keys (RSA self-signatures) is most of the cost
// of starting a run, and a key no image of the run verifies with cannot
// matter to it. A broken key of a crawled image is still a usage error,
// before any request.
func checkKeys(src *source.File, only []string, signatures source.SignaturePolicy) error {
	if signatures.Off() {
		return nil
	}
	imgs, err := src.Select(only)
	if err != nil {
		return nil // the run reports a bad --only as it always did
	}
	var verified []source.Image
	for _, img := range imgs {
		if signatures.Verifies(img) {
			verified = append(verified, img)
		}
	}
	return source.CheckKeys(verified)
}
