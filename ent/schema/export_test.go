package schema

// The rules, exported to the external tests of privacy_test.go (which may
// import the generated ent packages; this package may not).
var (
	AllowSystem   = allowSystem
	DenySignedOut = denySignedOut
	Scoped        = scoped
)
