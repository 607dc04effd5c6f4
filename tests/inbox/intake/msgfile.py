"""A minimal Outlook .msg writer for tests: a compound file (CFB v3) with the MAPI streams of a mail.

No sample .msg file ships with an installed package, and none may be downloaded; this writer builds one
the way the format is documented ([MS-CFB], [MS-OXMSG]) so that the .msg path is tested end to end with
extract-msg. It writes only what a mail needs: string and binary streams, one recipient, attachments.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
Tree = dict[str, "bytes | Tree"]


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    start: int = END
    right: int = NOSTREAM
    child: int = NOSTREAM


def _order(name: str) -> tuple[int, str]:
    return len(name), name.upper()  # the CFB comparison of sibling names


def _flatten(tree: Tree) -> list[_Entry]:
    entries = [_Entry("Root Entry", 5)]

    def add(parent: int, items: Tree) -> None:
        for name in sorted(items, key=_order):
            value = items[name]
            index = len(entries)
            if isinstance(value, bytes):
                entries.append(_Entry(name, 2, data=value))
            else:
                entries.append(_Entry(name, 1))
                add(index, value)
            entries[parent].children.append(index)
        kids = entries[parent].children
        if kids:  # a degenerate but valid tree: each child is the right sibling of the one before
            entries[parent].child = kids[0]
            for left, right in itertools.pairwise(kids):
                entries[left].right = right

    add(0, tree)
    return entries


def _chain(fat: list[int], first: int, count: int) -> None:
    for offset in range(count):
        fat[first + offset] = first + offset + 1 if offset + 1 < count else END


def compound_file(tree: Tree) -> bytes:
    """The bytes of a compound file holding ``tree`` (storages are dicts, streams are bytes)."""
    entries = _flatten(tree)
    mini_stream, mini_fat, big = bytearray(), [], []
    for entry in entries:
        if entry.kind != 2 or not entry.data:
            continue
        if len(entry.data) < CUTOFF:
            entry.start = len(mini_stream) // MINI
            sectors = -(-len(entry.data) // MINI)
            mini_fat.extend(entry.start + i + 1 if i + 1 < sectors else END for i in range(sectors))
            mini_stream += entry.data.ljust(sectors * MINI, b"\x00")
        else:
            big.append(entry)
    dir_sectors = -(-len(entries) * 128 // SECTOR)
    minifat_sectors = -(-len(mini_fat) * 4 // SECTOR)
    ministream_sectors = -(-len(mini_stream) // SECTOR)
    big_sectors = [-(-len(entry.data) // SECTOR) for entry in big]
    others = dir_sectors + minifat_sectors + ministream_sectors + sum(big_sectors)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + others:
        fat_sectors += 1
    fat = [FREE] * (fat_sectors * SECTOR // 4)
    for index in range(fat_sectors):
        fat[index] = FATSECT
    first_dir = fat_sectors
    _chain(fat, first_dir, dir_sectors)
    first_minifat = first_dir + dir_sectors
    _chain(fat, first_minifat, minifat_sectors)
    first_mini = first_minifat + minifat_sectors
    _chain(fat, first_mini, ministream_sectors)
    position = first_mini + ministream_sectors
    body = bytearray()
    for entry, count in zip(big, big_sectors, strict=True):
        entry.start = position
        _chain(fat, position, count)
        body += entry.data.ljust(count * SECTOR, b"\x00")
        position += count
    entries[0].start = first_mini if mini_stream else END
    entries[0].data = bytes(mini_stream)

    directory = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-16-le") + b"\x00\x00"
        size = len(entry.data) if entry.kind in {2, 5} else 0
        directory += name.ljust(64, b"\x00") + struct.pack(
            "<HBBIII16sIQQIQ",
            len(name),
            entry.kind,
            1,
            NOSTREAM,
            entry.right,
            entry.child,
            b"",
            0,
            0,
            0,
            entry.start if size or entry.kind == 5 else END,
            size,
        )
    while len(directory) % SECTOR:
        directory += b"\x00" * 64 + struct.pack(
            "<HBBIII16sIQQIQ", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0
        )
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"",
        0,
        fat_sectors,
        first_dir,
        0,
        CUTOFF,
        first_minifat if mini_fat else END,
        minifat_sectors,
        END,
        0,
    ) + struct.pack("<109I", *difat)
    minifat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(minifat_sectors * SECTOR, b"\xff")
    return (
        header
        + struct.pack(f"<{len(fat)}I", *fat)
        + bytes(directory)
        + minifat_bytes
        + bytes(mini_stream).ljust(ministream_sectors * SECTOR, b"\x00")
        + bytes(body)
    )


def _text(value: str) -> bytes:
    return value.encode("utf-16-le")


def _properties(header: bytes, *fixed: tuple[int, int]) -> bytes:
    """A properties stream: its header, then 16-byte entries of fixed-size values (tag, value)."""
    return header + b"".join(struct.pack("<IIQ", tag, 6, value) for tag, value in fixed)


def outlook_message(
    *,
    subject: str,
    sender_name: str,
    sender_address: str,
    to: str,
    body: str,
    message_id: str,
    attachments: tuple[tuple[str, bytes], ...] = (),
) -> bytes:
    """An Outlook mail (.msg) with a plain-text body, one recipient and the given attachments."""
    headers = (
        f"From: {sender_name} <{sender_address}>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: Tue, 03 Jun 2025 09:30:00 +0200\r\nMessage-ID: {message_id}\r\n\r\n"
    )
    tree: Tree = {
        "__substg1.0_001A001F": _text("IPM.Note"),
        "__substg1.0_0037001F": _text(subject),
        "__substg1.0_1000001F": _text(body),
        "__substg1.0_0C1A001F": _text(sender_name),
        "__substg1.0_0C1F001F": _text(sender_address),
        "__substg1.0_0E04001F": _text(to),
        "__substg1.0_1035001F": _text(message_id),
        "__substg1.0_007D001F": _text(headers),
        "__nameid_version1.0": {
            "__substg1.0_00020102": b"",
            "__substg1.0_00030102": b"",
            "__substg1.0_00040102": b"",
        },
        "__recip_version1.0_#00000000": {
            "__substg1.0_3001001F": _text(to),
            "__substg1.0_39FE001F": _text(to),
            "__properties_version1.0": _properties(b"\x00" * 8, (0x0C150003, 1)),
        },
        "__properties_version1.0": _properties(
            struct.pack("<8sIIII8s", b"", 1, len(attachments), 1, len(attachments), b""),
        ),
    }
    for number, (filename, data) in enumerate(attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = {
            "__substg1.0_3707001F": _text(filename),
            "__substg1.0_3704001F": _text(filename[:12]),
            "__substg1.0_37010102": data,
            "__properties_version1.0": _properties(b"\x00" * 8, (0x37050003, 1), (0x0E210003, number)),
        }
    return compound_file(tree)
