package devcluster

import "testing"

func TestFreePortsAreDistinctAndOutsideTheEphemeralRange(t *testing.T) {
	ports, err := freePorts("127.0.0.1", 50)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if seen[p] || p < nodePortMin || p >= nodePortEnd {
			t.Fatalf("ports %v: %d repeated or outside %d..%d", ports, p, nodePortMin, nodePortEnd-1)
		}
		seen[p] = true
	}
	if len(ports) != 50 {
		t.Fatalf("%d ports", len(ports))
	}
}
