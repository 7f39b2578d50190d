package scans

import (
	"bytes"
	"strconv"
)

// The PDF lexer and object parser of checkPDF (ISO 32000-1 §7.2, §7.3).
// Every token is read in time linear in its length; a value is parsed with
// at most two tokens of look-ahead (for "n g R"), so a whole file is read in
// time linear in its size.

type tokKind int

const (
	tokInt tokKind = iota + 1
	tokReal
	tokName
	tokString
	tokArrayOpen
	tokArrayClose
	tokDictOpen
	tokDictClose
	tokKeyword
)

type pdfToken struct {
	kind tokKind
	i    int64  // tokInt
	text []byte // tokName (decoded), tokKeyword
}

func (t pdfToken) is(keyword string) bool {
	return t.kind == tokKeyword && string(t.text) == keyword
}

type valKind int

const (
	vNull valKind = iota
	vBool
	vInt
	vReal
	vName
	vString
	vArray
	vLongArray // more than pdfMaxKept elements: parsed, not kept
	vDict
	vRef
)

type pdfValue struct {
	kind valKind
	i    int64
	name string
	arr  []pdfValue
	dict map[string]pdfValue
	ref  objKey
}

type pdfLexer struct {
	data   []byte
	pos    int
	p      *pdfFile // notified of active names and %%EOF
	sawEOF bool     // a %%EOF comment was read since the last token
}

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

// skipSpace skips white space and comments and returns the position of the
// next token (len(data) at the end).
func (lx *pdfLexer) skipSpace() int {
	d := lx.data
	for lx.pos < len(d) {
		c := d[lx.pos]
		switch {
		case isSpace(c):
			lx.pos++
		case c == '%':
			end := lx.pos
			for end < len(d) && d[end] != '\n' && d[end] != '\r' {
				end++
			}
			if bytes.HasPrefix(d[lx.pos:end], []byte("%%EOF")) {
				lx.sawEOF = true
			}
			lx.pos = end
		default:
			return lx.pos
		}
	}
	return lx.pos
}

// next reads one token.
func (lx *pdfLexer) next() (pdfToken, error) {
	d := lx.data
	if lx.skipSpace() >= len(d) {
		return pdfToken{}, damaged("unexpected end of file")
	}
	lx.sawEOF = false
	c := d[lx.pos]
	switch c {
	case '[':
		lx.pos++
		return pdfToken{kind: tokArrayOpen}, nil
	case ']':
		lx.pos++
		return pdfToken{kind: tokArrayClose}, nil
	case '<':
		if lx.pos+1 < len(d) && d[lx.pos+1] == '<' {
			lx.pos += 2
			return pdfToken{kind: tokDictOpen}, nil
		}
		return lx.hexString()
	case '>':
		if lx.pos+1 < len(d) && d[lx.pos+1] == '>' {
			lx.pos += 2
			return pdfToken{kind: tokDictClose}, nil
		}
		return pdfToken{}, damaged("stray >")
	case '(':
		return lx.literalString()
	case '/':
		return lx.name()
	case ')', '{', '}':
		return pdfToken{}, damaged("stray delimiter")
	}
	start := lx.pos
	for lx.pos < len(d) && isRegular(d[lx.pos]) {
		lx.pos++
	}
	word := d[start:lx.pos]
	if c == '+' || c == '-' || c == '.' || isDigit(c) {
		return number(word)
	}
	for _, b := range word {
		if b < 'A' || b > 'z' || (b > 'Z' && b < 'a') {
			return pdfToken{}, damaged("bytes that are not PDF")
		}
	}
	return pdfToken{kind: tokKeyword, text: word}, nil
}

func number(word []byte) (pdfToken, error) {
	if bytes.IndexByte(word, '.') < 0 {
		n, err := strconv.ParseInt(string(word), 10, 64)
		if err != nil || len(word) > 12 {
			return pdfToken{}, damaged("bad number")
		}
		return pdfToken{kind: tokInt, i: n}, nil
	}
	digits := 0
	for i, b := range word {
		switch {
		case isDigit(b):
			digits++
		case b == '.' || ((b == '+' || b == '-') && i == 0):
		default:
			return pdfToken{}, damaged("bad number")
		}
	}
	if digits == 0 || bytes.Count(word, []byte(".")) > 1 {
		return pdfToken{}, damaged("bad number")
	}
	return pdfToken{kind: tokReal}, nil
}

func (lx *pdfLexer) hexString() (pdfToken, error) {
	d := lx.data
	for i := lx.pos + 1; i < len(d); i++ {
		c := d[i]
		switch {
		case c == '>':
			lx.pos = i + 1
			return pdfToken{kind: tokString}, nil
		case isSpace(c), isDigit(c), c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return pdfToken{}, damaged("bad hex string")
		}
	}
	return pdfToken{}, damaged("unterminated hex string")
}

func (lx *pdfLexer) literalString() (pdfToken, error) {
	d := lx.data
	depth := 0
	for i := lx.pos; i < len(d); i++ {
		switch d[i] {
		case '\\':
			i++ // the escaped byte, whatever it is
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				lx.pos = i + 1
				return pdfToken{kind: tokString}, nil
			}
		}
	}
	return pdfToken{}, damaged("unterminated string")
}

// name reads a name and decodes its #xx escapes, so that /J#61vaScript is
// seen as /JavaScript, as readers see it.
func (lx *pdfLexer) name() (pdfToken, error) {
	d := lx.data
	lx.pos++
	var out []byte
	for lx.pos < len(d) && isRegular(d[lx.pos]) {
		c := d[lx.pos]
		if c == '#' {
			if lx.pos+2 >= len(d) {
				return pdfToken{}, damaged("bad name")
			}
			v, err := strconv.ParseUint(string(d[lx.pos+1:lx.pos+3]), 16, 8)
			if err != nil {
				return pdfToken{}, damaged("bad name")
			}
			out = append(out, byte(v))
			lx.pos += 3
			continue
		}
		out = append(out, c)
		lx.pos++
	}
	if pdfActiveNames[string(out)] && lx.p != nil {
		lx.p.active = true
	}
	return pdfToken{kind: tokName, text: out}, nil
}

// value parses one object: a number, "n g R", a name, a string, an array,
// a dictionary, true, false or null.
func (lx *pdfLexer) value(depth int) (pdfValue, error) {
	if depth > pdfMaxDepth {
		return pdfValue{}, damaged("objects nested too deep")
	}
	t, err := lx.next()
	if err != nil {
		return pdfValue{}, err
	}
	return lx.valueFrom(t, depth)
}

// valueFrom parses the object that starts with token t. Long because it is
// the parser's switch over the kinds of token, one case per kind of object.
func (lx *pdfLexer) valueFrom(t pdfToken, depth int) (pdfValue, error) {
	switch t.kind {
	case tokInt:
		// "n g R" is a reference; anything else leaves the integer alone.
		save := lx.pos
		if g, err := lx.next(); err == nil && g.kind == tokInt {
			if r, err := lx.next(); err == nil && r.is("R") {
				return pdfValue{kind: vRef, ref: objKey{int(min(t.i, 1<<31)), int(min(g.i, 1<<31))}}, nil
			}
		}
		lx.pos = save
		return pdfValue{kind: vInt, i: t.i}, nil
	case tokReal:
		return pdfValue{kind: vReal}, nil
	case tokName:
		return pdfValue{kind: vName, name: string(t.text)}, nil
	case tokString:
		return pdfValue{kind: vString}, nil
	case tokArrayOpen:
		var arr []pdfValue
		n := 0
		for {
			t, err := lx.next()
			if err != nil {
				return pdfValue{}, err
			}
			if t.kind == tokArrayClose {
				if n > pdfMaxKept {
					return pdfValue{kind: vLongArray}, nil
				}
				return pdfValue{kind: vArray, arr: arr}, nil
			}
			if depth+1 > pdfMaxDepth {
				return pdfValue{}, damaged("objects nested too deep")
			}
			v, err := lx.valueFrom(t, depth+1)
			if err != nil {
				return pdfValue{}, err
			}
			// Only short arrays are read by the checker (/W, /Index,
			// /Filter); a long one (a page's glyph widths) is parsed, not
			// kept.
			if n++; n <= pdfMaxKept {
				arr = append(arr, v)
			} else {
				arr = nil
			}
		}
	case tokDictOpen:
		dict := map[string]pdfValue{}
		for {
			k, err := lx.next()
			if err != nil {
				return pdfValue{}, err
			}
			if k.kind == tokDictClose {
				return pdfValue{kind: vDict, dict: dict}, nil
			}
			if k.kind != tokName {
				return pdfValue{}, damaged("a dictionary key that is not a name")
			}
			v, err := lx.value(depth + 1)
			if err != nil {
				return pdfValue{}, err
			}
			dict[string(k.text)] = v
		}
	case tokKeyword:
		switch string(t.text) {
		case "true", "false":
			return pdfValue{kind: vBool}, nil
		case "null":
			return pdfValue{kind: vNull}, nil
		}
	}
	return pdfValue{}, damaged("bytes that are not a PDF object")
}
