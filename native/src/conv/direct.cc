// Picks the direct kernels of the path kernels() chose (same instruction set).
#include <cstring>

#include "direct.h"

namespace lite {

extern const DirectConv direct_conv_ref;
#if defined(LITE_X86)
extern const DirectConv direct_conv_avx2;
extern const DirectConv direct_conv_avx512;
#endif

const DirectConv& direct_conv() {
  static const DirectConv* const chosen = [] {
#if defined(LITE_X86)
    const char* name = kernels().name;
    if (std::strcmp(name, "avx512") == 0) return &direct_conv_avx512;
    if (std::strcmp(name, "avx2") == 0) return &direct_conv_avx2;
#endif
    return &direct_conv_ref;
  }();
  return *chosen;
}

}  // namespace lite
