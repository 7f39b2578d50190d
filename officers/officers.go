// Package officers is what admins do with officers: search, add, attach a
// unit, grant the right to create citizen accounts (source §2).
package officers

// Service is the admins' officer management. (Being built.)
type Service struct{}
