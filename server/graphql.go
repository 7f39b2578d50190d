package server

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Limits of the GraphQL server.
const (
	complexityLimit = 2000
	tokenLimit      = 15000
	maxPageSize     = 100
	// maxUploadBytes lets a scan one byte over its limit reach the scan check,
	// which refuses it with FILE_TOO_LARGE, while bounding the request.
	maxUploadBytes = scans.MaxBytes + 256<<10
)

func newGraphQL(cfg Config, deps Deps) (http.Handler, error) {
	srv := handler.New(deps.Schema)
	ws, err := NewWebSocketTransport(WebSocketConfig{
		AllowedOrigins: cfg.AllowedOrigins,
		// The connection_ack carries no payload: echoing the init payload
		// would send the bearer token back.
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			if deps.Auth == nil {
				return ctx, nil, nil
			}
			// Without a token in the payload, the cookie's viewer, if any, is already in ctx.
			if token := bearerToken(p.Authorization()); token != "" {
				var err error
				if ctx, err = withViewer(ctx, deps.Auth, token); err != nil {
					return ctx, nil, refusal.New(refusal.Internal, "Không xác thực được phiên.", "Could not authenticate the session.")
				}
			}
			return openSocketSession(ctx, deps.Sockets), nil, nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("server: websocket: %w", err)
	}
	srv.AddTransport(ws)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: maxUploadBytes, MaxMemory: maxUploadBytes})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(tokenLimit)
	srv.SetDisableSuggestion(!cfg.Dev)
	srv.SetValidationRulesFn(validationRules(cfg.Dev))
	if deps.Auth != nil {
		srv.Use(liveSession{auth: deps.Auth})
	}
	srv.Use(introspection{dev: cfg.Dev})
	srv.Use(extension.FixedComplexityLimit(complexityLimit))
	srv.Use(depthLimit{max: maxDepth})
	srv.AroundRootFields(passwordChangeGuard)
	srv.AroundFields(pageSizeGuard)
	srv.AroundFields(wsPushStreams)
	srv.SetErrorPresenter(errorPresenter(cfg))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		cfg.Logger.Error("resolver panic", "request_id", requestinfo.FromContext(ctx).ID, "panic", p)
		return errors.New("internal: panic")
	})
	return srv, nil
}

// introspection is on in dev mode and for signed-in admins (who use GraphiQL
// in production); off for everyone else, who are refused before execution
// with UNAUTHENTICATED (signed out) or FORBIDDEN: an expected refusal, not an
// internal error, so nothing is logged above info.
type introspection struct{ dev bool }

func (introspection) ExtensionName() string                   { return "MotcuaIntrospection" }
func (introspection) Validate(graphql.ExecutableSchema) error { return nil }
func (i introspection) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	v := viewer.FromContext(ctx)
	allowed := i.dev || (v.SignedIn() && !v.PasswordChangeOnly &&
		!v.Scope(policy.ObjIntrospection, policy.ActUse).Empty())
	// gqlgen's own switch stays on as a second lock: it answers what the
	// check below might miss with a plain error.
	rc.DisableIntrospection = !allowed
	if allowed || rc.Operation == nil || !selectsIntrospection(rc.Operation.SelectionSet, 0) {
		return nil
	}
	r := refusal.New(refusal.Forbidden,
		"Chỉ quản trị viên đã đăng nhập mới được xem lược đồ (introspection).",
		"Only signed-in administrators may introspect the schema.")
	if !v.SignedIn() {
		r = refusal.New(refusal.Unauthenticated,
			"Bạn cần đăng nhập với quyền quản trị để xem lược đồ (introspection).",
			"Sign in as an administrator to introspect the schema.")
	}
	return &gqlerror.Error{
		Message:    r.Message(requestinfo.FromContext(ctx).Lang),
		Extensions: map[string]any{"code": string(r.Code)},
	}
}

// selectsIntrospection reports whether the root selection set asks for
// __schema or __type (__typename is allowed to everyone), looking through
// fragments at the root. depth bounds fragment spreads, which validation has
// already checked for cycles.
func selectsIntrospection(set ast.SelectionSet, depth int) bool {
	if depth > maxDepth {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(s.SelectionSet, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selectsIntrospection(s.Definition.SelectionSet, depth+1) {
				return true
			}
		}
	}
	return false
}

// passwordChangeAllowed are the root fields of a session that must change its password first.
var passwordChangeAllowed = map[string]bool{
	"viewer": true, "changePassword": true, "signOut": true, "__typename": true,
	"oidcAuthRequest": true, // the SSO sign-in page learns it must change the password first
}

func passwordChangeGuard(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	v := viewer.FromContext(ctx)
	if v != nil && v.PasswordChangeOnly {
		if fc := graphql.GetRootFieldContext(ctx); fc != nil && !passwordChangeAllowed[fc.Field.Name] {
			graphql.AddError(ctx, refusal.New(refusal.PasswordChangeRequired,
				"Bạn cần đổi mật khẩu trước khi tiếp tục.", "You must change your password first."))
			return graphql.Null
		}
	}
	return next(ctx)
}

// pageSizeGuard caps first/last on every connection.
func pageSizeGuard(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc != nil && fc.IsResolver {
		for _, arg := range []string{"first", "last"} {
			if n, ok := fc.Args[arg].(*int); ok && n != nil && (*n > maxPageSize || *n < 0) {
				return nil, refusal.New(refusal.Validation,
					fmt.Sprintf("%s phải từ 0 đến %d.", arg, maxPageSize),
					fmt.Sprintf("%s must be between 0 and %d.", arg, maxPageSize)).OnField(arg)
			}
		}
	}
	return next(ctx)
}

// errorPresenter passes refusals through with their code and a message in the
// request's language, maps privacy and not-found errors, and hides
// everything else as INTERNAL (logged with the request id).
func errorPresenter(cfg Config) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		info := requestinfo.FromContext(ctx)
		if r, ok := refusal.As(err); ok {
			gqlErr.Message = r.Message(info.Lang)
			ext := map[string]any{"code": string(r.Code)}
			if r.Field != "" {
				ext["field"] = r.Field
			}
			for k, v := range r.Extra {
				ext[k] = v
			}
			gqlErr.Extensions = ext
			return gqlErr
		}
		var inner *gqlerror.Error
		if errors.As(err, &inner) && inner.Err == nil {
			// A parse or validation error of the query itself: keep it, less
			// what it quotes of the request.
			return withoutEcho(gqlErr, cfg.Dev, info.Lang)
		}
		switch {
		case errors.Is(err, privacy.Deny) && !viewer.FromContext(ctx).SignedIn():
			r := refusal.New(refusal.Unauthenticated, "Bạn cần đăng nhập.", "Please sign in.")
			return presentRefusal(gqlErr, r, info.Lang)
		case errors.Is(err, privacy.Deny):
			r := refusal.New(refusal.Forbidden, "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.")
			return presentRefusal(gqlErr, r, info.Lang)
		case ent.IsNotFound(err):
			r := refusal.New(refusal.NotFound, "Không tìm thấy.", "Not found.")
			return presentRefusal(gqlErr, r, info.Lang)
		}
		cfg.Logger.Error("graphql", "request_id", info.ID, "err", err)
		r := refusal.New(refusal.Internal,
			"Lỗi hệ thống. Mã yêu cầu: "+info.ID, "Internal error. Request id: "+info.ID)
		return presentRefusal(gqlErr, r, info.Lang)
	}
}

func presentRefusal(gqlErr *gqlerror.Error, r *refusal.Error, lang string) *gqlerror.Error {
	gqlErr.Message = r.Message(lang)
	gqlErr.Extensions = map[string]any{"code": string(r.Code)}
	return gqlErr
}

// requirePreflightForMultipart reads a JSON POST whole (readGraphQLJSON) and
// refuses a multipart POST without the
// GraphQL-Require-Preflight header: a browser cannot send that header
// cross-origin without a CORS preflight, which we never grant, so a form on
// another site cannot make a signed-in officer upload (CSRF). gqlgen's
// multipart transport has no such protection of its own.
func requirePreflightForMultipart(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if strings.HasPrefix(mt, "multipart/") && r.Header.Get("GraphQL-Require-Preflight") == "" {
				http.Error(w, "multipart requests must carry the GraphQL-Require-Preflight header", http.StatusBadRequest)
				return
			}
			if mt != "application/json" && !strings.HasPrefix(mt, "multipart/") {
				http.Error(w, "unsupported content type", http.StatusUnsupportedMediaType)
				return
			}
			if mt == "application/json" && !readGraphQLJSON(w, r) {
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// playground serves GraphiQL. Its assets come from a CDN, so its page has a
// content security policy of its own.
func graphiql() http.Handler {
	h := playground.Handler("motcua GraphQL", "/graphql")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
