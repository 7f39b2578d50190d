// Package events is the event bus: after a status change is committed, the code that made
// it publishes the id and the new status; subscribers (GraphQL subscriptions, the policy
// reloader) re-read what they show.
//
// Events carry no personal data and no state worth trusting: a subscriber that receives
// TopicResync may have missed events and must re-read everything it shows. Two buses
// exist: Local, in one process (single instance, SQLite), and Postgres, which carries
// events between replicas over LISTEN/NOTIFY.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Topics used by the product.
const (
	// TopicRegistration: a desk case changed; ID is the registration id, Status its new state.
	TopicRegistration = "registration"
	// TopicSMS: an SMS message changed; ID is the SMS message id, Status its new status.
	TopicSMS = "sms"
	// TopicPolicy: grants changed; every replica reloads its Casbin policy.
	TopicPolicy = "policy"
	// TopicSession: a session was revoked; ID is the session id.
	TopicSession = "session"
	// TopicAccount: an account's standing changed as a whole (its status,
	// such as LOCKED); ID is the account id. Open connections of the account
	// re-check their session at once.
	TopicAccount = "account"
	// TopicResync is delivered to every subscriber, whatever topics it asked for, when it
	// may have missed events (the bus lost its database connection, or the subscriber fell
	// behind): re-read the state.
	TopicResync = "resync"
)

// MaxEncodedSize is the largest encoded event, in bytes: PostgreSQL's NOTIFY payload must
// be shorter than 8000 bytes. Local enforces it too, so code that works on one bus works
// on the other.
const MaxEncodedSize = 7999

// ErrClosed is returned by a bus that was closed.
var ErrClosed = errors.New("events: bus closed")

// Event says that something changed. It holds ids and statuses only, never personal data.
type Event struct {
	Topic  string    `json:"topic"`
	ID     string    `json:"id,omitempty"`
	Status string    `json:"status,omitempty"`
	At     time.Time `json:"at,omitzero"` // when the change was committed, by the publisher's clock; zero on resync
}

// Bus publishes events and fans them out to subscribers.
type Bus interface {
	// Publish sends e to every subscriber of e.Topic. Call it after the change is committed.
	// It never waits for subscribers.
	Publish(ctx context.Context, e Event) error
	// Subscribe returns a channel of the events of the given topics (all topics when none
	// are given) plus TopicResync. The channel is closed when ctx is done or the bus is
	// closed. A subscriber that falls behind loses buffered events and gets TopicResync.
	Subscribe(ctx context.Context, topics ...string) (<-chan Event, error)
	// Close closes every subscription and releases the bus's resources.
	Close() error
}

// encode checks e and returns its wire form.
func encode(e Event) ([]byte, error) {
	if e.Topic == "" {
		return nil, errors.New("events: publish: empty topic")
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("events: encode: %w", err)
	}
	if len(b) > MaxEncodedSize {
		return nil, fmt.Errorf("events: publish %s: encoded event is %d bytes, limit %d: publish ids, not data", e.Topic, len(b), MaxEncodedSize)
	}
	return b, nil
}

func decode(b []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(b, &e); err != nil {
		return Event{}, fmt.Errorf("events: decode: %w", err)
	}
	if e.Topic == "" {
		return Event{}, errors.New("events: decode: empty topic")
	}
	return e, nil
}
