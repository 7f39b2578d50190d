// Package internal holds everything but the parts whose place the product fixes
// (cmd, graph, ent, migrations, policy, server, frontend), grouped so that a path tells its layer:
//
//	internal/app       assembles the binary from the layers below
//	internal/domain    capabilities with business rules and transactions (accounts, auth, …)
//	internal/platform  adapters and shared mechanisms (store, events, audit, SMS, scans, …)
//	internal/rules     pure rules without I/O (Vietnamese identifiers, OTP, passwords, refusals)
//	internal/testkit   support for tests only
//
// Imports point one way: cmd → app → server → graph → domain → rules/platform →
// ent/policy. layers_test.go fails on an arrow against that direction and on a
// package missing from docs/ARCHITECTURE.md.
package internal
