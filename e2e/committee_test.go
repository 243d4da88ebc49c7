package e2e

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/chain"
)

// systemInfo is the part of `tusk info --json` the tests use.
type systemInfo struct {
	NShards    int    `json:"nShards"`
	F          int    `json:"f"`
	MinCorrect int    `json:"minCorrect"`
	MaxBlob    uint64 `json:"maxBlobSize"`
}

// info runs `tusk info --json`.
func (n *network) info() systemInfo {
	n.t.Helper()
	var in systemInfo
	out := n.mustCLI("info", "--json")
	if err := json.Unmarshal([]byte(out), &in); err != nil || in.NShards == 0 {
		n.t.Fatalf("tusk info --json: %v in %s", err, out)
	}
	return in
}

// committee reads the current committee from the chain.
func (n *network) committee(ctx context.Context) *chain.Committee {
	n.t.Helper()
	c, _ := n.chainClient(ctx)
	com, err := c.Committee(ctx)
	if err != nil {
		n.t.Fatalf("committee: %v", err)
	}
	return com
}

// pickMembers chooses committee members, not in exclude, holding together as many shards
// as possible but at most limit (largest members first). It returns their indices in
// com.Members.
func pickMembers(com *chain.Committee, limit int, exclude ...int) []int {
	order := make([]int, 0, len(com.Members))
	for i := range com.Members {
		if !slices.Contains(exclude, i) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return com.Members[b].Weight() - com.Members[a].Weight() })
	var picked []int
	total := 0
	for _, i := range order {
		if w := com.Members[i].Weight(); total+w <= limit {
			picked = append(picked, i)
			total += w
		}
	}
	return picked
}

// weight is the number of shards the members hold together.
func weight(com *chain.Committee, members []int) int {
	w := 0
	for _, i := range members {
		w += com.Members[i].Weight()
	}
	return w
}

// requirePicked fails the test unless the members chosen hold exactly want shards (the
// fault the test is about).
func requirePicked(t *testing.T, com *chain.Committee, members []int, want int, what string) {
	t.Helper()
	if len(members) == 0 || weight(com, members) != want {
		t.Fatalf("no members holding exactly %d shards (%s) in committee %+v", want, what, com.Members)
	}
}
