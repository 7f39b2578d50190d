package smsqueue

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// The subscriptions below follow docs/ARCHITECTURE.md "Transactions and events": events
// carry ids and statuses only, so each one is re-read through the
// subscriber's ctx, where the privacy policies filter what this viewer may
// see. They subscribe to the bus before reading the first state, so nothing
// committed in between is missed, and they end (the channel is closed) when
// ctx is done, when the bus closes, when the viewer's session is revoked
// (events.TopicSession with the viewer's session id), or when a re-read
// fails or finds the viewer lost access.

// RegistrationEventKind says what a RegistrationEvent reports.
type RegistrationEventKind string

// The kinds of RegistrationEvent, as in the API's RegistrationEventKind.
const (
	Snapshot         RegistrationEventKind = "SNAPSHOT"
	StateChanged     RegistrationEventKind = "STATE_CHANGED"
	SMSStatusChanged RegistrationEventKind = "SMS_STATUS_CHANGED"
)

// RegistrationEvent is one event of Subscription.registrationEvents.
type RegistrationEvent struct {
	Kind         RegistrationEventKind
	Registration *ent.Registration
	// SMS is the registration's most recently updated message (nil when it
	// has none): the one whose status changed, for SMS_STATUS_CHANGED.
	SMS *ent.SMSMessage
	At  time.Time
}

// liveBuffer is how many events a subscription holds for a slow reader;
// beyond it the loop waits, and the bus replaces what it could not deliver
// with a resync.
const liveBuffer = 16

// RegistrationEvents streams a registration to its officer or an admin in
// scope: first a SNAPSHOT, then STATE_CHANGED and SMS_STATUS_CHANGED as they
// are committed (and a SNAPSHOT again after the bus lost events). Anyone
// else is refused with NOT_FOUND before any channel is returned, as if the
// registration did not exist.
func (q *Queue) RegistrationEvents(ctx context.Context, id pulid.ID) (<-chan RegistrationEvent, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated
	}
	ctx, cancel := context.WithCancel(ctx)
	in, err := q.bus.Subscribe(ctx, events.TopicRegistration, events.TopicSession)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("smsqueue: subscribe: %w", err)
	}
	first, err := q.readRegistration(ctx, id, Snapshot, q.now())
	if err != nil {
		cancel()
		if ent.IsNotFound(err) {
			return nil, refusal.New(refusal.NotFound,
				"Không tìm thấy hồ sơ đăng ký.",
				"Registration not found.")
		}
		return nil, err
	}
	out := make(chan RegistrationEvent, liveBuffer)
	out <- first
	go func() {
		defer close(out)
		defer cancel()
		for {
			var e events.Event
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				e = ev
			}
			kind := Snapshot
			switch {
			case revokes(e, v):
				return
			case e.Topic == events.TopicResync:
			case e.Topic == events.TopicRegistration && e.ID == string(id):
				kind = StateChanged
				if e.Status == RegistrationSMSChanged {
					kind = SMSStatusChanged
				}
			default:
				continue
			}
			at := e.At
			if at.IsZero() {
				at = q.now()
			}
			next, err := q.readRegistration(ctx, id, kind, at)
			if err != nil {
				if !ent.IsNotFound(err) && ctx.Err() == nil {
					q.log.Warn("smsqueue: registration events: re-read failed; closing the subscription", "registration", id, "err", err)
				}
				return
			}
			select {
			case out <- next:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// readRegistration reads the registration and its latest message as ctx
// may see them.
func (q *Queue) readRegistration(ctx context.Context, id pulid.ID, kind RegistrationEventKind, at time.Time) (RegistrationEvent, error) {
	reg, err := q.db.Client.Registration.Get(ctx, id)
	if err != nil {
		return RegistrationEvent{}, err
	}
	latest, err := reg.QuerySms().
		Order(ent.Desc(smsmessage.FieldUpdatedAt), ent.Desc(smsmessage.FieldID)).
		First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return RegistrationEvent{}, fmt.Errorf("smsqueue: latest message: %w", err)
	}
	return RegistrationEvent{Kind: kind, Registration: reg, SMS: latest, At: at}, nil
}

// SMSActivity streams the status changes of the SMS messages within the
// viewer's scope for monitoring SMS (admins), narrowed to the subtree of
// unitID when given, which must lie inside that scope.
func (q *Queue) SMSActivity(ctx context.Context, unitID *pulid.ID) (<-chan *ent.SMSMessage, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated
	}
	scope := v.Scope(policy.ObjSMS, policy.ActMonitor)
	if scope.Empty() {
		return nil, refusal.New(refusal.Forbidden,
			"Bạn không có quyền theo dõi tin nhắn SMS.",
			"You may not monitor SMS messages.")
	}
	under := ""
	if unitID != nil {
		u, err := q.db.Client.Unit.Get(ctx, *unitID)
		if ent.IsNotFound(err) {
			return nil, refusal.New(refusal.NotFound, "Không tìm thấy đơn vị.", "Unit not found.").OnField("unitID")
		}
		if err != nil {
			return nil, fmt.Errorf("smsqueue: sms activity: %w", err)
		}
		if !scope.Covers(u.Path) {
			return nil, refusal.New(refusal.OutOfScope,
				"Đơn vị này nằm ngoài phạm vi quản lý của bạn.",
				"This unit is outside your scope.").OnField("unitID")
		}
		under = u.Path
	}
	ctx, cancel := context.WithCancel(ctx)
	in, err := q.bus.Subscribe(ctx, events.TopicSMS, events.TopicSession)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("smsqueue: subscribe: %w", err)
	}
	out := make(chan *ent.SMSMessage, liveBuffer)
	go func() {
		defer close(out)
		defer cancel()
		for {
			var e events.Event
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				e = ev
			}
			if revokes(e, v) {
				return
			}
			if e.Topic != events.TopicSMS {
				continue // a resync: an activity feed has no state to re-send
			}
			// One read shared by every monitor; the scope check below is this
			// subscriber's own.
			m, err := q.reads.message(ctx, e.ID, e.Status)
			if ent.IsNotFound(err) {
				continue
			}
			if err != nil {
				if ctx.Err() == nil {
					q.log.Warn("smsqueue: sms activity: re-read failed; closing the subscription", "message", e.ID, "err", err)
				}
				return
			}
			// Privacy also shows an officer the messages of their own cases;
			// the monitor shows only what the admin scope covers, now.
			scope := v.Scope(policy.ObjSMS, policy.ActMonitor)
			if scope.Empty() {
				return
			}
			if !scope.Covers(m.UnitPath) || !strings.HasPrefix(m.UnitPath, under) {
				continue
			}
			select {
			case out <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// revokes reports whether e ends the subscriptions of v's session.
func revokes(e events.Event, v *viewer.Viewer) bool {
	return e.Topic == events.TopicSession && v.SessionID != "" && e.ID == string(v.SessionID)
}
