// Package units keeps the tree of agencies, provinces, communes and one-stop
// desks: create, import, search.
package units

// Service is the unit tree. (Being built.)
type Service struct{}
