// Package fakes holds the test doubles of platform services that several
// domain packages' tests need: an SMS outbox and a recording event bus.
package fakes

import (
	"context"
	"regexp"
	"sync"
	"testing"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// Outbox is a fake smsqueue.Outbox: it writes the SMSMessage row in the
// caller's transaction, as the real queue does, and records a message once
// that transaction commits (a rolled-back message is never sent). The zero
// value is ready to use.
type Outbox struct {
	mu   sync.Mutex
	sent []smsqueue.Outgoing
}

var _ smsqueue.Outbox = (*Outbox)(nil)

// Enqueue stores m in tx and records it when tx commits.
func (o *Outbox) Enqueue(ctx context.Context, tx *store.Tx, m smsqueue.Outgoing) (*ent.SMSMessage, error) {
	msg, err := tx.Client.SMSMessage.Create().
		SetKind(m.Kind).SetPhone(m.Phone).SetBodySealed([]byte(m.Body)).
		SetNillableSendBefore(m.SendBefore).SetNillableRegistrationID(m.RegistrationID).
		SetNillableAccountID(m.AccountID).SetOfficerID(m.OfficerID).SetUnitPath(m.UnitPath).
		Save(viewer.System(ctx))
	if err != nil {
		return nil, err
	}
	tx.OnCommit(func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.sent = append(o.sent, m)
	})
	return msg, nil
}

// All is every committed message, oldest first.
func (o *Outbox) All() []smsqueue.Outgoing {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]smsqueue.Outgoing(nil), o.sent...)
}

// Of is the committed messages of kind, oldest first.
func (o *Outbox) Of(kind sms.Kind) []smsqueue.Outgoing {
	var out []smsqueue.Outgoing
	for _, m := range o.All() {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// Last is the last committed message; it fails the test when there is none.
func (o *Outbox) Last(t testing.TB) smsqueue.Outgoing {
	t.Helper()
	all := o.All()
	if len(all) == 0 {
		t.Fatal("no SMS was enqueued")
	}
	return all[len(all)-1]
}

var (
	codeInSMS     = regexp.MustCompile(`\b(\d{6})\b`)
	passwordInSMS = regexp.MustCompile(`mat khau(?: moi cua ban la|:) (\S+) \(`)
)

// LastCode is the six-digit code in the last message.
func (o *Outbox) LastCode(t testing.TB) string {
	t.Helper()
	return find(t, codeInSMS, "code", o.Last(t).Body)
}

// LastCodeOf is the six-digit code in the last message of kind.
func (o *Outbox) LastCodeOf(t testing.TB, kind sms.Kind) string {
	t.Helper()
	msgs := o.Of(kind)
	if len(msgs) == 0 {
		t.Fatalf("no %s SMS sent", kind)
	}
	return find(t, codeInSMS, "code", msgs[len(msgs)-1].Body)
}

// LastPassword is the initial password in the last message.
func (o *Outbox) LastPassword(t testing.TB) string {
	t.Helper()
	return find(t, passwordInSMS, "password", o.Last(t).Body)
}

func find(t testing.TB, re *regexp.Regexp, what, body string) string {
	t.Helper()
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in SMS %q", what, body)
	}
	return m[1]
}

// Bus is an events.Bus that records what is published and delivers
// nothing. The zero value is ready to use.
type Bus struct {
	mu     sync.Mutex
	events []events.Event
}

var _ events.Bus = (*Bus)(nil)

// Publish records e.
func (b *Bus) Publish(_ context.Context, e events.Event) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events = append(b.events, e)
	return nil
}

// Subscribe delivers nothing: tests of publishers read Events.
func (b *Bus) Subscribe(context.Context, ...string) (<-chan events.Event, error) { return nil, nil }

// Close does nothing.
func (b *Bus) Close() error { return nil }

// Events is what was published, oldest first.
func (b *Bus) Events() []events.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]events.Event(nil), b.events...)
}

// CodeIn is the six-digit code in an SMS body, or "" when it has none.
func CodeIn(body string) string {
	if m := codeInSMS.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}
