// Package refusal is the typed error every business rule returns when it says no.
//
// A refusal carries a stable code from the public contract (docs/API.md), the input
// field it is about (if any) and a message in Vietnamese and English. Messages
// never contain personal data: no ID number, phone, OTP or password.
package refusal

import (
	"errors"
	"strings"
)

// Code is a stable error code of the public contract.
type Code string

// The codes of docs/API.md, in its order.
const (
	Unauthenticated        Code = "UNAUTHENTICATED"
	Forbidden              Code = "FORBIDDEN"
	NotFound               Code = "NOT_FOUND"
	Validation             Code = "VALIDATION"
	AccountExists          Code = "ACCOUNT_EXISTS"
	OfficerHasNoUnit       Code = "OFFICER_HAS_NO_UNIT"
	UnitNotServiceDesk     Code = "UNIT_NOT_SERVICE_DESK"
	VNPostAccount          Code = "VNPOST_ACCOUNT"
	OutOfScope             Code = "OUT_OF_SCOPE"
	InvalidState           Code = "INVALID_STATE"
	OTPInvalid             Code = "OTP_INVALID"
	OTPExpired             Code = "OTP_EXPIRED"
	OTPSuperseded          Code = "OTP_SUPERSEDED"
	OTPTooManyAttempts     Code = "OTP_TOO_MANY_ATTEMPTS"
	OTPResendTooSoon       Code = "OTP_RESEND_TOO_SOON"
	RateLimited            Code = "RATE_LIMITED"
	FileTooLarge           Code = "FILE_TOO_LARGE"
	FileTypeNotAllowed     Code = "FILE_TYPE_NOT_ALLOWED"
	PasswordTooWeak        Code = "PASSWORD_TOO_WEAK"
	PasswordChangeRequired Code = "PASSWORD_CHANGE_REQUIRED"
	Internal               Code = "INTERNAL"

	// RequestTooLarge is motcua's addition (docs/API.md): a request body over
	// the server's cap, answered with HTTP 413 before GraphQL runs.
	RequestTooLarge Code = "REQUEST_TOO_LARGE"
	// FileInfected and ScanUnavailable extend the contract: the antivirus
	// (clamd) found malware in an upload, or could not be asked.
	FileInfected    Code = "FILE_INFECTED"
	ScanUnavailable Code = "SCAN_UNAVAILABLE"
	// ResyncRequired ends a subscription whose client fell behind its
	// events: rather than lose some silently, the server ends it, and the
	// client subscribes again and re-reads the state.
	ResyncRequired Code = "RESYNC_REQUIRED"
)

// Error is a refusal: a rule said no, and nothing was written.
type Error struct {
	Code  Code
	Field string // the input field at fault, "" when none
	VI    string // message in Vietnamese
	EN    string // message in English
	// Extra is machine-readable detail put into the GraphQL extensions
	// (for example "availableAt" for OTP_RESEND_TOO_SOON, "reason" for
	// PASSWORD_TOO_WEAK). Never personal data.
	Extra map[string]any
}

// New returns a refusal with a message in both languages.
func New(code Code, vi, en string) *Error {
	return &Error{Code: code, VI: vi, EN: en}
}

// Error implements error; it is the English message, for logs and tests.
func (e *Error) Error() string {
	if e.Field != "" {
		return string(e.Code) + " (" + e.Field + "): " + e.EN
	}
	return string(e.Code) + ": " + e.EN
}

// OnField returns a copy of e about the given input field.
func (e *Error) OnField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// With returns a copy of e with one more extension value.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Extra = make(map[string]any, len(e.Extra)+1)
	for k, v := range e.Extra {
		c.Extra[k] = v
	}
	c.Extra[key] = value
	return &c
}

// Message is the message in the language asked for: English when lang starts
// with "en", Vietnamese otherwise.
func (e *Error) Message(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") && e.EN != "" {
		return e.EN
	}
	return e.VI
}

// Is reports whether err is a refusal with the given code.
func Is(err error, code Code) bool {
	r, ok := As(err)
	return ok && r.Code == code
}

// As returns the refusal inside err, if there is one.
func As(err error) (*Error, bool) {
	var r *Error
	if errors.As(err, &r) {
		return r, true
	}
	return nil, false
}
