// Package policy decides who may do what, with Casbin.
//
// The model and the role permissions are embedded files (model.conf,
// policy.csv). Role assignments (which account holds which role in which
// unit subtree) come from the database through an Assignments function and
// are reloaded after every grant (Reload), on every replica through the event
// bus. The Authorizer is built once in main and passed in.
package policy

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText string

// Roles.
const (
	SuperAdmin = "super_admin"
	Admin      = "admin"
	Registrar  = "registrar"
	Officer    = "officer"
)

// Objects and actions of the policy.
const (
	ObjAdmin         = "admin"
	ObjUnit          = "unit"
	ObjOfficer       = "officer"
	ObjAccount       = "account"
	ObjAudit         = "audit"
	ObjSMS           = "sms"
	ObjRegistration  = "registration"
	ObjScan          = "scan"
	ObjCitizen       = "citizen"
	ObjIntrospection = "introspection"
	ObjOIDCClient    = "oidc_client"
	ObjStats         = "stats"
	ObjSignals       = "signals"

	ActRead    = "read"
	ActManage  = "manage"
	ActGrant   = "grant"
	ActImport  = "import"
	ActMonitor = "monitor"
	ActCreate  = "create"
	ActLookup  = "lookup"
	ActUse     = "use"
	ActUnlock  = "unlock" // clear an account's sign-in lock (admins; see internal/domain/auth)
)

// RootPath is the domain of the whole tree.
const RootPath = "/"

// Assignment says that an account holds a role in a unit subtree.
type Assignment struct {
	Subject string // account id
	Role    string
	Path    string // the unit's materialised path; RootPath for everywhere
}

// Assignments loads every role assignment from the database.
type Assignments func(ctx context.Context) ([]Assignment, error)

// Scope is where a subject may do something: everywhere, or in these subtrees.
type Scope struct {
	All   bool
	Paths []string
}

// Covers reports whether the scope includes the unit at path.
func (s Scope) Covers(path string) bool {
	if s.All {
		return true
	}
	for _, p := range s.Paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// Empty reports whether the scope includes nothing.
func (s Scope) Empty() bool { return !s.All && len(s.Paths) == 0 }

// Authorizer answers authorisation questions. It is safe for concurrent use.
type Authorizer struct {
	load Assignments
	mu   sync.RWMutex
	e    *casbin.Enforcer
	// assignments are those e was built from, sorted, to tell whether a
	// reload changed anything; generation counts the reloads that did.
	assignments []Assignment
	generation  uint64
	// perms are the (object, action) pairs of policy.csv.
	perms []Permission
}

// Permission is an object and an action of policy.csv.
type Permission struct{ Obj, Act string }

// New builds an Authorizer and loads the assignments once.
func New(ctx context.Context, load Assignments) (*Authorizer, error) {
	a := &Authorizer{load: load}
	if err := a.Reload(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Reload rebuilds the enforcer from the embedded policy and the database's
// assignments. On error the previous enforcer stays in force. When the
// assignments did not change (the periodic safety-net reload, mostly), the
// enforcer and the generation stay as they are, so that nothing built from
// them (viewers' grants) has to be rebuilt.
func (a *Authorizer) Reload(ctx context.Context) error {
	assignments, err := a.load(ctx)
	if err != nil {
		return fmt.Errorf("policy: load assignments: %w", err)
	}
	slices.SortFunc(assignments, compareAssignments)
	a.mu.RLock()
	same := a.e != nil && slices.Equal(a.assignments, assignments)
	a.mu.RUnlock()
	if same {
		return nil
	}
	e, err := newEnforcer(assignments)
	if err != nil {
		return err
	}
	perms := permissionsOf(e)
	a.mu.Lock()
	a.e, a.assignments, a.perms = e, assignments, perms
	a.generation++
	a.mu.Unlock()
	return nil
}

// Generation changes whenever a reload changed the assignments: grants
// computed at an older generation are out of date.
func (a *Authorizer) Generation() uint64 {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.generation
}

func compareAssignments(x, y Assignment) int {
	if c := strings.Compare(x.Subject, y.Subject); c != 0 {
		return c
	}
	if c := strings.Compare(x.Role, y.Role); c != 0 {
		return c
	}
	return strings.Compare(x.Path, y.Path)
}

// permissionsOf lists the distinct (object, action) pairs of e's policy.
func permissionsOf(e *casbin.Enforcer) []Permission {
	rules, _ := e.GetPolicy()
	var out []Permission
	for _, r := range rules {
		if len(r) < 3 {
			continue
		}
		p := Permission{Obj: r[1], Act: r[2]}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func newEnforcer(assignments []Assignment) (*casbin.Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policy: model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(policyText))
	if err != nil {
		return nil, fmt.Errorf("policy: enforcer: %w", err)
	}
	// The adapter only loads the embedded policy: assignments live in memory
	// (the string adapter cannot save them, and AddGroupingPolicies would
	// panic asking it to).
	e.EnableAutoSave(false)
	// A role held at a unit's path covers every unit below it.
	e.AddNamedDomainMatchingFunc("g", "subtree", func(requested, held string) bool {
		return strings.HasPrefix(requested, held)
	})
	rules := make([][]string, 0, len(assignments))
	for _, as := range assignments {
		rules = append(rules, []string{as.Subject, as.Role, as.Path})
	}
	if len(rules) > 0 {
		if _, err := e.AddGroupingPolicies(rules); err != nil {
			return nil, fmt.Errorf("policy: assignments: %w", err)
		}
	}
	return e, nil
}

// Allowed reports whether subject may do act on obj at the unit with the given path.
func (a *Authorizer) Allowed(subject, path, obj, act string) bool {
	if subject == "" || path == "" {
		return false
	}
	a.mu.RLock()
	e := a.e
	a.mu.RUnlock()
	ok, err := e.Enforce(subject, path, obj, act)
	return err == nil && ok
}

// Scope returns the subtrees in which subject may do act on obj.
func (a *Authorizer) Scope(subject, obj, act string) Scope {
	if subject == "" {
		return Scope{}
	}
	a.mu.RLock()
	e := a.e
	a.mu.RUnlock()
	return scopeOf(e, subject, obj, act)
}

func scopeOf(e *casbin.Enforcer, subject, obj, act string) Scope {
	var s Scope
	for _, d := range domainsOf(e, subject) {
		ok, err := e.Enforce(subject, d, obj, act)
		if err != nil || !ok {
			continue
		}
		if d == RootPath {
			return Scope{All: true}
		}
		s.Paths = append(s.Paths, d)
	}
	return s
}

// Roles returns the roles subject holds, with their paths.
func (a *Authorizer) Roles(subject string) []Assignment {
	if subject == "" {
		return nil // an empty filter would match every assignment
	}
	a.mu.RLock()
	e := a.e
	a.mu.RUnlock()
	return rolesOf(e, subject)
}

func rolesOf(e *casbin.Enforcer, subject string) []Assignment {
	var out []Assignment
	rules, _ := e.GetFilteredGroupingPolicy(0, subject)
	for _, r := range rules {
		out = append(out, Assignment{Subject: r[0], Role: r[1], Path: r[2]})
	}
	return out
}

func domainsOf(e *casbin.Enforcer, subject string) []string {
	rules, _ := e.GetFilteredGroupingPolicy(0, subject)
	seen := make(map[string]bool, len(rules))
	var out []string
	for _, r := range rules {
		if !seen[r[2]] {
			seen[r[2]] = true
			out = append(out, r[2])
		}
	}
	return out
}
