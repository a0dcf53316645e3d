package ecs

import (
	"testing"

	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

func TestDocumentedDefaults(t *testing.T) {
	plinthtest.CheckDocumentedDefaults(t, ".", Args{}.withDefaults())
}

func TestFargateMemoryTable(t *testing.T) {
	for cpu, want := range map[int][2]int{256: {512, 2048}, 512: {1024, 4096}, 1024: {2048, 8192}, 4096: {8192, 30720}, 16384: {32768, 122880}} {
		m := fargateMemory(cpu)
		if m[0] != want[0] || m[len(m)-1] != want[1] {
			t.Errorf("cpu %d: memory %d–%d, want %d–%d", cpu, m[0], m[len(m)-1], want[0], want[1])
		}
	}
}
