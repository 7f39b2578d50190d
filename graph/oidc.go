package graph

import (
	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/graph/model"
)

// clientSecret is the answer that shows a secret once (nil for a public client).
func clientSecret(c *ent.OIDCClient, secret string) *model.OIDCClientSecret {
	out := &model.OIDCClientSecret{Client: c}
	if secret != "" {
		out.ClientSecret = &secret
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
