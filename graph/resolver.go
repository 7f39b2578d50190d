// Package graph holds the GraphQL resolvers: thin translations from GraphQL
// to the domain packages and Ent queries.
package graph

import (
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/enrol"
	"github.com/motcua/motcua/events"
	"github.com/motcua/motcua/officers"
	"github.com/motcua/motcua/smsqueue"
	"github.com/motcua/motcua/sso"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/units"
)

//go:generate go run github.com/99designs/gqlgen generate --config ../gqlgen.yml

// Resolver holds the services the resolvers call. Built in main.
type Resolver struct {
	DB       *store.DB
	Auth     *auth.Service
	Officers *officers.Service
	Units    *units.Service
	Enrol    *enrol.Service
	SMS      *smsqueue.Queue
	SSO      *sso.Service
	Bus      events.Bus
	Now      func() time.Time
	// BaseURL is prefixed to links such as requestFormURL ("" for relative links).
	BaseURL string
}
