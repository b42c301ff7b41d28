// The direct kernels of the path kernels() chose (same instruction set).
#include "direct.h"

namespace lite {

const DirectConv& direct_conv() { return *kernels().direct_conv; }

}  // namespace lite
