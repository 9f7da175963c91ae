package vault

import (
	"math"
	"testing"
	"time"
)

func TestUnlockBackoff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{-1, 0},
		{0, 0},
		{1, 0},
		{4, 0},
		{5, 0},
		{6, 1 * time.Second},
		{7, 2 * time.Second},
		{8, 4 * time.Second},
		{9, 8 * time.Second},
		{10, 16 * time.Second},
		{11, 32 * time.Second},
		{12, 60 * time.Second}, // 64 s, capped
		{13, 60 * time.Second},
		{100, 60 * time.Second},
		{math.MaxInt, 60 * time.Second},
	} {
		if got := UnlockBackoff(tc.failures); got != tc.want {
			t.Errorf("UnlockBackoff(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}
