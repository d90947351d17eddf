package gitrepo

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing/object"
)

func TestCommittedBy(t *testing.T) {
	bot := Identity{Name: "image-crawler", Email: "bot@example.org"}
	sig := "-----BEGIN PGP SIGNATURE-----\n=x\n-----END PGP SIGNATURE-----"
	who := func(email string) object.Signature { return object.Signature{Name: "x", Email: email} }
	tests := []struct {
		name string
		c    object.Commit
		want bool
	}{
		{"the bot commits", object.Commit{Author: who("bot@example.org"), Committer: who("BOT@example.org")}, true},
		{"the bot commits for another author", object.Commit{Author: who("team@example.org"), Committer: who("bot@example.org")}, true},
		{"GitHub signs the bot's commit", object.Commit{Author: who("bot@example.org"), Committer: who(GitHubCommitterEmail), PGPSignature: sig}, true},
		{"GitHub without a signature", object.Commit{Author: who("bot@example.org"), Committer: who(GitHubCommitterEmail)}, false},
		{"a person in the web editor", object.Commit{Author: who("jane@example.org"), Committer: who(GitHubCommitterEmail), PGPSignature: sig}, false},
		{"a person", object.Commit{Author: who("bot@example.org"), Committer: who("jane@example.org")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := committedBy(&tt.c, bot); got != tt.want {
				t.Fatalf("committedBy %v, want %v", got, tt.want)
			}
		})
	}
}
