// Package ent is generated from ent/schema by `make generate`; only schema/,
// entc.go and this file are written by hand.
package ent

//go:generate go run -mod=mod entc.go
