"""W3C Bitstring Status List v1.0: bit order, encoding, decoding, indexes."""

import base64
import gzip
import random
import struct
import zlib

import pytest

from certificates.vc import (
    MIN_BITS,
    EncodingError,
    assert_all_terms_defined,
    build_status_list_credential,
    decode_bitstring,
    encode_bitstring,
    entry_is_set,
    is_set,
    new_bitstring,
    random_free_index,
    set_bit,
    status_entry,
)
from certificates.vc.status_list import MAX_DECODED_BYTES

LIST_URL = "https://academy.example/credentials/status/3"


def hand_made_encoded_list(bits: bytes) -> str:
    """``encodedList`` built field by field from RFC 1952/1951 and the spec.

    One GZIP member whose DEFLATE data is a single stored (uncompressed) block,
    so no compressor is involved: header, BFINAL=1 BTYPE=00, LEN, NLEN, the
    bytes, CRC-32, ISIZE; then base64url without padding and multibase "u".
    """
    assert len(bits) <= 0xFFFF
    header = bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF])
    block = bytes([0b001]) + struct.pack("<HH", len(bits), len(bits) ^ 0xFFFF)
    trailer = struct.pack("<II", zlib.crc32(bits), len(bits))
    member = header + block + bits + trailer
    return "u" + base64.urlsafe_b64encode(member).decode().rstrip("=")


def test_minimum_size_is_16_kib():
    assert MIN_BITS == 131_072
    assert len(new_bitstring()) == 16 * 1024
    assert not any(new_bitstring())


@pytest.mark.parametrize("size", [MIN_BITS - 8, MIN_BITS + 1, 0])
def test_lists_smaller_than_the_minimum_or_ragged_are_refused(size):
    with pytest.raises(ValueError, match="multiple of 8 bits"):
        new_bitstring(size)


@pytest.mark.parametrize(
    "index", [0, 1, 7, 8, 9, MIN_BITS // 2, MIN_BITS // 2 + 3, MIN_BITS - 1]
)
def test_set_bit_is_read_back_and_touches_nothing_else(index):
    bitstring = new_bitstring()

    set_bit(bitstring, index)

    assert is_set(bitstring, index)
    assert sum(bin(byte).count("1") for byte in bitstring) == 1
    for neighbour in (index - 1, index + 1):
        if 0 <= neighbour < MIN_BITS:
            assert not is_set(bitstring, neighbour)


def test_bit_zero_is_the_most_significant_bit_of_byte_zero():
    bitstring = new_bitstring()

    set_bit(bitstring, 0)
    set_bit(bitstring, 7)
    set_bit(bitstring, 8)
    set_bit(bitstring, MIN_BITS - 1)

    assert bitstring[0] == 0b1000_0001
    assert bitstring[1] == 0b1000_0000
    assert bitstring[-1] == 0b0000_0001


def test_set_bit_is_idempotent_and_can_clear():
    bitstring = new_bitstring()

    set_bit(bitstring, 42)
    set_bit(bitstring, 42)
    assert is_set(bitstring, 42)
    set_bit(bitstring, 42, value=False)
    set_bit(bitstring, 42, value=False)

    assert not any(bitstring)


@pytest.mark.parametrize("index", [-1, MIN_BITS, MIN_BITS * 2])
def test_indexes_outside_the_list_are_refused(index):
    with pytest.raises(IndexError):
        is_set(new_bitstring(), index)
    with pytest.raises(IndexError):
        set_bit(new_bitstring(), index)


def test_encoding_is_multibase_base64url_of_gzip():
    bitstring = new_bitstring()
    for index in (0, 12_345, MIN_BITS - 1):
        set_bit(bitstring, index)

    encoded = encode_bitstring(bitstring)

    assert encoded.startswith("u")
    assert "=" not in encoded
    assert not set(encoded[1:]) & set("+/")
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert compressed[:2] == b"\x1f\x8b"
    assert gzip.decompress(compressed) == bytes(bitstring)


def test_encoding_is_deterministic():
    assert encode_bitstring(new_bitstring()) == encode_bitstring(new_bitstring())


def test_encode_decode_round_trip():
    bitstring = new_bitstring(MIN_BITS * 2)
    rng = random.Random(7)
    for _ in range(500):
        set_bit(bitstring, rng.randrange(MIN_BITS * 2))

    assert decode_bitstring(encode_bitstring(bitstring)) == bitstring


def test_decode_of_a_list_built_by_hand_from_the_spec():
    bits = bytearray(MIN_BITS // 8)
    bits[0] = 0b1000_0000  # index 0
    bits[1] = 0b0010_0000  # index 10
    bits[-1] = 0b0000_0001  # index MIN_BITS - 1
    encoded = hand_made_encoded_list(bytes(bits))

    decoded = decode_bitstring(encoded)

    assert decoded == bits
    assert [i for i in range(MIN_BITS) if is_set(decoded, i)] == [0, 10, MIN_BITS - 1]


def test_decode_of_the_spec_example_empty_list():
    # The empty 16 KiB list as published in the specification's examples.
    encoded = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"

    decoded = decode_bitstring(encoded)

    assert len(decoded) * 8 == MIN_BITS
    assert not any(decoded)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        "zH4sIAAAAAAAAA",
        "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA==",
        "u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="),
        None,
    ],
)
def test_decode_refuses_malformed_values(encoded):
    with pytest.raises(EncodingError):
        decode_bitstring(encoded)


def test_decode_refuses_a_list_below_the_minimum():
    with pytest.raises(EncodingError, match="shorter"):
        decode_bitstring(hand_made_encoded_list(bytes(100)))


def test_decode_refuses_trailing_data_and_truncation():
    valid = encode_bitstring(new_bitstring())
    raw = base64.urlsafe_b64decode(valid[1:] + "=" * (-len(valid[1:]) % 4))

    for tampered in (raw + raw, raw[:-4]):
        encoded = "u" + base64.urlsafe_b64encode(tampered).decode().rstrip("=")
        with pytest.raises(EncodingError):
            decode_bitstring(encoded)


def test_decode_refuses_a_gzip_bomb():
    bomb = gzip.compress(bytes(MAX_DECODED_BYTES + 8), mtime=0)
    encoded = "u" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")

    with pytest.raises(EncodingError, match="size limit"):
        decode_bitstring(encoded)


class FixedRandom:
    def __init__(self, values):
        self.values = list(values)

    def randbelow(self, bound):
        return self.values.pop(0) % bound


def test_random_free_index_skips_used_indexes():
    rng = FixedRandom([5, 5, 9])

    assert random_free_index({5}, 16, rng=rng) == 9


def test_random_free_index_finds_the_last_free_index():
    used = set(range(1000)) - {617}
    rng = FixedRandom([0] * 64 + [3])

    assert random_free_index(used, 1000, rng=rng) == 617


def test_random_free_index_refuses_a_full_list():
    with pytest.raises(ValueError, match="full"):
        random_free_index(set(range(8)), 8)


def test_random_free_index_is_spread_over_the_list():
    used: set[int] = set()
    for _ in range(200):
        index = random_free_index(used, MIN_BITS)
        assert 0 <= index < MIN_BITS
        assert index not in used
        used.add(index)

    assert max(used) - min(used) > MIN_BITS // 2


def test_status_entry():
    assert status_entry(LIST_URL, 94_567) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


@pytest.mark.parametrize("index", [-1, True, 1.5, "3"])
def test_status_entry_refuses_bad_indexes(index):
    with pytest.raises(ValueError, match="non-negative integer"):
        status_entry(LIST_URL, index)


def test_status_list_credential_body():
    bitstring = new_bitstring()
    set_bit(bitstring, 3)

    credential = build_status_list_credential(
        credential_id=LIST_URL,
        issuer_id="did:web:academy.example",
        valid_from="2025-03-01T00:00:00Z",
        bitstring=bitstring,
    )

    assert credential["type"] == [
        "VerifiableCredential",
        "BitstringStatusListCredential",
    ]
    assert credential["credentialSubject"]["type"] == "BitstringStatusList"
    assert credential["credentialSubject"]["statusPurpose"] == "revocation"
    assert decode_bitstring(credential["credentialSubject"]["encodedList"]) == bitstring
    assert_all_terms_defined(credential)
    assert_all_terms_defined(
        status_entry(LIST_URL, 3) | {"@context": credential["@context"]}
    )


def test_entry_is_set_checks_the_entry_belongs_to_the_list():
    bitstring = new_bitstring()
    set_bit(bitstring, 3)
    credential = build_status_list_credential(
        credential_id=LIST_URL,
        issuer_id="did:web:academy.example",
        valid_from="2025-03-01T00:00:00Z",
        bitstring=bitstring,
    )

    assert entry_is_set(list_credential=credential, entry=status_entry(LIST_URL, 3))
    assert not entry_is_set(list_credential=credential, entry=status_entry(LIST_URL, 4))
    with pytest.raises(ValueError, match="different status list"):
        entry_is_set(
            list_credential=credential,
            entry=status_entry("https://academy.example/credentials/status/4", 3),
        )
    with pytest.raises(ValueError, match="status purposes"):
        entry_is_set(
            list_credential=credential,
            entry=status_entry(LIST_URL, 3, status_purpose="suspension"),
        )
    with pytest.raises(ValueError, match="decimal"):
        entry_is_set(
            list_credential=credential,
            entry=status_entry(LIST_URL, 3) | {"statusListIndex": "٣"},
        )
