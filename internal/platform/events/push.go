package events

import "context"

// Pusher is how a WebSocket transport takes the items of a subscription
// straight from the feed that produces them (docs/PERFORMANCE.md, S6): no
// goroutine per subscriber reads a channel, and the transport can encode an
// item once for every subscriber that asked for the same selection. The
// transport puts one in the context of a subscription's root resolver; a
// feed that can push calls Claim, and from then on hands items to Push
// instead of sending them on the channel it returned, which it only closes.
type Pusher interface {
	// Claim reports whether the feed may push; false means it uses its
	// channel as usual.
	Claim() bool
	// Push hands one item over, in the feed's goroutine and order. It never
	// blocks; false means the subscriber cannot take it (its socket is too
	// far behind) and the feed ends the subscription.
	Push(item any) bool
	// Close says that the feed ends the subscription and pushes no more.
	Close()
	// Fail records the error the subscription ends with (an error message
	// to the client instead of a plain complete); pushed or not.
	Fail(err error)
}

type pusherKey struct{}

// WithPusher returns ctx carrying p.
func WithPusher(ctx context.Context, p Pusher) context.Context {
	return context.WithValue(ctx, pusherKey{}, p)
}

// PusherFrom returns the Pusher of ctx, nil when there is none.
func PusherFrom(ctx context.Context) Pusher {
	p, _ := ctx.Value(pusherKey{}).(Pusher)
	return p
}
