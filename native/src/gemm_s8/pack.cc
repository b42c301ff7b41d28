// Packing weights into the layout gemm_s8.h describes (every path reads it).
#include <algorithm>
#include <cstring>

#include "gemm_s8.h"

namespace lite::s8 {
namespace {

void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* p) {
  return p[0] | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// Header and column sums; `value(kk, j)` gives B[kk, j].
template <class Value>
void write_header(const Layout& l, Value value, uint8_t* out) {
  std::memset(out, 0, l.data_offset());
  const uint32_t fields[] = {kMagic, kVersion, static_cast<uint32_t>(l.bits), static_cast<uint32_t>(l.k),
                             static_cast<uint32_t>(l.n), static_cast<uint32_t>(l.k_padded),
                             static_cast<uint32_t>(l.panels)};
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); ++i) put_u32(out + 4 * i, fields[i]);
  for (int64_t j = 0; j < l.n; ++j) {
    int32_t sum = 0;
    for (int64_t kk = 0; kk < l.k; ++kk) sum += value(kk, j);
    put_u32(out + l.colsum_offset() + 4 * j, static_cast<uint32_t>(sum));
  }
}

}  // namespace

Layout layout_for(int bits, int64_t k, int64_t n) {
  Layout l;
  l.bits = bits;
  l.k = k;
  l.n = n;
  const int64_t step = bits == 8 ? 4 : 8;
  l.k_padded = (k + step - 1) / step * step;
  l.panels = (n + kPanel - 1) / kPanel;
  l.panel_bytes = l.k_padded * kPanel * bits / 8;
  return l;
}

void pack_s8(const Layout& l, const int8_t* b, uint8_t* out) {
  auto value = [&](int64_t kk, int64_t j) -> int32_t { return b[kk * l.n + j]; };
  write_header(l, value, out);
  uint8_t* data = out + l.data_offset();
  std::memset(data, 0, l.panels * l.panel_bytes);
  for (int64_t p = 0; p < l.panels; ++p) {
    uint8_t* panel = data + p * l.panel_bytes;
    const int64_t cols = std::min<int64_t>(kPanel, l.n - p * kPanel);
    for (int64_t kk = 0; kk < l.k; ++kk) {
      const int8_t* row = b + kk * l.n + p * kPanel;
      uint8_t* quad = panel + (kk / 4) * 64 + kk % 4;
      for (int64_t c = 0; c < cols; ++c) quad[4 * c] = static_cast<uint8_t>(row[c]);
    }
  }
}

void pack_s4(const Layout& l, const uint8_t* b4, uint8_t* out) {
  // Two's-complement nibble → value in [−8, 7].
  auto value = [&](int64_t kk, int64_t j) -> int32_t {
    const int64_t e = kk * l.n + j;
    const int nibble = (b4[e >> 1] >> (4 * (e & 1))) & 0xF;
    return nibble >= 8 ? nibble - 16 : nibble;
  };
  write_header(l, value, out);
  uint8_t* data = out + l.data_offset();
  // Stored v + 8, so padding (v = 0) is 8 in each nibble.
  std::memset(data, 0x88, l.panels * l.panel_bytes);
  for (int64_t p = 0; p < l.panels; ++p) {
    uint8_t* panel = data + p * l.panel_bytes;
    const int64_t cols = std::min<int64_t>(kPanel, l.n - p * kPanel);
    for (int64_t kk = 0; kk < l.k; ++kk) {
      const int shift = (kk / 4) % 2 ? 4 : 0;  // odd quads in the high nibble
      uint8_t* chunk = panel + (kk / 8) * 64 + kk % 4;
      for (int64_t c = 0; c < cols; ++c) {
        const uint8_t u = static_cast<uint8_t>(value(kk, p * kPanel + c) + 8);
        uint8_t& byte = chunk[4 * c];
        byte = static_cast<uint8_t>((byte & ~(0xF << shift)) | (u << shift));
      }
    }
  }
}

const char* read_layout(const uint8_t* buffer, int64_t bytes, Layout* out) {
  if (bytes < kHeaderBytes) return "is too short to be packed weights (use packS8 or packS4)";
  if (get_u32(buffer) != kMagic) return "is not packed weights (use packS8 or packS4)";
  if (get_u32(buffer + 4) != kVersion) return "was packed by another version of lite (pack the weights again)";
  const uint32_t bits = get_u32(buffer + 8);
  const int64_t k = get_u32(buffer + 12), n = get_u32(buffer + 16);
  if ((bits != 8 && bits != 4) || k > kMaxK || n > (int64_t{1} << 31)) return "has a corrupt header";
  const Layout l = layout_for(static_cast<int>(bits), k, n);
  if (get_u32(buffer + 20) != l.k_padded || get_u32(buffer + 24) != l.panels) return "has a corrupt header";
  if (bytes != l.total_bytes()) return "has the wrong length for its header (truncated or corrupt)";
  *out = l;
  return "";
}

}  // namespace lite::s8
