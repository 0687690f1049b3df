package acctest

import (
	"fmt"
	"slices"
	"strings"
)

// Block is one resource (or data, ephemeral) block of a test configuration,
// built attribute by attribute so that a test says which attribute it
// changes instead of rewriting HCL text. Attributes render in the order they
// were first set; setting one again changes it in place.
type Block struct {
	kind, typ, name string
	names           []string
	values          map[string]string
}

// Resource starts a resource block.
func Resource(typ, name string) *Block { return newBlock("resource", typ, name) }

// Ephemeral starts an ephemeral resource block.
func Ephemeral(typ, name string) *Block { return newBlock("ephemeral", typ, name) }

// Data starts a data source block.
func Data(typ, name string) *Block { return newBlock("data", typ, name) }

func newBlock(kind, typ, name string) *Block {
	return &Block{kind: kind, typ: typ, name: name, values: map[string]string{}}
}

// Set gives an attribute an HCL expression, written as is: a reference
// (hanzokms_app_connection_auth0.test.id), a number, an object literal.
func (b *Block) Set(attr, expr string) *Block {
	if _, ok := b.values[attr]; !ok {
		b.names = append(b.names, attr)
	}
	b.values[attr] = expr
	return b
}

// Str gives an attribute a quoted string.
func (b *Block) Str(attr, value string) *Block { return b.Set(attr, Quote(value)) }

// Int gives an attribute a number.
func (b *Block) Int(attr string, value int64) *Block { return b.Set(attr, fmt.Sprint(value)) }

// Bool gives an attribute a boolean.
func (b *Block) Bool(attr string, value bool) *Block { return b.Set(attr, fmt.Sprint(value)) }

// Obj gives an attribute an object of quoted strings, keys in the order given
// as pairs: Obj("secrets_mapping", "client_id", "ID", "client_secret", "SECRET").
func (b *Block) Obj(attr string, pairs ...string) *Block { return b.Set(attr, Object(pairs...)) }

// Unset removes an attribute.
func (b *Block) Unset(attr string) *Block {
	if _, ok := b.values[attr]; ok {
		delete(b.values, attr)
		b.names = slices.DeleteFunc(b.names, func(n string) bool { return n == attr })
	}
	return b
}

// Get is an attribute's expression, "" when unset.
func (b *Block) Get(attr string) string { return b.values[attr] }

// Clone is an independent copy, to derive a variant from a base block.
func (b *Block) Clone() *Block {
	c := newBlock(b.kind, b.typ, b.name)
	for _, n := range b.names {
		c.Set(n, b.values[n])
	}
	return c
}

// Address is the block's address in state, e.g. hanzokms_auth0_client_secret_rotation.test.
func (b *Block) Address() string {
	if b.kind == "resource" {
		return b.typ + "." + b.name
	}
	return b.kind + "." + b.typ + "." + b.name
}

// String renders the block as HCL.
func (b *Block) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s %q %q {\n", b.kind, b.typ, b.name)
	for _, n := range b.names {
		fmt.Fprintf(&s, "  %s = %s\n", n, b.values[n])
	}
	s.WriteString("}\n")
	return s.String()
}

// Config joins a provider block and blocks into one configuration.
func Config(provider string, blocks ...*Block) string {
	var s strings.Builder
	s.WriteString(provider)
	for _, b := range blocks {
		s.WriteString("\n")
		s.WriteString(b.String())
	}
	return s.String()
}

// Quote is an HCL string literal.
func Quote(v string) string { return fmt.Sprintf("%q", v) }

// Object is an HCL object literal of quoted strings from key, value pairs.
func Object(pairs ...string) string {
	if len(pairs)%2 != 0 {
		panic("acctest.Object needs key, value pairs")
	}
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		parts = append(parts, fmt.Sprintf("%s = %q", pairs[i], pairs[i+1]))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
