package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// noticeKey is where assignOfficerUnit leaves its notice for Officer.notice:
// among the arguments of the mutation's own field context, which the fields of
// its answer see as their parent. The notice belongs to that one answer and
// to no other request; no server wiring is needed.
const noticeKey = "motcua.notice"

func setNotice(ctx context.Context, msg string) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return
	}
	if fc.Args == nil {
		fc.Args = map[string]any{}
	}
	fc.Args[noticeKey] = msg
}

func noticeOf(ctx context.Context) *string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Parent == nil {
		return nil
	}
	if msg, ok := fc.Parent.Args[noticeKey].(string); ok {
		return &msg
	}
	return nil
}
