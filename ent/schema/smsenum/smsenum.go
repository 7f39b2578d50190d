// Package smsenum defines the kinds and statuses of an SMS message once: the
// database enums of ent/schema (through field.Enum(...).GoType), the GraphQL
// enums SMSKind and SMSStatus (gqlgen.yml) and the names internal/platform/sms
// gives them (docs/ARCHITECTURE.md). It sits beside the schema because ent
// may import nothing above it.
package smsenum

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Kind says why a message is sent.
type Kind string

// The kinds of message. PasswordChanged extends the API's SMSKind enum: the
// notice sent after a password reset, so a citizen learns of a reset they did
// not ask for.
const (
	RegistrationOTP Kind = "REGISTRATION_OTP"
	InitialPassword Kind = "INITIAL_PASSWORD"
	ResetOTP        Kind = "RESET_OTP"
	PasswordChanged Kind = "PASSWORD_CHANGED"
)

var kinds = []Kind{RegistrationOTP, InitialPassword, ResetOTP, PasswordChanged}

// Values are the kinds, in their order of declaration (the database enum).
func (Kind) Values() []string { return names(kinds) }

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return slices.Contains(kinds, k) }

// MarshalGQL writes k as a GraphQL enum value.
func (k Kind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL reads a GraphQL enum value into k.
func (k *Kind) UnmarshalGQL(v any) error { return unmarshal(v, k, Kind.Valid) }

// Status is where a message is on its way to the phone.
type Status string

// The statuses of a message, as in the API's SMSStatus enum.
const (
	Queued      Status = "QUEUED"      // waiting for the queue to hand it to the provider
	Sending     Status = "SENDING"     // handed to the provider, answer not yet recorded
	Sent        Status = "SENT"        // the provider accepted it
	Delivered   Status = "DELIVERED"   // the carrier reports it reached the phone
	Undelivered Status = "UNDELIVERED" // the carrier gave up (phone off too long, bad number, expired at the carrier)
	Failed      Status = "FAILED"      // refused by the provider, or retries exhausted
	Expired     Status = "EXPIRED"     // no longer worth sending (the OTP or password it carries lapsed) before the provider took it
	// NoReport extends the API's SMSStatus: the provider accepted the
	// message but no delivery receipt came before the kind's receipt
	// deadline. Nobody knows whether it reached the phone, so the officer may
	// resend, as after UNDELIVERED.
	NoReport Status = "NO_REPORT"
)

var statuses = []Status{Queued, Sending, Sent, Delivered, Undelivered, Failed, Expired, NoReport}

// Values are the statuses, in their order of declaration (the database enum).
func (Status) Values() []string { return names(statuses) }

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool { return slices.Contains(statuses, s) }

// Final reports whether s is an end state: nothing is sent any more, the
// body is wiped and the officer may resend. Nothing leaves a final status,
// except NO_REPORT, which a late receipt may still replace with the outcome
// it reports (sms.CanMove).
func (s Status) Final() bool {
	return s == Delivered || s == Undelivered || s == Failed || s == Expired || s == NoReport
}

// MarshalGQL writes s as a GraphQL enum value.
func (s Status) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL reads a GraphQL enum value into s.
func (s *Status) UnmarshalGQL(v any) error { return unmarshal(v, s, Status.Valid) }

func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func unmarshal[T ~string](v any, into *T, valid func(T) bool) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("enum %T must be a string", v)
	}
	if !valid(T(s)) {
		return fmt.Errorf("%q is not a valid %T", s, *into)
	}
	*into = T(s)
	return nil
}
