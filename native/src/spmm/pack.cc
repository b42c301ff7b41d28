// Packing sparse weights into the segmented SELL-16 layout (spmm.h), and checking a
// packed buffer before a kernel reads it.
#include <cstring>

#include "spmm.h"

namespace lite::sparse {
namespace {

void write_header(const Layout& l, const int64_t* chunk_start, const uint8_t* seg_steps, uint8_t* out) {
  const uint32_t words[6] = {kMagic, kVersion, static_cast<uint32_t>(l.value_bits), static_cast<uint32_t>(l.k),
                             static_cast<uint32_t>(l.n), static_cast<uint32_t>(l.chunks)};
  std::memcpy(out, words, sizeof words);
  const int64_t totals[2] = {l.steps, l.nnz};
  std::memcpy(out + 24, totals, sizeof totals);
  std::memcpy(out + l.start_offset(), chunk_start, static_cast<size_t>(l.chunks + 1) * 8);
  std::memcpy(out + l.counts_offset(), seg_steps, static_cast<size_t>(l.chunks * l.segments()));
}

// Places each stored element of chunk b at its column's next step in its
// segment: value(i) for element i = r·n + j is written as element T of the
// values section, and r − 64·segment as its offset.
template <class T, class Value>
void place(const Layout& l, const int64_t* chunk_start, const uint8_t* seg_steps, const Value& value, uint8_t* out) {
  T* values = reinterpret_cast<T*>(out + l.values_offset());
  uint8_t* indices = out + l.indices_offset();
  const int64_t segments = l.segments();
  for (int64_t b = 0; b < l.chunks; ++b) {
    const int64_t j0 = b * kChunk, width = l.n - j0 < kChunk ? l.n - j0 : kChunk;
    int64_t first = chunk_start[b];  // the segment's first step
    for (int64_t g = 0; g < segments; ++g) {
      int64_t next[kChunk] = {};
      const int64_t r1 = (g + 1) * kSegment < l.k ? (g + 1) * kSegment : l.k;
      for (int64_t r = g * kSegment; r < r1; ++r)
        for (int64_t c = 0; c < width; ++c) {
          const T v = value(r * l.n + j0 + c);
          if (v == T(0)) continue;
          const int64_t at = (first + next[c]++) * kChunk + c;
          values[at] = v;
          indices[at] = static_cast<uint8_t>(r - g * kSegment);
        }
      first += seg_steps[b * segments + g];
    }
  }
}

}  // namespace

void pack_f32(const Layout& l, const int64_t* chunk_start, const uint8_t* seg_steps, const float* w, uint8_t* out) {
  write_header(l, chunk_start, seg_steps, out);
  place<float>(l, chunk_start, seg_steps, [w](int64_t i) { return w[i]; }, out);
}

void pack_s8(const Layout& l, const int64_t* chunk_start, const uint8_t* seg_steps, const int8_t* q,
             const float* scale, uint8_t* out) {
  write_header(l, chunk_start, seg_steps, out);
  std::memcpy(out + l.scale_offset(), scale, static_cast<size_t>(l.n) * 4);
  place<int8_t>(l, chunk_start, seg_steps, [q](int64_t i) { return q[i]; }, out);
}

const char* read_layout(const uint8_t* buffer, int64_t bytes, Layout* l) {
  if (bytes < kHeaderBytes) return "is too short to be packed sparse weights (use packSparse or packSparseS8)";
  uint32_t words[6];
  int64_t totals[2];
  std::memcpy(words, buffer, sizeof words);
  std::memcpy(totals, buffer + 24, sizeof totals);
  if (words[0] != kMagic) return "is not packed sparse weights (use packSparse or packSparseS8)";
  if (words[1] != kVersion) return "was packed by another version of lite (pack the weights again)";
  if (words[2] != 32 && words[2] != 8) return "is corrupt: its value type is neither float32 nor int8";
  *l = Layout{static_cast<int>(words[2]), words[3], words[4], words[5], totals[0], totals[1]};
  if (l->k > kMaxK) return "is corrupt: k is past 65536";
  if (l->chunks != (l->n + kChunk - 1) / kChunk) return "is corrupt: its chunk count does not match n";
  // steps ≤ chunks·k bounds every offset below int64 (k ≤ 2^16, n < 2^32).
  if (l->steps < 0 || l->steps > l->chunks * l->k || l->nnz < 0 || l->nnz > l->steps * kChunk)
    return "is corrupt: its step or nonzero count is impossible";
  if (l->total_bytes() != bytes) return "is corrupt: its length does not match its header";
  const int64_t* start = reinterpret_cast<const int64_t*>(buffer + l->start_offset());
  if (start[0] != 0 || start[l->chunks] != l->steps) return "is corrupt: its chunk offsets do not span its steps";
  for (int64_t b = 0; b < l->chunks; ++b)
    if (start[b + 1] < start[b] || start[b + 1] - start[b] > l->k)
      return "is corrupt: a chunk has a negative length or more steps than k";
  // Each chunk's segment counts must sum to its steps (kernels walk a chunk by them).
  const uint8_t* counts = buffer + l->counts_offset();
  const int64_t segments = l->segments();
  for (int64_t b = 0; b < l->chunks; ++b) {
    int64_t sum = 0;
    for (int64_t g = 0; g < segments; ++g) sum += counts[b * segments + g];
    if (sum != start[b + 1] - start[b]) return "is corrupt: a chunk's segment step counts do not sum to its steps";
  }
  return "";
}

}  // namespace lite::sparse
