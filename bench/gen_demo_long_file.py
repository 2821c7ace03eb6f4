"""Write the demo tree's one long file: a generated-protobuf-style Go file for core/v1.

The demo tree (k8sread/demo) needs one file of several thousand lines so the reader's paging,
folding and highlighting are exercised on the shipped tree too. Its shape is that of gogo
protobuf output (Marshal, Size, String, Unmarshal per message, varint helpers and a descriptor
byte table), but the code is produced here from the small schema below, which mirrors the
hand-written structs in staging/src/k8s.io/api/core/v1/types.go of the demo tree.

The output is committed, so the demo needs no build step; tests/core/test_demo_tree.py checks
that the committed file is exactly what this script writes. Deterministic: no clock, no
randomness, no dependence on the Python version.

    /tmp/v/bin/python bench/gen_demo_long_file.py            # rewrite the committed file
    /tmp/v/bin/python bench/gen_demo_long_file.py --check    # exit 1 if it differs
    /tmp/v/bin/python bench/gen_demo_long_file.py --stdout
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELATIVE_PATH = "staging/src/k8s.io/api/core/v1/generated.pb.go"
OUTPUT = ROOT / "k8sread" / "demo" / RELATIVE_PATH
DESCRIPTOR_NAME = "fileDescriptor_demo_core_v1"
DESCRIPTOR_BYTES = 9600  # about 600 lines of 16 bytes: the size of a real gzipped descriptor

# (message, [(field, kind, number, go type of an element)]). Kinds: string, int32, int64,
# bool, meta (metav1.ObjectMeta), msg (a message of this file), rmsg (repeated message),
# rstr (repeated string). Keep in step with types.go in the same folder.
SCHEMA: list[tuple[str, list[tuple[str, str, int, str]]]] = [
    ("Binding", [("ObjectMeta", "meta", 1, ""), ("Target", "msg", 2, "ObjectReference")]),
    (
        "Container",
        [
            ("Name", "string", 1, ""),
            ("Image", "string", 2, ""),
            ("Command", "rstr", 3, ""),
            ("Args", "rstr", 4, ""),
            ("Ports", "rmsg", 6, "ContainerPort"),
            ("Env", "rmsg", 7, "EnvVar"),
            ("Resources", "msg", 8, "ResourceRequirements"),
            ("ImagePullPolicy", "string", 14, ""),
        ],
    ),
    (
        "ContainerPort",
        [
            ("Name", "string", 1, ""),
            ("HostPort", "int32", 2, ""),
            ("ContainerPort", "int32", 3, ""),
            ("Protocol", "string", 4, ""),
        ],
    ),
    (
        "ContainerStatus",
        [
            ("Name", "string", 1, ""),
            ("Ready", "bool", 4, ""),
            ("RestartCount", "int32", 5, ""),
            ("Image", "string", 6, ""),
            ("ContainerID", "string", 8, ""),
            ("Started", "bool", 9, ""),
        ],
    ),
    (
        "EndpointAddress",
        [
            ("IP", "string", 1, ""),
            ("Hostname", "string", 3, ""),
            ("NodeName", "string", 4, ""),
        ],
    ),
    (
        "EndpointPort",
        [
            ("Name", "string", 1, ""),
            ("Port", "int32", 2, ""),
            ("Protocol", "string", 3, ""),
        ],
    ),
    (
        "EndpointSubset",
        [
            ("Addresses", "rmsg", 1, "EndpointAddress"),
            ("NotReadyAddresses", "rmsg", 2, "EndpointAddress"),
            ("Ports", "rmsg", 3, "EndpointPort"),
        ],
    ),
    ("Endpoints", [("ObjectMeta", "meta", 1, ""), ("Subsets", "rmsg", 2, "EndpointSubset")]),
    ("EnvVar", [("Name", "string", 1, ""), ("Value", "string", 2, "")]),
    (
        "Event",
        [
            ("ObjectMeta", "meta", 1, ""),
            ("InvolvedObject", "msg", 2, "ObjectReference"),
            ("Reason", "string", 3, ""),
            ("Message", "string", 4, ""),
            ("Count", "int32", 6, ""),
            ("Type", "string", 9, ""),
        ],
    ),
    (
        "Node",
        [
            ("ObjectMeta", "meta", 1, ""),
            ("Spec", "msg", 2, "NodeSpec"),
            ("Status", "msg", 3, "NodeStatus"),
        ],
    ),
    ("NodeAddress", [("Type", "string", 1, ""), ("Address", "string", 2, "")]),
    (
        "NodeCondition",
        [
            ("Type", "string", 1, ""),
            ("Status", "string", 2, ""),
            ("Reason", "string", 5, ""),
            ("Message", "string", 6, ""),
        ],
    ),
    (
        "NodeSpec",
        [
            ("PodCIDR", "string", 1, ""),
            ("ProviderID", "string", 3, ""),
            ("Unschedulable", "bool", 4, ""),
        ],
    ),
    (
        "NodeStatus",
        [
            ("Capacity", "msg", 1, "ResourceList"),
            ("Allocatable", "msg", 2, "ResourceList"),
            ("Conditions", "rmsg", 4, "NodeCondition"),
            ("Addresses", "rmsg", 5, "NodeAddress"),
        ],
    ),
    (
        "ObjectReference",
        [
            ("Kind", "string", 1, ""),
            ("Namespace", "string", 2, ""),
            ("Name", "string", 3, ""),
            ("UID", "string", 4, ""),
            ("APIVersion", "string", 5, ""),
            ("ResourceVersion", "string", 6, ""),
            ("FieldPath", "string", 7, ""),
        ],
    ),
    (
        "Pod",
        [
            ("ObjectMeta", "meta", 1, ""),
            ("Spec", "msg", 2, "PodSpec"),
            ("Status", "msg", 3, "PodStatus"),
        ],
    ),
    (
        "PodCondition",
        [
            ("Type", "string", 1, ""),
            ("Status", "string", 2, ""),
            ("Reason", "string", 5, ""),
            ("Message", "string", 6, ""),
        ],
    ),
    (
        "PodSpec",
        [
            ("Containers", "rmsg", 2, "Container"),
            ("RestartPolicy", "string", 3, ""),
            ("ServiceAccountName", "string", 8, ""),
            ("NodeName", "string", 10, ""),
            ("HostNetwork", "bool", 11, ""),
            ("SchedulerName", "string", 19, ""),
            ("Priority", "int32", 25, ""),
        ],
    ),
    (
        "PodStatus",
        [
            ("Phase", "string", 1, ""),
            ("Conditions", "rmsg", 2, "PodCondition"),
            ("HostIP", "string", 5, ""),
            ("PodIP", "string", 6, ""),
            ("ContainerStatuses", "rmsg", 8, "ContainerStatus"),
        ],
    ),
    ("PodTemplateSpec", [("ObjectMeta", "meta", 1, ""), ("Spec", "msg", 2, "PodSpec")]),
    (
        "ResourceList",
        [
            ("MilliCPU", "int64", 1, ""),
            ("Memory", "int64", 2, ""),
            ("Pods", "int64", 3, ""),
        ],
    ),
    (
        "ResourceRequirements",
        [
            ("Limits", "msg", 1, "ResourceList"),
            ("Requests", "msg", 2, "ResourceList"),
        ],
    ),
    ("Service", [("ObjectMeta", "meta", 1, ""), ("Spec", "msg", 2, "ServiceSpec")]),
    (
        "ServicePort",
        [
            ("Name", "string", 1, ""),
            ("Protocol", "string", 2, ""),
            ("Port", "int32", 3, ""),
            ("TargetPort", "int32", 4, ""),
            ("NodePort", "int32", 5, ""),
        ],
    ),
    (
        "ServiceSpec",
        [
            ("Ports", "rmsg", 1, "ServicePort"),
            ("ClusterIP", "string", 3, ""),
            ("Type", "string", 4, ""),
            ("SessionAffinity", "string", 7, ""),
        ],
    ),
]

WIRE_TYPE = {"string": 2, "rstr": 2, "meta": 2, "msg": 2, "rmsg": 2, "int32": 0, "int64": 0, "bool": 0}

HEADER = """\
// Code generated by bench/gen_demo_long_file.py for k8sread's demo tree. DO NOT EDIT.
// An original miniature in the shape of gogo protobuf output; not Kubernetes source.

package v1

import (
	fmt "fmt"
	io "io"
	math_bits "math/bits"
	strings "strings"
)

var (
	ErrInvalidLengthGenerated        = fmt.Errorf("proto: negative length found during unmarshaling")
	ErrIntOverflowGenerated          = fmt.Errorf("proto: integer overflow")
	ErrUnexpectedEndOfGroupGenerated = fmt.Errorf("proto: unexpected end of group")
)
"""


def tag_bytes(number: int, wire: int) -> list[int]:
    value = number << 3 | wire
    out = []
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return out


def emit_tag_backwards(lines: list[str], indent: str, number: int, wire: int) -> None:
    # Marshalling runs from the end of the buffer, so a multi-byte key is written last byte first.
    for byte in reversed(tag_bytes(number, wire)):
        lines.append(f"{indent}i--")
        lines.append(f"{indent}dAtA[i] = 0x{byte:x}")


def gen_boilerplate(lines: list[str], index: int, name: str) -> None:
    lines += [
        f"func (m *{name}) Reset()      {{ *m = {name}{{}} }}",
        f"func (*{name}) ProtoMessage() {{}}",
        f"func (*{name}) Descriptor() ([]byte, []int) {{",
        f"\treturn {DESCRIPTOR_NAME}, []int{{{index}}}",
        "}",
        "",
    ]


def gen_marshal(lines: list[str], name: str, fields) -> None:
    lines += [
        f"func (m *{name}) Marshal() (dAtA []byte, err error) {{",
        "\tsize := m.Size()",
        "\tdAtA = make([]byte, size)",
        "\tn, err := m.MarshalToSizedBuffer(dAtA[:size])",
        "\tif err != nil {",
        "\t\treturn nil, err",
        "\t}",
        "\treturn dAtA[:n], nil",
        "}",
        "",
        f"func (m *{name}) MarshalTo(dAtA []byte) (int, error) {{",
        "\tsize := m.Size()",
        "\treturn m.MarshalToSizedBuffer(dAtA[:size])",
        "}",
        "",
        f"func (m *{name}) MarshalToSizedBuffer(dAtA []byte) (int, error) {{",
        "\ti := len(dAtA)",
        "\t_ = i",
        "\tvar l int",
        "\t_ = l",
    ]
    for field, kind, number, _ in sorted(fields, key=lambda f: -f[2]):
        wire = WIRE_TYPE[kind]
        if kind == "string":
            lines += [
                f"\ti -= len(m.{field})",
                f"\tcopy(dAtA[i:], m.{field})",
                f"\ti = encodeVarintGenerated(dAtA, i, uint64(len(m.{field})))",
            ]
            emit_tag_backwards(lines, "\t", number, wire)
        elif kind in ("int32", "int64"):
            lines.append(f"\ti = encodeVarintGenerated(dAtA, i, uint64(m.{field}))")
            emit_tag_backwards(lines, "\t", number, wire)
        elif kind == "bool":
            lines += [
                "\ti--",
                f"\tif m.{field} {{",
                "\t\tdAtA[i] = 1",
                "\t} else {",
                "\t\tdAtA[i] = 0",
                "\t}",
            ]
            emit_tag_backwards(lines, "\t", number, wire)
        elif kind in ("meta", "msg"):
            lines += [
                "\t{",
                f"\t\tsize, err := m.{field}.MarshalToSizedBuffer(dAtA[:i])",
                "\t\tif err != nil {",
                "\t\t\treturn 0, err",
                "\t\t}",
                "\t\ti -= size",
                "\t\ti = encodeVarintGenerated(dAtA, i, uint64(size))",
                "\t}",
            ]
            emit_tag_backwards(lines, "\t", number, wire)
        elif kind == "rmsg":
            lines += [
                f"\tif len(m.{field}) > 0 {{",
                f"\t\tfor iNdEx := len(m.{field}) - 1; iNdEx >= 0; iNdEx-- {{",
                "\t\t\t{",
                f"\t\t\t\tsize, err := m.{field}[iNdEx].MarshalToSizedBuffer(dAtA[:i])",
                "\t\t\t\tif err != nil {",
                "\t\t\t\t\treturn 0, err",
                "\t\t\t\t}",
                "\t\t\t\ti -= size",
                "\t\t\t\ti = encodeVarintGenerated(dAtA, i, uint64(size))",
                "\t\t\t}",
            ]
            emit_tag_backwards(lines, "\t\t\t", number, wire)
            lines += ["\t\t}", "\t}"]
        elif kind == "rstr":
            lines += [
                f"\tif len(m.{field}) > 0 {{",
                f"\t\tfor iNdEx := len(m.{field}) - 1; iNdEx >= 0; iNdEx-- {{",
                f"\t\t\ti -= len(m.{field}[iNdEx])",
                f"\t\t\tcopy(dAtA[i:], m.{field}[iNdEx])",
                f"\t\t\ti = encodeVarintGenerated(dAtA, i, uint64(len(m.{field}[iNdEx])))",
            ]
            emit_tag_backwards(lines, "\t\t\t", number, wire)
            lines += ["\t\t}", "\t}"]
        else:  # pragma: no cover - a schema typo
            raise ValueError(kind)
    lines += ["\treturn len(dAtA) - i, nil", "}", ""]


def gen_size(lines: list[str], name: str, fields) -> None:
    lines += [
        f"func (m *{name}) Size() (n int) {{",
        "\tif m == nil {",
        "\t\treturn 0",
        "\t}",
        "\tvar l int",
        "\t_ = l",
    ]
    for field, kind, number, _ in fields:
        key = len(tag_bytes(number, WIRE_TYPE[kind]))
        if kind == "string":
            lines += [f"\tl = len(m.{field})", f"\tn += {key} + l + sovGenerated(uint64(l))"]
        elif kind in ("int32", "int64"):
            lines.append(f"\tn += {key} + sovGenerated(uint64(m.{field}))")
        elif kind == "bool":
            lines.append(f"\tn += {key + 1}")
        elif kind in ("meta", "msg"):
            lines += [f"\tl = m.{field}.Size()", f"\tn += {key} + l + sovGenerated(uint64(l))"]
        elif kind == "rmsg":
            lines += [
                f"\tif len(m.{field}) > 0 {{",
                f"\t\tfor _, e := range m.{field} {{",
                "\t\t\tl = e.Size()",
                f"\t\t\tn += {key} + l + sovGenerated(uint64(l))",
                "\t\t}",
                "\t}",
            ]
        elif kind == "rstr":
            lines += [
                f"\tif len(m.{field}) > 0 {{",
                f"\t\tfor _, s := range m.{field} {{",
                "\t\t\tl = len(s)",
                f"\t\t\tn += {key} + l + sovGenerated(uint64(l))",
                "\t\t}",
                "\t}",
            ]
    lines += ["\treturn n", "}", ""]


def gen_string(lines: list[str], name: str, fields) -> None:
    lines += [
        f"func (this *{name}) String() string {{",
        "\tif this == nil {",
        '\t\treturn "nil"',
        "\t}",
    ]
    for field, kind, _, elem in fields:
        if kind == "rmsg":
            var = f"repeatedStringFor{field}"
            lines += [
                f'\t{var} := "[]{elem}{{"',
                f"\tfor _, f := range this.{field} {{",
                f'\t\t{var} += strings.Replace(strings.Replace(f.String(), "{elem}", "{elem}", 1), `&`, ``, 1) + ","',
                "\t}",
                f'\t{var} += "}}"',
            ]
    lines.append(f"\ts := strings.Join([]string{{`&{name}{{`,")
    for field, kind, _, elem in fields:
        if kind == "meta":
            value = f'strings.Replace(strings.Replace(fmt.Sprintf("%v", this.{field}), "ObjectMeta", "v1.ObjectMeta", 1), `&`, ``, 1)'
        elif kind == "msg":
            value = f'strings.Replace(strings.Replace(this.{field}.String(), "{elem}", "{elem}", 1), `&`, ``, 1)'
        elif kind == "rmsg":
            value = f"repeatedStringFor{field}"
        else:
            value = f'fmt.Sprintf("%v", this.{field})'
        lines.append(f"\t\t`{field}:` + {value} + `,`,")
    lines += ["\t\t`}`,", '\t}, "")', "\treturn s", "}", ""]


def varint_loop(lines: list[str], indent: str, target: str, cast: str) -> None:
    lines += [
        f"{indent}for shift := uint(0); ; shift += 7 {{",
        f"{indent}\tif shift >= 64 {{",
        f"{indent}\t\treturn ErrIntOverflowGenerated",
        f"{indent}\t}}",
        f"{indent}\tif iNdEx >= l {{",
        f"{indent}\t\treturn io.ErrUnexpectedEOF",
        f"{indent}\t}}",
        f"{indent}\tb := dAtA[iNdEx]",
        f"{indent}\tiNdEx++",
        f"{indent}\t{target} |= {cast}(b&0x7F) << shift",
        f"{indent}\tif b < 0x80 {{",
        f"{indent}\t\tbreak",
        f"{indent}\t}}",
        f"{indent}}}",
    ]


def length_checks(lines: list[str], indent: str, length: str) -> None:
    lines += [
        f"{indent}if {length} < 0 {{",
        f"{indent}\treturn ErrInvalidLengthGenerated",
        f"{indent}}}",
        f"{indent}postIndex := iNdEx + {length}",
        f"{indent}if postIndex < 0 {{",
        f"{indent}\treturn ErrInvalidLengthGenerated",
        f"{indent}}}",
        f"{indent}if postIndex > l {{",
        f"{indent}\treturn io.ErrUnexpectedEOF",
        f"{indent}}}",
    ]


def gen_unmarshal(lines: list[str], name: str, fields) -> None:
    lines += [
        f"func (m *{name}) Unmarshal(dAtA []byte) error {{",
        "\tl := len(dAtA)",
        "\tiNdEx := 0",
        "\tfor iNdEx < l {",
        "\t\tpreIndex := iNdEx",
        "\t\tvar wire uint64",
    ]
    varint_loop(lines, "\t\t", "wire", "uint64")
    lines += [
        "\t\tfieldNum := int32(wire >> 3)",
        "\t\twireType := int(wire & 0x7)",
        "\t\tif wireType == 4 {",
        f'\t\t\treturn fmt.Errorf("proto: {name}: wiretype end group for non-group")',
        "\t\t}",
        "\t\tif fieldNum <= 0 {",
        f'\t\t\treturn fmt.Errorf("proto: {name}: illegal tag %d (wire type %d)", fieldNum, wire)',
        "\t\t}",
        "\t\tswitch fieldNum {",
    ]
    ind = "\t\t\t"
    for field, kind, number, elem in fields:
        wire = WIRE_TYPE[kind]
        lines += [
            f"\t\tcase {number}:",
            f"{ind}if wireType != {wire} {{",
            f'{ind}\treturn fmt.Errorf("proto: wrong wireType = %d for field {field}", wireType)',
            f"{ind}}}",
        ]
        if kind in ("string", "rstr"):
            lines.append(f"{ind}var stringLen uint64")
            varint_loop(lines, ind, "stringLen", "uint64")
            lines.append(f"{ind}intStringLen := int(stringLen)")
            length_checks(lines, ind, "intStringLen")
            if kind == "string":
                lines.append(f"{ind}m.{field} = string(dAtA[iNdEx:postIndex])")
            else:
                lines.append(f"{ind}m.{field} = append(m.{field}, string(dAtA[iNdEx:postIndex]))")
            lines.append(f"{ind}iNdEx = postIndex")
        elif kind in ("int32", "int64"):
            lines.append(f"{ind}m.{field} = 0")
            varint_loop(lines, ind, f"m.{field}", kind)
        elif kind == "bool":
            lines.append(f"{ind}var v int")
            varint_loop(lines, ind, "v", "int")
            lines.append(f"{ind}m.{field} = bool(v != 0)")
        else:  # meta, msg, rmsg
            lines.append(f"{ind}var msglen int")
            varint_loop(lines, ind, "msglen", "int")
            length_checks(lines, ind, "msglen")
            if kind == "rmsg":
                lines += [
                    f"{ind}m.{field} = append(m.{field}, {elem}{{}})",
                    f"{ind}if err := m.{field}[len(m.{field})-1].Unmarshal(dAtA[iNdEx:postIndex]); err != nil {{",
                ]
            else:
                lines.append(f"{ind}if err := m.{field}.Unmarshal(dAtA[iNdEx:postIndex]); err != nil {{")
            lines += [f"{ind}\treturn err", f"{ind}}}", f"{ind}iNdEx = postIndex"]
    lines += [
        "\t\tdefault:",
        f"{ind}iNdEx = preIndex",
        f"{ind}skippy, err := skipGenerated(dAtA[iNdEx:])",
        f"{ind}if err != nil {{",
        f"{ind}\treturn err",
        f"{ind}}}",
        f"{ind}if (skippy < 0) || (iNdEx+skippy) < 0 {{",
        f"{ind}\treturn ErrInvalidLengthGenerated",
        f"{ind}}}",
        f"{ind}if (iNdEx + skippy) > l {{",
        f"{ind}\treturn io.ErrUnexpectedEOF",
        f"{ind}}}",
        f"{ind}iNdEx += skippy",
        "\t\t}",
        "\t}",
        "",
        "\tif iNdEx > l {",
        "\t\treturn io.ErrUnexpectedEOF",
        "\t}",
        "\treturn nil",
        "}",
        "",
    ]


HELPERS = """\
func encodeVarintGenerated(dAtA []byte, offset int, v uint64) int {
	offset -= sovGenerated(v)
	base := offset
	for v >= 1<<7 {
		dAtA[offset] = uint8(v&0x7f | 0x80)
		v >>= 7
		offset++
	}
	dAtA[offset] = uint8(v)
	return base
}

func sovGenerated(x uint64) (n int) {
	return (math_bits.Len64(x|1) + 6) / 7
}

func sozGenerated(x uint64) (n int) {
	return sovGenerated(uint64((x << 1) ^ uint64((int64(x) >> 63))))
}

func skipGenerated(dAtA []byte) (n int, err error) {
	l := len(dAtA)
	iNdEx := 0
	depth := 0
	for iNdEx < l {
		var wire uint64
		for shift := uint(0); ; shift += 7 {
			if shift >= 64 {
				return 0, ErrIntOverflowGenerated
			}
			if iNdEx >= l {
				return 0, io.ErrUnexpectedEOF
			}
			b := dAtA[iNdEx]
			iNdEx++
			wire |= (uint64(b) & 0x7F) << shift
			if b < 0x80 {
				break
			}
		}
		wireType := int(wire & 0x7)
		switch wireType {
		case 0:
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return 0, ErrIntOverflowGenerated
				}
				if iNdEx >= l {
					return 0, io.ErrUnexpectedEOF
				}
				iNdEx++
				if dAtA[iNdEx-1] < 0x80 {
					break
				}
			}
		case 1:
			iNdEx += 8
		case 2:
			var length int
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return 0, ErrIntOverflowGenerated
				}
				if iNdEx >= l {
					return 0, io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				length |= (int(b) & 0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			if length < 0 {
				return 0, ErrInvalidLengthGenerated
			}
			iNdEx += length
		case 3:
			depth++
		case 4:
			if depth == 0 {
				return 0, ErrUnexpectedEndOfGroupGenerated
			}
			depth--
		case 5:
			iNdEx += 4
		default:
			return 0, fmt.Errorf("proto: illegal wireType %d", wireType)
		}
		if iNdEx < 0 {
			return 0, ErrInvalidLengthGenerated
		}
		if depth == 0 {
			return iNdEx, nil
		}
	}
	return 0, io.ErrUnexpectedEOF
}
"""


def descriptor_bytes() -> bytes:
    """Stand-in for the gzipped FileDescriptorProto: a SHA-256 chain over the schema."""
    seed = repr(SCHEMA).encode("utf-8")
    out = bytearray([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF])
    block = hashlib.sha256(seed).digest()
    while len(out) < DESCRIPTOR_BYTES:
        out += block
        block = hashlib.sha256(block + seed).digest()
    return bytes(out[:DESCRIPTOR_BYTES])


def gen_descriptor(lines: list[str]) -> None:
    data = descriptor_bytes()
    lines += [
        "func init() {",
        f'\tregisterFile("k8s.io/api/core/v1/generated.proto", {DESCRIPTOR_NAME})',
        "}",
        "",
        "var registeredFiles = map[string][]byte{}",
        "",
        "func registerFile(name string, descriptor []byte) {",
        "\tregisteredFiles[name] = descriptor",
        "}",
        "",
        f"var {DESCRIPTOR_NAME} = []byte{{",
        f"\t// {len(data)} bytes of a gzipped FileDescriptorProto",
    ]
    for start in range(0, len(data), 16):
        chunk = data[start : start + 16]
        lines.append("\t" + " ".join(f"0x{b:02x}," for b in chunk))
    lines += ["}", ""]


def generate() -> str:
    lines: list[str] = [HEADER]
    for index, (name, _) in enumerate(SCHEMA):
        gen_boilerplate(lines, index, name)
    for name, fields in SCHEMA:
        gen_marshal(lines, name, fields)
    for name, fields in SCHEMA:
        gen_size(lines, name, fields)
    for name, fields in SCHEMA:
        gen_string(lines, name, fields)
    for name, fields in SCHEMA:
        gen_unmarshal(lines, name, fields)
    lines.append(HELPERS)
    gen_descriptor(lines)
    text = "\n".join(lines)
    return text.rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    mode.add_argument("--stdout", action="store_true", help="print instead of writing the file")
    args = parser.parse_args(argv)
    text = generate()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
        if current != text:
            print(f"{RELATIVE_PATH} is out of date: run bench/gen_demo_long_file.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(text.encode("utf-8"))
    shown = OUTPUT.relative_to(ROOT) if OUTPUT.is_relative_to(ROOT) else OUTPUT
    print(f"wrote {shown}: {text.count(chr(10))} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
