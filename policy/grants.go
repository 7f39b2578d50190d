package policy

// Grants are what one subject may do, computed once from the enforcer (the
// source of truth) so that a request, a row or an event is judged by a map
// lookup and path-prefix comparisons instead of Casbin's expression engine.
// A Grants value is immutable and safe for concurrent use.
type Grants struct {
	// Generation is the Authorizer's generation the grants were computed at.
	Generation uint64
	roles      []Assignment
	scopes     map[Permission]Scope
}

// Grants computes what subject may do under the assignments in force.
func (a *Authorizer) Grants(subject string) *Grants {
	a.mu.RLock()
	e, gen, perms := a.e, a.generation, a.perms
	a.mu.RUnlock()
	g := &Grants{Generation: gen, scopes: make(map[Permission]Scope, len(perms))}
	if subject == "" {
		return g
	}
	g.roles = rolesOf(e, subject)
	if len(g.roles) == 0 {
		return g // no role: nothing is allowed, no need to ask
	}
	for _, p := range perms {
		if s := scopeOf(e, subject, p.Obj, p.Act); !s.Empty() {
			g.scopes[p] = s
		}
	}
	return g
}

// Allowed reports whether the subject may do act on obj at the unit with
// the given path: Authorizer.Allowed, answered from memory.
func (g *Grants) Allowed(path, obj, act string) bool {
	if g == nil || path == "" {
		return false
	}
	return g.scopes[Permission{Obj: obj, Act: act}].Covers(path)
}

// Scope returns the subtrees in which the subject may do act on obj.
func (g *Grants) Scope(obj, act string) Scope {
	if g == nil {
		return Scope{}
	}
	return g.scopes[Permission{Obj: obj, Act: act}]
}

// Roles returns the roles the subject holds, with their paths. The slice
// is shared: do not modify it.
func (g *Grants) Roles() []Assignment {
	if g == nil {
		return nil
	}
	return g.roles
}
