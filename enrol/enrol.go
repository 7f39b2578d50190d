// Package enrol is the creation of a citizen's account at the one-stop desk
// (source §3): a resumable, server-side state machine.
package enrol

// Service is the registration flow. (Being built.)
type Service struct{}
