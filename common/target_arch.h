// The architecture this binary was compiled for, named as `uname -m` names it on such a host, so
// that `memsift-collect --version` tells which host a (cross-built) collector is for.
#pragma once

#include "memsift/version.h"

namespace memsift {

#if defined(__x86_64__)
inline constexpr const char* kTargetArch = "x86_64";
#elif defined(__aarch64__)
inline constexpr const char* kTargetArch = "aarch64";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
inline constexpr const char* kTargetArch = "ppc64le";
#elif defined(__powerpc64__)
inline constexpr const char* kTargetArch = "ppc64";
#elif defined(__s390x__)
inline constexpr const char* kTargetArch = "s390x";
#else
// An architecture memsift is not shipped for: the processor CMake was told to build for.
inline constexpr const char* kTargetArch = kBuildSystemProcessor;
#endif

}  // namespace memsift
