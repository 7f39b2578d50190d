// Package smsqueue sends SMS durably: a message row and its job are written
// in the same transaction as the change that needs them.
package smsqueue

import (
	"context"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/store"
)

// Outgoing is an SMS to send.
type Outgoing struct {
	Kind  smsmessage.Kind
	Phone string // E.164
	Body  string // ASCII, no diacritics; sealed at rest, wiped once final
	// SendBefore: an OTP is never sent after its code expired (status EXPIRED).
	SendBefore     *time.Time
	RegistrationID *pulid.ID
	AccountID      *pulid.ID
	OfficerID      string
	UnitPath       string
}

// Outbox enqueues SMS in the caller's transaction. *Queue implements it.
type Outbox interface {
	Enqueue(ctx context.Context, tx *store.Tx, m Outgoing) (*ent.SMSMessage, error)
}

// Queue is the SMS outbox. (Being built.)
type Queue struct{}
