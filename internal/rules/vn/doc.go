// Package vn holds the Vietnamese rules of motcua: identity numbers (CCCD and
// the old CMND), tax codes, mobile phone numbers, agency identifier codes, the
// 34 current provincial units, and the text rules for names (NFC at the edge,
// diacritic-insensitive search folding, the service-desk name rule).
//
// Every rule follows the project's domain brief (docs/RULES.md); the doc comment
// of each function names the legal source it implements. The package has no
// state: every table is a constant or an unexported lookup that is never
// written.
package vn
