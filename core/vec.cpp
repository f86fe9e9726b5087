#include "vec.h"

namespace nope {

#if defined(__wasm__) && !defined(NOPE_DOUBLE)
// Defined apart from its users so that clang cannot fold it into them
// (vec.h says why).
const VecConsts kVecConsts = kVecConstsValue;
#endif

}  // namespace nope
