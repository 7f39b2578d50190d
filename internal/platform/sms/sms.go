// Package sms sends the SMS messages of motcua through a provider and takes in
// the provider's delivery receipts.
//
// It defines what a message is, its statuses and the only moves between them,
// the Provider interface the queue drives, and two providers: Console (dev and
// demos: an in-memory inbox and simulated receipts) and HTTP (a JSON gateway
// with HMAC-signed receipt callbacks). The durable queue that calls Send and
// applies receipts lives elsewhere and implements ReceiptSink.
package sms

import (
	"context"
	"errors"
	"time"

	"github.com/motcua/motcua/ent/schema/smsenum"
)

// Kind says why a message is sent; the kinds are defined once, beside the
// schema (ent/schema/smsenum), and named here for this package's callers.
type Kind = smsenum.Kind

// The kinds of message (smsenum).
const (
	RegistrationOTP = smsenum.RegistrationOTP
	InitialPassword = smsenum.InitialPassword
	ResetOTP        = smsenum.ResetOTP
	PasswordChanged = smsenum.PasswordChanged
)

// Status is where a message is on its way to the phone (smsenum.Status:
// Valid, and Final for the end states).
type Status = smsenum.Status

// The statuses of a message (smsenum).
const (
	Queued      = smsenum.Queued
	Sending     = smsenum.Sending
	Sent        = smsenum.Sent
	Delivered   = smsenum.Delivered
	Undelivered = smsenum.Undelivered
	Failed      = smsenum.Failed
	Expired     = smsenum.Expired
	NoReport    = smsenum.NoReport
)

// rank orders the statuses: a move goes to a higher rank, with the single
// exception of a retry (SENDING → QUEUED).
var rank = map[Status]int{
	Queued: 0, Sending: 1, Sent: 2,
	Delivered: 3, Undelivered: 3, Failed: 3, Expired: 3, NoReport: 3,
}

// CanMove reports whether a message may go from status from to status to.
//
// Statuses only move forward: QUEUED → SENDING → SENT → DELIVERED or
// UNDELIVERED, and QUEUED or SENDING → FAILED or EXPIRED. Nothing leaves a
// final status, and from == to is false, so a duplicate or replayed receipt
// changes nothing. The decisions beyond the plain chain:
//
//   - SENDING → QUEUED is allowed as a retry: the provider answered with a
//     temporary error and the job will try again later. It is the only
//     backward move.
//   - SENT → FAILED is allowed: a gateway may accept a message and later
//     report that it could not pass it on (its FAILED receipt state).
//   - SENT → EXPIRED is not: once the provider has the message, only its
//     receipt decides the outcome (a carrier-side expiry is UNDELIVERED).
//   - A receipt may outrun the job's own bookkeeping, so SENT, DELIVERED and
//     UNDELIVERED are also reachable from SENDING (the receipt arrived before
//     the job recorded SENT) and from QUEUED (an ambiguous timeout sent the
//     message back to the queue, yet the gateway had taken it). Refusing
//     these would drop the only receipt the gateway sends and leave the
//     message at SENT for ever.
//   - SENT → NO_REPORT is the receipt deadline passing (only the queue's
//     deadline sweep writes it): only a message the provider accepted waits
//     for a receipt.
//   - NO_REPORT → DELIVERED, UNDELIVERED or FAILED is a late receipt: it
//     says more than "no report", so it replaces it (the only move out of a
//     final status). A late SENT receipt says nothing new and is ignored.
func CanMove(from, to Status) bool {
	if !from.Valid() || !to.Valid() || from == to {
		return false
	}
	if from == NoReport {
		return to == Delivered || to == Undelivered || to == Failed
	}
	if from.Final() {
		return false
	}
	switch to {
	case Queued:
		return from == Sending
	case Expired:
		return from == Queued || from == Sending
	case NoReport:
		return from == Sent
	}
	return rank[to] > rank[from]
}

// Message is one SMS to send.
type Message struct {
	ID    string // our message id; also the idempotency key given to the provider
	Kind  Kind
	Phone string // E.164, e.g. +84912345678
	Body  string // holds OTPs and passwords: never log it, never put it in an error
}

// Provider hands messages to an SMS network.
type Provider interface {
	// Name is the provider's name in configuration and in the receipt path
	// (POST /sms/receipts/{name}).
	Name() string
	// Send hands m to the network and returns the provider's id for it.
	// An error wrapping ErrPermanent means retrying cannot help (invalid
	// number, request refused); any other error is temporary and the caller
	// retries with backoff, with the same m.ID so the provider can
	// deduplicate.
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// ErrPermanent marks a refusal that no retry can fix.
var ErrPermanent = errors.New("sms: permanent refusal")

// Receipt is a provider's report on a message it accepted.
type Receipt struct {
	MessageID  string // our message id
	ProviderID string // the provider's id, when it gave one
	Status     Status // SENT, DELIVERED, UNDELIVERED or FAILED
	At         time.Time
	Detail     string // the provider's error text, without personal data
}

// ReceiptSink applies receipts; the queue layer implements it.
//
// Receive should return nil for a receipt it ignores (unknown message, a move
// CanMove refuses) and an error only when trying again later may succeed
// (database unavailable): the HTTP receipt endpoint answers an error with 500
// so the gateway sends the receipt again.
type ReceiptSink interface {
	Receive(ctx context.Context, r Receipt) error
}
