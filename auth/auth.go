// Package auth signs accounts in and out, keeps sessions, and changes and
// recovers passwords.
package auth

// Service is sign-in, sessions and passwords. (Being built.)
type Service struct{}
