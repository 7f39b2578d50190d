// Package graph holds the GraphQL resolvers: thin translations from GraphQL
// to the domain packages and Ent queries.
package graph

import (
	"time"

	"github.com/motcua/motcua/internal/domain/auth"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/domain/registrations"
	"github.com/motcua/motcua/internal/domain/sso"
	"github.com/motcua/motcua/internal/domain/stats"
	"github.com/motcua/motcua/internal/domain/units"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
)

//go:generate go run github.com/99designs/gqlgen generate --config ../gqlgen.yml

// Resolver holds the services the resolvers call. Built in main.
type Resolver struct {
	DB       *store.DB
	Auth     *auth.Service
	Officers *officers.Service
	Units    *units.Service
	Enrol    *registrations.Service
	SMS      *smsqueue.Queue
	SSO      *sso.Service
	Stats    *stats.Service
	Bus      events.Bus
	Now      func() time.Time
	// BaseURL is prefixed to links such as requestFormURL ("" for relative links).
	BaseURL string
}
