package customfields

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// node is a YAML mapping built in order, so that the documents written are the same
// bytes for the same installation.
type node struct{ n *yaml.Node }

func newMap() *node { return &node{&yaml.Node{Kind: yaml.MappingNode}} }

// set appends key: value. Values: string, int, int64, bool, []string, []*node, *node.
func (m *node) set(key string, v any) *node {
	m.n.Content = append(m.n.Content, scalar(key), toNode(v))
	return m
}

// accepts adds why to the x-cerb-server-accepts mapping under keyword.
func (m *node) accepts(keyword, why string) *node {
	for i := 0; i+1 < len(m.n.Content); i += 2 {
		if m.n.Content[i].Value == contract.ExtServerAccepts {
			m.n.Content[i+1].Content = append(m.n.Content[i+1].Content, scalar(keyword), scalar(why))
			return m
		}
	}
	return m.set(contract.ExtServerAccepts, newMap().set(keyword, why))
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func toNode(v any) *yaml.Node {
	switch x := v.(type) {
	case *node:
		return x.n
	case string:
		return scalar(x)
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(x)}
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(x)}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(x)}
	case []string:
		s := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, e := range x {
			s.Content = append(s.Content, scalar(e))
		}
		return s
	case []*node:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			s.Content = append(s.Content, e.n)
		}
		return s
	}
	panic(fmt.Sprintf("customfields: no YAML for %T", v))
}
