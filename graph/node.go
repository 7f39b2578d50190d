package graph

import (
	"context"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/oidcclient"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/session"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/rules/refusal"
)

// nodeTables maps an id's prefix (ent/schema, pulid.MixinWithPrefix) to its
// table. Only types exposed as Node are here: OTP challenges, scans and
// sign-in throttles are never reachable through node(id:).
var nodeTables = map[string]string{
	"AC": account.Table,
	"AU": auditevent.Table,
	"OB": oidcbackchanneldelivery.Table,
	"OC": oidcclient.Table,
	"OF": officer.Table,
	"RG": registration.Table,
	"SE": session.Table,
	"SM": smsmessage.Table,
	"UN": unit.Table,
}

// nodeType finds the table of an id from its prefix.
func nodeType(_ context.Context, id pulid.ID) (string, error) {
	if t, ok := nodeTables[id.Prefix()]; ok {
		return t, nil
	}
	return "", refusal.New(refusal.NotFound, "Không tìm thấy.", "Not found.")
}
