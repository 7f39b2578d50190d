package server

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// validationRules are gqlparser's rules with every rule that can suggest a
// name ("Did you mean …?") swapped for its variant that does not, outside dev
// mode: suggestions let an anonymous caller spell out the schema without
// introspection. gqlgen's SetDisableSuggestion swaps only the field and
// scalar-leaf rules; argument names, type names, input fields and enum values
// are swapped here.
func validationRules(dev bool) func() *rules.Rules {
	return func() *rules.Rules {
		r := rules.NewDefaultRules()
		if dev {
			return r
		}
		for _, swap := range []struct {
			name string
			rule core.Rule
		}{
			{rules.KnownArgumentNamesRule.Name, rules.KnownArgumentNamesRuleWithoutSuggestions},
			{rules.KnownTypeNamesRule.Name, rules.KnownTypeNamesRuleWithoutSuggestions},
			{rules.ValuesOfCorrectTypeRule.Name, rules.ValuesOfCorrectTypeRuleWithoutSuggestions},
		} {
			r.RemoveRule(swap.name)
			r.AddRule(swap.rule.Name, swap.rule.RuleFunc)
		}
		return r
	}
}

// gqlgen's transport errors that quote the request (the JSON decoder's error
// is followed by the whole body).
const (
	gqlgenDecodeError = "json request body could not be decoded"
	gqlgenReadError   = "could not read request body"
)

// withoutEcho rewrites a parse or validation error so that it carries no
// bytes of the request: no value the caller typed (a password given as a
// number, an ID number in a malformed document) and no body. The location
// and path stay, so the caller still finds the mistake. Outside dev mode it
// also drops any "Did you mean" left by a rule. It returns the error it was
// given, changed in place.
func withoutEcho(e *gqlerror.Error, dev bool, lang string) *gqlerror.Error {
	code, _ := e.Extensions["code"].(string)
	switch {
	case strings.HasPrefix(e.Message, gqlgenDecodeError), strings.HasPrefix(e.Message, gqlgenReadError):
		r := errMalformedBody()
		e.Message = r.Message(lang)
		e.Extensions = map[string]any{"code": string(r.Code)}
	case code == errcode.ParseFailed && !strings.HasPrefix(e.Message, "exceeded "):
		// The lexer and parser quote the token they stopped at ("Unexpected
		// String \"…\"") and sometimes the rest of the input.
		e.Message = pick(lang, "Truy vấn GraphQL sai cú pháp.", "The GraphQL document has a syntax error.")
	case strings.HasPrefix(e.Rule, "ValuesOfCorrectType"):
		e.Message = withoutValue(e.Message)
	case code == errcode.ValidationFailed && len(e.Path) > 1 && e.Path[0] == ast.PathName("variable"):
		// Variable coercion quotes values too: "… is not a valid Enum".
		name := e.Path[1:].String()
		e.Message = pick(lang, fmt.Sprintf("Giá trị của biến $%s không hợp lệ.", name),
			fmt.Sprintf("The value of variable $%s is invalid.", name))
	}
	if !dev {
		if i := strings.Index(e.Message, " Did you mean"); i >= 0 {
			e.Message = e.Message[:i]
		}
	}
	return e
}

// valueMessages are the ValuesOfCorrectType messages that quote the value
// the caller typed, with what withoutValue keeps of each: the expected type
// and any suggestion (schema names only).
var valueMessages = []struct {
	re   *regexp.Regexp
	keep string
}{
	{regexp.MustCompile(`^Value "[^"]*" does not exist in ("[^"]*") enum\.`), `The value does not exist in the $1 enum.`},
	{regexp.MustCompile(`^Enum ("[^"]*") cannot represent non-enum value: .*\.$`), `Enum $1 cannot represent this non-enum value.`},
	{regexp.MustCompile(`^Expected value of type ("[^"]*"), found .*\.$`), `Expected a value of type $1.`},
	{regexp.MustCompile(`^(\w+) cannot represent (?:an? )?(.*) value: .*$`), `$1 cannot represent this $2 value.`},
}

// withoutValue rewrites a ValuesOfCorrectType message that quotes a value,
// keeping the suggestion that may follow it (" Did you mean the enum value
// …?"; dropped later outside dev mode). The value itself may contain " Did
// you mean", so the whole message is tried first, then the message cut at
// each " Did you mean" from the last, which is the rule's own.
func withoutValue(msg string) string {
	for end := len(msg); end >= 0; end = strings.LastIndex(msg[:end], " Did you mean") {
		head, tail := msg[:end], msg[end:]
		for _, m := range valueMessages {
			if m.re.MatchString(head) {
				return m.re.ReplaceAllString(head, m.keep) + tail
			}
		}
		if end == 0 {
			break
		}
	}
	return msg
}

func pick(lang, vi, en string) string {
	return refusal.New(refusal.Validation, vi, en).Message(lang)
}

// errMalformedBody: the body is not one JSON object of a GraphQL request.
func errMalformedBody() *refusal.Error {
	return refusal.New(refusal.Validation,
		"Nội dung yêu cầu không phải là một yêu cầu GraphQL dạng JSON hợp lệ.",
		"The request body is not a valid GraphQL request in JSON.")
}
