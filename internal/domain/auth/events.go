package auth

import (
	"context"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/events"
)

// AccountChanged announces, after commit, that an account's standing
// changed as a whole (its status, such as LOCKED), so that every replica
// re-checks the account's open connections at once instead of at their next
// operation. Whatever changes an account's status calls it; revoking
// sessions needs no call, since revoke announces each session.
func (s *Service) AccountChanged(ctx context.Context, id pulid.ID) {
	s.viewers.dropAccount(id)
	s.publish(ctx, events.Event{Topic: events.TopicAccount, ID: string(id), At: s.now()})
}
