const FNV_OFFSET_BASIS_32 = 0x811c9dc5;
const FNV_PRIME_32 = 0x01000193;

/** FNV-1a, 32 bits, over the given bytes; an unsigned integer. */
export function fnv1a32(bytes: Uint8Array): number {
  let hash = FNV_OFFSET_BASIS_32;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV_PRIME_32);
  return hash >>> 0;
}

/**
 * FNV-1a, 32 bits, over the UTF-8 encoding of a string, computed without
 * allocating the encoded bytes (the gateway hashes every candidate id). A lone
 * surrogate counts as U+FFFD, as TextEncoder encodes it.
 */
export function fnv1a32Utf8(text: string): number {
  let hash = FNV_OFFSET_BASIS_32;
  const mix = (byte: number): void => {
    hash = Math.imul(hash ^ byte, FNV_PRIME_32);
  };
  for (let i = 0; i < text.length; i++) {
    let codePoint = text.charCodeAt(i);
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (codePoint <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        codePoint = 0xfffd;
      }
    }
    if (codePoint < 0x80) {
      mix(codePoint);
    } else if (codePoint < 0x800) {
      mix(0xc0 | (codePoint >> 6));
      mix(0x80 | (codePoint & 0x3f));
    } else if (codePoint < 0x10000) {
      mix(0xe0 | (codePoint >> 12));
      mix(0x80 | ((codePoint >> 6) & 0x3f));
      mix(0x80 | (codePoint & 0x3f));
    } else {
      mix(0xf0 | (codePoint >> 18));
      mix(0x80 | ((codePoint >> 12) & 0x3f));
      mix(0x80 | ((codePoint >> 6) & 0x3f));
      mix(0x80 | (codePoint & 0x3f));
    }
  }
  return hash >>> 0;
}

/**
 * The shard an item belongs to: fnv1a32(utf8(itemId)) mod shardCount, the rule
 * proto/dlrs/v1/retrieval.proto documents for every client and shard.
 */
export function shardOf(itemId: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) {
    throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`);
  }
  return fnv1a32Utf8(itemId) % shardCount;
}
