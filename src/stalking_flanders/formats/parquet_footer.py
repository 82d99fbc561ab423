"""A Parquet file's footer (its ``FileMetaData``, in Thrift's compact protocol), read by this
package before pyarrow reads any column's metadata: pyarrow ends the whole process
(``std::terminate``, not an exception Python can catch) on some footers that one changed byte
makes, such as a column's histogram of repetition or definition levels of another length than the
column's levels allow, or a count of the bytes of texts on a column of numbers. What pyarrow is
known to end the process on is refused here, as a problem of the file.

Nothing is decoded but the footer, whose length the caller has capped; each list and text in it is
no longer than what is left of it, and values nest at most :data:`MAX_DEPTH` deep, so the work is
bounded by its length.

>>> footer_problem(bytes([0x15, 0x04, 0x00]))  # a FileMetaData of version 2 alone: no columns
>>> footer_problem(bytes([0x19, 0x1C]))
'its footer ends inside a value'
"""

from __future__ import annotations

from ..problems import PackageError

# The kinds of value of Thrift's compact protocol.
STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)
BOUNDS = {I16: 2**15, I32: 2**31, I64: 2**63}  # what a signed number of each kind holds
MAX_DEPTH = 16  # FileMetaData -> row groups -> column chunks -> metadata -> size statistics -> histogram: 6
REPEATED, OPTIONAL = 2, 1  # a SchemaElement's repetition_type (0: required)
BYTE_ARRAY = 6  # the physical type of text (a SchemaElement's and a ColumnMetaData's field 1)
# What a column chunk and its metadata may hold (Parquet's field ids): a column in another file
# (file_path, 1) or encrypted (8, 9), or metadata past the size statistics (16), is never in a release.
CHUNK_FIELDS = {2, 3, 4, 5, 6, 7}
COLUMN_FIELDS = set(range(1, 17))
ENCRYPTED_FILE_FIELDS = {8, 9}  # FileMetaData's encryption_algorithm, footer_signing_key_metadata


# What Parquet gives each field of the structs this reader follows (parquet.thrift), as pyarrow reads it:
# a value of one kind, or a list whose elements are of one kind (a struct's by its name). pyarrow
# reads a list's elements as the kind Parquet gives them, whatever kind the list says they are, and
# skips a field given another kind than Parquet's: either way it would read the footer otherwise than
# this reader does, so a field of a kind not Parquet's, or one these structs do not have, is refused.
# (Parquet's structs not followed hold no list: whatever their fields, both read them alike.)
I64S, I32S = (LIST, I64), (LIST, I32)
FIELDS = {
    "FileMetaData": {
        1: I32,
        2: (LIST, "SchemaElement"),
        3: I64,
        4: (LIST, "RowGroup"),
        5: (LIST, STRUCT),
        6: BINARY,
        7: (LIST, STRUCT),
        **dict.fromkeys(ENCRYPTED_FILE_FIELDS, None),  # refused below as encrypted, whatever their kind
    },
    "SchemaElement": {1: I32, 2: I32, 3: I32, 4: BINARY, 5: I32, 6: I32, 7: I32, 8: I32, 9: I32, 10: STRUCT},
    "RowGroup": {1: (LIST, "ColumnChunk"), 2: I64, 3: I64, 4: (LIST, STRUCT), 5: I64, 6: I64, 7: I16},
    "ColumnChunk": {1: None, 2: I64, 3: "ColumnMetaData", 4: I64, 5: I32, 6: I64, 7: I32, 8: None, 9: None},
    "ColumnMetaData": {
        1: I32,
        2: I32S,
        3: (LIST, BINARY),
        4: I32,
        **dict.fromkeys((5, 6, 7, 9, 10, 11, 14), I64),
        8: (LIST, STRUCT),
        12: STRUCT,
        13: (LIST, STRUCT),
        15: I32,
        16: "SizeStatistics",
        17: None,  # geospatial statistics: refused below, as what a release's Parquet file never holds
    },
    "SizeStatistics": {1: I64, 2: I64S, 3: I64S},
}


class FooterError(PackageError, ValueError):
    """The footer is not one Thrift's compact protocol reads (a ValueError: the file's problem)."""


class _Struct(dict):
    """A struct's values by field id, and the kind the footer gives each (``kinds``)."""

    __slots__ = ("kinds",)


class _List(list):
    """A list's elements, and the kind the footer gives them (``kind``)."""

    __slots__ = ("kind",)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0
        self.headers: list[int] = []  # where each field's header stands (the tests change the kinds they give)

    def take(self, n: int) -> bytes:
        if n < 0 or n > len(self.data) - self.at:
            raise FooterError("its footer ends inside a value")
        self.at += n
        return self.data[self.at - n : self.at]

    def varint(self) -> int:
        result = shift = 0
        while True:
            (b,) = self.take(1)
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise FooterError("a number in its footer runs past 64 bits")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def struct(self, depth: int) -> dict:
        if depth > MAX_DEPTH:
            raise FooterError(f"its footer nests values more than {MAX_DEPTH} deep")
        fields, last = _Struct(), 0
        fields.kinds = {}
        while True:
            (head,) = self.take(1)
            kind = head & 0x0F
            if kind == STOP:
                return fields
            self.headers.append(self.at - 1)
            last = last + (head >> 4) if head >> 4 else self.zigzag()
            if last in fields:  # Thrift merges a struct given twice into the first: another struct than either
                raise FooterError(f"its footer gives field {last} of one struct twice")
            fields[last] = TRUE == kind if kind in (TRUE, FALSE) else self.value(kind, depth + 1)
            fields.kinds[last] = kind

    def value(self, kind: int, depth: int):
        if kind == BYTE:
            return self.take(1)[0]
        if kind in (I16, I32, I64):
            n = self.zigzag()
            if not -BOUNDS[kind] <= n < BOUNDS[kind]:  # Thrift keeps the low bits: another number than this one
                raise FooterError("a number in its footer is past what its kind holds")
            return n
        if kind == DOUBLE:
            return self.take(8)
        if kind == BINARY:
            return self.take(self.varint())
        if kind in (LIST, SET, MAP):
            return self.collection(kind, depth)
        if kind == STRUCT:
            return self.struct(depth)
        raise FooterError(f"its footer holds a value of no kind Thrift knows ({kind})")

    def collection(self, kind: int, depth: int) -> list:
        if depth > MAX_DEPTH:
            raise FooterError(f"its footer nests values more than {MAX_DEPTH} deep")
        if kind == MAP:
            size = self.varint()
            kinds = [] if size == 0 else list(divmod(self.take(1)[0], 16))  # the keys' kind, the values'
        else:
            (head,) = self.take(1)
            size, kinds = head >> 4, [head & 0x0F]
            size = self.varint() if size == 15 else size
        if size > len(self.data) - self.at:  # every value takes a byte at least
            raise FooterError("its footer ends inside a value")
        items = [[self.element(k, depth + 1) for k in kinds] for _ in range(size)]
        if kind == MAP:
            return items
        elements = _List(item for (item,) in items)
        elements.kind = kind if kind == SET else kinds[0]  # a set is no list: Parquet gives none
        return elements

    def element(self, kind: int, depth: int):
        if kind in (TRUE, FALSE):  # in a list, a boolean is a byte of its own
            return self.take(1)[0] == TRUE
        return self.value(kind, depth)


def footer_problem(footer: bytes) -> str | None:
    """What in the footer ``footer`` (the bytes before its length and ``PAR1``) pyarrow would end the
    process on, or a release's Parquet file never holds, as a sentence; None where there is nothing."""
    try:
        meta = _Reader(footer).struct(0)
    except FooterError as error:
        return str(error)
    if ENCRYPTED_FILE_FIELDS & set(meta):
        return "it is encrypted"
    if said := _kinds_problem(meta, "FileMetaData"):
        return said
    elements = [e for e in meta.get(2, []) if isinstance(e, dict)] if isinstance(meta.get(2), list) else []
    leaves = elements[1:]
    # pyarrow reads an element as a column where it has a type and no children; one without a type is a
    # group (of no columns), and would put the chunks beside other columns than this reader's
    if any(1 not in e or e.get(5, 0) != 0 for e in leaves):
        return "its columns are nested"
    if any(e.get(3, 0) not in (0, OPTIONAL, REPEATED) for e in leaves):
        return "a column's repetition is none of required, optional and repeated"
    for group in meta.get(4, []) if isinstance(meta.get(4), list) else []:
        chunks = group.get(1, []) if isinstance(group, dict) else []
        for c, chunk in enumerate(chunks if isinstance(chunks, list) else []):
            said = _chunk_problem(chunk, leaves[c] if c < len(leaves) else None)
            if said:
                return f"column {c + 1} of a row group: {said}"
    return None


def _chunk_problem(chunk, leaf: dict | None) -> str | None:
    if not isinstance(chunk, dict) or leaf is None:
        return "it stands for no column of the schema"
    if set(chunk) - CHUNK_FIELDS:
        return "it is in another file, or encrypted"
    column = chunk.get(3, {})
    if not isinstance(column, dict) or set(column) - COLUMN_FIELDS:
        return "its metadata holds what a release's Parquet file never holds"
    sizes = column.get(16)
    if sizes is None:
        return None
    if isinstance(sizes, dict) and 1 in sizes and not leaf.get(1) == column.get(1) == BYTE_ARRAY:
        return "it counts the bytes of texts, and holds no texts"  # unencoded_byte_array_data_bytes
    levels = {2: 1 if leaf.get(3) == REPEATED else 0, 3: 1 if leaf.get(3) in (OPTIONAL, REPEATED) else 0}
    for field, name in ((2, "repetition"), (3, "definition")):
        histogram = sizes.get(field) if isinstance(sizes, dict) else None
        if histogram is not None and (not isinstance(histogram, list) or len(histogram) not in (0, levels[field] + 1)):
            count = len(histogram) if isinstance(histogram, list) else "no list of"
            return f"a histogram of {count} {name} levels, where the column has {levels[field] + 1}"
    return None


def _kinds_problem(struct: _Struct, name: str) -> str | None:
    """Where ``struct``, a ``name`` of Parquet, holds a field Parquet does not give it, or gives it a
    value of another kind than Parquet's (:data:`FIELDS`), as a sentence; None where there is none."""
    fields = FIELDS[name]
    for field, kind in struct.kinds.items():
        if field not in fields:
            return f"its footer gives a {name} a field {field}, which this package does not read"
        expected = fields[field]
        if expected is None:
            continue  # refused as what a release never holds, whatever its kind
        value = struct[field]
        if isinstance(expected, str) or expected == STRUCT:  # a struct, followed where FIELDS names it
            if kind != STRUCT:
                return f"its footer gives field {field} of a {name} another kind of value than Parquet's"
            if isinstance(expected, str) and (said := _kinds_problem(value, expected)):
                return said
        elif isinstance(expected, tuple):  # a list, whose elements pyarrow reads as Parquet's kind
            element = expected[1] if isinstance(expected[1], int) else STRUCT
            if kind != LIST or value.kind != element:
                return f"its footer gives field {field} of a {name} another kind of list than Parquet's"
            if isinstance(expected[1], str):
                for item in value:
                    if said := _kinds_problem(item, expected[1]):
                        return said
        elif kind != expected:
            return f"its footer gives field {field} of a {name} another kind of value than Parquet's"
    return None
