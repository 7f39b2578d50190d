package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// The OpenID Provider's state (docs/SSO.md). Everything a step of the
// protocol needs is here, never in one replica's memory, so that any replica
// answers any step.

// OIDCClient is a relying party: a ministry or province system that signs
// its users in with motcua. Its id is the client_id.
type OIDCClient struct{ ent.Schema }

// Mixin of OIDCClient.
func (OIDCClient) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("OC"), TimeMixin{}}
}

// Fields of OIDCClient.
func (OIDCClient) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().Validate(maxRunes(200)).
			Annotations(entgql.OrderField("NAME")),
		field.String("name_folded").Validate(maxRunes(200)).
			Comment("vn.Fold(name): the search column").Annotations(entgql.Skip()),
		field.String("unit_id").GoType(pulid.ID("")).Annotations(entgql.Skip()),
		field.String("unit_path").Comment("the owning unit's path: who may manage the client").
			Annotations(entgql.Skip()),
		field.Strings("redirect_uris").Comment("compared exactly").Annotations(entgql.Skip()),
		field.Strings("post_logout_redirect_uris").Optional().Annotations(entgql.Skip()),
		field.String("backchannel_logout_uri").Optional().MaxLen(2000).Annotations(entgql.Skip()),
		field.Strings("scopes").Comment("the scopes the client may be granted"),
		field.Bool("public").Default(false).Immutable().
			Comment("a public client (no secret): PKCE is its only proof"),
		field.Bool("disabled").Default(false),
		field.String("secret_hash").Optional().Sensitive().
			Comment("hex SHA-256 of the 256-bit secret").Annotations(entgql.Skip()),
		field.String("previous_secret_hash").Optional().Sensitive().Annotations(entgql.Skip()),
		field.Time("previous_secret_expires_at").Optional().Nillable().
			Comment("the rotated-out secret works until then").Annotations(entgql.Skip()),
		field.Bool("dev_demo").Default(false).Immutable().
			Comment("the demo relying party of dev mode").Annotations(entgql.Skip()),
	}
}

// Edges of OIDCClient.
func (OIDCClient) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("unit", Unit.Type).Unique().Required().Field("unit_id"),
		edge.To("backchannel_deliveries", OIDCBackchannelDelivery.Type).Annotations(entgql.Skip()),
	}
}

// Indexes of OIDCClient.
func (OIDCClient) Indexes() []ent.Index {
	return []ent.Index{index.Fields("unit_path"), index.Fields("name_folded")}
}

// Annotations of OIDCClient.
func (OIDCClient) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of OIDCClient.
func (OIDCClient) Policy() ent.Policy { return oidcClientPolicy() }

// OIDCRequest is one authorization request, from /authorize to the code
// exchange. Its id is random (it is the handle the sign-in page gets); the
// code is kept as a hash only.
type OIDCRequest struct{ ent.Schema }

// Mixin of OIDCRequest.
func (OIDCRequest) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of OIDCRequest.
func (OIDCRequest) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").GoType(pulid.ID("")).Immutable().
			Comment("\"OQ\" and 256 random bits: unguessable"),
		field.String("client_id").GoType(pulid.ID("")).Immutable(),
		field.String("redirect_uri").Immutable(),
		field.Strings("scopes").Immutable(),
		field.String("state").Optional().Immutable(),
		field.String("nonce").Optional().Immutable(),
		field.String("response_mode").Optional().Immutable(),
		field.String("code_challenge").Immutable(),
		field.Strings("prompt").Optional().Immutable(),
		field.Int("max_age").Optional().Nillable().Immutable(),
		field.Strings("ui_locales").Optional().Immutable(),
		field.String("login_hint").Optional().Immutable().Sensitive(),
		field.String("hint_subject").Optional().Immutable().Comment("sub of a valid id_token_hint"),
		field.Time("expires_at").Comment("the request must be finished by then"),
		// Set when the account approved (or the OP finished silently).
		field.String("account_id").GoType(pulid.ID("")).Optional().Nillable(),
		field.String("session_id").GoType(pulid.ID("")).Optional().Nillable().Comment("the sid claim"),
		field.Time("auth_time").Optional().Nillable(),
		field.Strings("amr").Optional(),
		field.String("acr").Optional(),
		field.Time("done_at").Optional().Nillable(),
		field.Time("denied_at").Optional().Nillable(),
		field.String("code_hash").Optional().Nillable().Unique().Sensitive(),
		field.Time("code_issued_at").Optional().Nillable(),
		field.Time("code_used_at").Optional().Nillable(),
	}
}

// Indexes of OIDCRequest.
func (OIDCRequest) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expires_at")}
}

// Annotations of OIDCRequest.
func (OIDCRequest) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of OIDCRequest.
func (OIDCRequest) Policy() ent.Policy { return systemOnlyPolicy() }

// OIDCGrant is an account's consent to a client for a set of scopes (one row
// per account and client), and when the client last used it.
type OIDCGrant struct{ ent.Schema }

// Mixin of OIDCGrant.
func (OIDCGrant) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("OG"), TimeMixin{}}
}

// Fields of OIDCGrant.
func (OIDCGrant) Fields() []ent.Field {
	return []ent.Field{
		field.String("account_id").GoType(pulid.ID("")).Immutable(),
		field.String("client_id").GoType(pulid.ID("")).Immutable(),
		field.Strings("scopes"),
		field.Time("granted_at"),
		field.Time("last_used_at").Optional().Nillable(),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Indexes of OIDCGrant.
func (OIDCGrant) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account_id", "client_id").Unique(), index.Fields("client_id")}
}

// Annotations of OIDCGrant.
func (OIDCGrant) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of OIDCGrant.
func (OIDCGrant) Policy() ent.Policy { return systemOnlyPolicy() }

// OIDCToken is an access or a refresh token. An access token is an
// encrypted reference to its row; a refresh token is kept as a hash. Every
// token issued from one code shares a family: re-use of a code or of a
// rotated refresh token revokes the family.
type OIDCToken struct{ ent.Schema }

// Fields of OIDCToken.
func (OIDCToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").GoType(pulid.ID("")).Immutable().
			Comment("\"OT\" and 256 random bits"),
		field.Enum("kind").Values("ACCESS", "REFRESH").Immutable(),
		field.String("token_hash").Optional().Nillable().Unique().Sensitive().Immutable().
			Comment("refresh tokens: hex SHA-256 of the token"),
		field.String("family_id").Immutable().Comment("the id of the authorization request it descends from"),
		field.String("account_id").GoType(pulid.ID("")).Immutable(),
		field.String("client_id").GoType(pulid.ID("")).Immutable(),
		field.Strings("scopes").Immutable(),
		field.Time("auth_time").Immutable(),
		field.Strings("amr").Optional().Immutable(),
		field.String("acr").Optional().Immutable(),
		field.String("session_id").Optional().Immutable(),
		field.Time("created_at").Immutable(),
		field.Time("expires_at"),
		field.Time("rotated_at").Optional().Nillable().Comment("refresh: used (and replaced) then"),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Indexes of OIDCToken.
func (OIDCToken) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("family_id"),
		index.Fields("account_id", "client_id"),
		index.Fields("expires_at"),
	}
}

// Annotations of OIDCToken.
func (OIDCToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of OIDCToken.
func (OIDCToken) Policy() ent.Policy { return systemOnlyPolicy() }

// OIDCSigningKey is an RS256 key pair. The private key is sealed with a key
// derived from --secret-key. A retired key stays in the JWKS until every
// token it signed has expired.
type OIDCSigningKey struct{ ent.Schema }

// Fields of OIDCSigningKey.
func (OIDCSigningKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Immutable().Comment("the kid"),
		field.String("algorithm").Default("RS256").Immutable(),
		field.Bytes("public_der").Immutable().Comment("PKIX DER of the public key"),
		field.Bytes("private_sealed").Sensitive().Immutable().Comment("AES-GCM sealed PKCS#8 DER"),
		field.Time("created_at").Immutable(),
		field.Time("retired_at").Optional().Nillable().Comment("no longer signs from then"),
		field.Time("published_until").Optional().Nillable().Comment("dropped from the JWKS then"),
	}
}

// Annotations of OIDCSigningKey.
func (OIDCSigningKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of OIDCSigningKey.
func (OIDCSigningKey) Policy() ent.Policy { return systemOnlyPolicy() }

// OIDCBackchannelDelivery is one back-channel logout sent to one client:
// a job in the queue, its attempts and its result, shown to admins.
type OIDCBackchannelDelivery struct{ ent.Schema }

// Mixin of OIDCBackchannelDelivery.
func (OIDCBackchannelDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("OB"), TimeMixin{}}
}

// Fields of OIDCBackchannelDelivery.
func (OIDCBackchannelDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.String("client_id").GoType(pulid.ID("")).Immutable().Annotations(entgql.Skip()),
		field.String("account_id").GoType(pulid.ID("")).Immutable().Annotations(entgql.Skip()),
		field.String("session_id").Optional().Immutable().Annotations(entgql.Skip()),
		field.Enum("reason").Values("SIGN_OUT_EVERYWHERE", "PASSWORD_CHANGED", "PASSWORD_RESET", "ACCOUNT_LOCKED", "APP_REVOKED", "CLIENT_DISABLED").
			Immutable().Annotations(entgql.Type("OIDCLogoutReason")),
		field.Enum("status").Values("PENDING", "DELIVERED", "FAILED").Default("PENDING").
			Annotations(entgql.Type("OIDCDeliveryStatus")),
		field.Int("attempts").Default(0),
		field.Int("last_http_status").Optional().Nillable(),
		field.String("last_error").Optional().MaxLen(300),
		field.Time("delivered_at").Optional().Nillable(),
		field.String("unit_path").Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of OIDCBackchannelDelivery.
func (OIDCBackchannelDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("client", OIDCClient.Type).Ref("backchannel_deliveries").Unique().Required().
			Immutable().Field("client_id").Annotations(entgql.Skip()),
	}
}

// Indexes of OIDCBackchannelDelivery.
func (OIDCBackchannelDelivery) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id", "created_at"), index.Fields("unit_path")}
}

// Annotations of OIDCBackchannelDelivery.
func (OIDCBackchannelDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}

// Policy of OIDCBackchannelDelivery.
func (OIDCBackchannelDelivery) Policy() ent.Policy { return oidcClientPolicy() }
