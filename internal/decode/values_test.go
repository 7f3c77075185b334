package decode_test

import (
	"maps"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/valyala/fastjson"
)

func TestTags(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{`{"criticality":"high","tier":1,"ok":true,"n":null,"o":{}}`, map[string]string{"criticality": "high", "tier": "1", "ok": "true", "n": "", "o": ""}},
		{`[{"Key":"env","Value":"prod"},{"key":"team"},{"name":"owner","value":"db"},{"value":"orphan"},"plain",7]`, map[string]string{"env": "prod", "team": "", "owner": "db", "plain": ""}},
		{`[]`, nil},
		{`"not tags"`, nil},
	}
	for _, tc := range tests {
		v := fastjson.MustParse(tc.in)
		if got := decode.Tags(v); !maps.Equal(got, tc.want) {
			t.Errorf("Tags(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := decode.Tags(nil); got != nil {
		t.Errorf("Tags(nil) = %v", got)
	}
	m := decode.AddTags(map[string]string{"a": "1"}, fastjson.MustParse(`{"b":"2"}`))
	if !maps.Equal(m, map[string]string{"a": "1", "b": "2"}) {
		t.Errorf("AddTags = %v", m)
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{"request_metadata": "requestMetadata", "v4_cidr_blocks": "v4CidrBlocks", "plain": "plain", "_private": "_private"} {
		if got := decode.Camel(in); got != want {
			t.Errorf("Camel(%q) = %q, want %q", in, got, want)
		}
	}
}
