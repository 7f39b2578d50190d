package registrations

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/internal/platform/store"
)

// Registrations lists the viewer's own cases, newest first, in every state
// (the list shows how each ended; where narrows it, e.g. to the open
// states). An officer without the right still sees the cases they opened.
func (s *Service) Registrations(ctx context.Context, p store.Page, where *ent.RegistrationWhereInput) (*ent.RegistrationConnection, error) {
	v, err := s.officer(ctx)
	if err != nil {
		return nil, err
	}
	page, err := p.Or(store.ShortListPageSize).Check()
	if err != nil {
		return nil, err
	}
	opts := []ent.RegistrationPaginateOption{ent.WithRegistrationOrder(&ent.RegistrationOrder{
		Direction: entgql.OrderDirectionDesc, Field: ent.RegistrationOrderFieldCreatedAt,
	})}
	if where != nil {
		opts = append(opts, ent.WithRegistrationFilter(where.Filter))
	}
	conn, err := s.db.Client.Registration.Query().
		Where(registration.OfficerID(v)).
		Paginate(ctx, page.After, page.First, page.Before, page.Last, opts...)
	if err != nil {
		return nil, fmt.Errorf("enrol: registrations: %w", err)
	}
	return conn, nil
}

// AccountsCreatedByMe lists the citizen accounts the viewer created at the
// desk, newest first (§3 step 1: "the list of accounts this officer created").
func (s *Service) AccountsCreatedByMe(ctx context.Context, p store.Page) (*ent.AccountConnection, error) {
	v, err := s.officer(ctx)
	if err != nil {
		return nil, err
	}
	page, err := p.Or(store.ShortListPageSize).Check()
	if err != nil {
		return nil, err
	}
	conn, err := s.db.Client.Account.Query().
		Where(account.CreatedByOfficerID(v)).
		Paginate(ctx, page.After, page.First, page.Before, page.Last, ent.WithAccountOrder([]*ent.AccountOrder{{
			Direction: entgql.OrderDirectionDesc, Field: ent.AccountOrderFieldCreatedAt,
		}}))
	if err != nil {
		return nil, fmt.Errorf("enrol: accounts created: %w", err)
	}
	return conn, nil
}
