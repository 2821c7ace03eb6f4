package v1

import (
	"errors"
	"math/bits"
)

// The protobuf encoding of ObjectMeta, hand-written for the miniature: generated code in
// k8s.io/api calls these three methods for every object's metadata. Only the scalar fields
// travel; labels and owner references stay in the JSON form of the demo.

// Size is the number of bytes MarshalToSizedBuffer will write.
func (m *ObjectMeta) Size() (n int) {
	for _, s := range []string{m.Name, m.Namespace, m.UID, m.ResourceVersion} {
		if len(s) > 0 {
			n += 1 + len(s) + sovMeta(uint64(len(s)))
		}
	}
	if m.Generation != 0 {
		n += 1 + sovMeta(uint64(m.Generation))
	}
	return n
}

// MarshalToSizedBuffer writes the fields backwards from the end of dAtA, like generated code.
func (m *ObjectMeta) MarshalToSizedBuffer(dAtA []byte) (int, error) {
	i := len(dAtA)
	if m.Generation != 0 {
		i = putVarint(dAtA, i, uint64(m.Generation))
		i--
		dAtA[i] = 0x28
	}
	fields := []string{m.Name, m.Namespace, m.UID, m.ResourceVersion}
	for f := len(fields) - 1; f >= 0; f-- {
		s := fields[f]
		if len(s) == 0 {
			continue
		}
		i -= len(s)
		copy(dAtA[i:], s)
		i = putVarint(dAtA, i, uint64(len(s)))
		i--
		dAtA[i] = byte((f+1)<<3 | 2)
	}
	return len(dAtA) - i, nil
}

// Unmarshal reads what MarshalToSizedBuffer wrote.
func (m *ObjectMeta) Unmarshal(dAtA []byte) error {
	for i := 0; i < len(dAtA); {
		key := dAtA[i]
		i++
		value, n := readVarint(dAtA[i:])
		if n == 0 {
			return errors.New("meta/v1: truncated ObjectMeta")
		}
		i += n
		if key&7 == 0 {
			m.Generation = int64(value)
			continue
		}
		end := i + int(value)
		if end > len(dAtA) {
			return errors.New("meta/v1: truncated ObjectMeta")
		}
		s := string(dAtA[i:end])
		switch key >> 3 {
		case 1:
			m.Name = s
		case 2:
			m.Namespace = s
		case 3:
			m.UID = s
		case 4:
			m.ResourceVersion = s
		}
		i = end
	}
	return nil
}

func sovMeta(x uint64) int {
	return (bits.Len64(x|1) + 6) / 7
}

func putVarint(dAtA []byte, end int, v uint64) int {
	i := end - sovMeta(v)
	base := i
	for v >= 1<<7 {
		dAtA[i] = uint8(v&0x7f | 0x80)
		v >>= 7
		i++
	}
	dAtA[i] = uint8(v)
	return base
}

func readVarint(dAtA []byte) (uint64, int) {
	var v uint64
	for i, b := range dAtA {
		v |= uint64(b&0x7f) << (7 * uint(i))
		if b < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}
