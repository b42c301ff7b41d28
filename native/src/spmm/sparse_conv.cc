// Sparse convolution: im2col tiles of pixels (conv/im2col.h, shared with the
// dense and int8 convs) times packed sparse filters on the chosen path's spmm,
// which threads itself over output-channel chunks.
#include "../conv/im2col.h"
#include "../kernels.h"
#include "spmm.h"

namespace lite::sparse {

void conv2d(const ConvShape& s, const float* x, const SpmmArgs& w, float* y) {
  SpmmArgs a = w;
  const int64_t pixels = im2col::pixels(s), k = im2col::filter_k(s);
  if (im2col::pointwise(s)) {
    a.m = pixels;
    a.x = x;
    a.y = y;
    kernels().spmm(a);
    return;
  }
  // One thread's L2-sized tile of im2col rows at a time.
  const int64_t tile = im2col::tile_pixels(2, std::max<int64_t>(1, k) * 4);
  float* cols = im2col::scratch(0, std::min(tile, pixels) * k);
  for (int64_t m0 = 0; m0 < pixels; m0 += tile) {
    const int64_t m1 = std::min(pixels, m0 + tile);
    im2col::im2col(s, x, m0, m1, cols, 0.f);
    a.m = m1 - m0;
    a.x = cols;
    a.y = y + m0 * s.out_c;
    kernels().spmm(a);
  }
}

}  // namespace lite::sparse
