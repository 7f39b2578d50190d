// Package smsqueue sends SMS durably: a message row and its job are written
// in the same transaction as the change that needs them.
package smsqueue

// Queue is the SMS outbox. (Being built.)
type Queue struct{}
