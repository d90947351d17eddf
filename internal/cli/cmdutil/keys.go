package cmdutil

import "github.com/osism/image-crawler/internal/source"

// checkKeys checks the keys of the images this run crawls, and none with
// --signatures off: parsing keys (RSA self-signatures) is most of the cost
// of starting a run, and a key no image of the run verifies with cannot
// matter to it. Before the first request the key files are only looked at;
// a file that is no public key at all is still a usage error then. The
// full parse runs beside the crawl, and wait (nil when there is nothing to
// check) says how it went: the run stops with a usage error before it
// writes anything (bot.Options.KeysChecked).
func checkKeys(src *source.File, only []string, signatures source.SignaturePolicy) (wait func() error, err error) {
	if signatures.Off() {
		return nil, nil
	}
	imgs, err := src.Select(only)
	if err != nil {
		return nil, nil // the run reports a bad --only as it always did
	}
	var verified []source.Image
	for _, img := range imgs {
		if signatures.Verifies(img) {
			verified = append(verified, img)
		}
	}
	if len(verified) == 0 {
		return nil, nil
	}
	return source.CheckKeysBeside(verified)
}
