// Package graph holds the GraphQL resolvers: thin translations from GraphQL
// to the domain packages and Ent queries.
package graph

//go:generate go run github.com/99designs/gqlgen generate --config ../gqlgen.yml
