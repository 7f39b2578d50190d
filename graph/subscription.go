package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/rules/refusal"
)

// endSubscription returns the onEnd of a subscription's stream: when the
// server ends it (session revoked, scope withdrawn, fell behind), the
// client gets an error message with the refusal's code instead of a plain
// complete, so that it knows to resubscribe or sign in again.
func endSubscription(ctx context.Context) func(*refusal.Error) {
	lang := requestinfo.FromContext(ctx).Lang
	return func(r *refusal.Error) {
		err := &gqlerror.Error{
			Message:    r.Message(lang),
			Extensions: map[string]any{"code": string(r.Code)},
		}
		// Our WebSocket transport (server) takes the error through its
		// Pusher; gqlgen's gives ctx a place for it. Should another
		// transport ever run one, the stream still ends (plainly) instead
		// of taking the feed down.
		if p := events.PusherFrom(ctx); p != nil {
			p.Fail(err)
			return
		}
		defer func() { _ = recover() }()
		transport.AddSubscriptionError(ctx, err)
	}
}
