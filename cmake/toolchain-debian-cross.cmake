# Shared part of the cross toolchain files (cmake/toolchain-<arch>.cmake): Debian's cross
# compilers (g++-<triple>, with their own libc and libstdc++ in /usr/<triple>) and Debian's static
# libzstd of the target architecture, which .ci/install-deps unpacks from libzstd-dev:<debarch> into
# /opt/memsift-cross/<debarch> (why not multiarch beside the amd64 ones: see .ci/install-deps).
# The including file sets MEMSIFT_CROSS_TRIPLE (GNU triple), MEMSIFT_CROSS_PROCESSOR (what
# `uname -m` prints on such a host) and MEMSIFT_CROSS_DEBARCH (Debian's architecture name).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${MEMSIFT_CROSS_PROCESSOR})
set(CMAKE_C_COMPILER ${MEMSIFT_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${MEMSIFT_CROSS_TRIPLE}-g++)
set(CMAKE_STRIP ${MEMSIFT_CROSS_TRIPLE}-strip)

set(MEMSIFT_CROSS_PREFIX /opt/memsift-cross/${MEMSIFT_CROSS_DEBARCH}/usr)
if(NOT EXISTS ${MEMSIFT_CROSS_PREFIX}/lib/${MEMSIFT_CROSS_TRIPLE}/libzstd.a)
  message(FATAL_ERROR "${MEMSIFT_CROSS_PREFIX}: no static libraries for ${MEMSIFT_CROSS_DEBARCH}; "
                      "run .ci/install-deps")
endif()
# find_library() searches <prefix>/lib/<library architecture>: the target's prefix only, never
# the build machine's /usr/lib/x86_64-linux-gnu. zstd's headers come from the target's package
# (before /usr/include).
set(CMAKE_LIBRARY_ARCHITECTURE ${MEMSIFT_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH ${MEMSIFT_CROSS_PREFIX}/..)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE NEVER)
set(CMAKE_CXX_FLAGS_INIT "-isystem ${MEMSIFT_CROSS_PREFIX}/include")
# pkg-config must read the target's .pc files, not the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} "${MEMSIFT_CROSS_PREFIX}/lib/${MEMSIFT_CROSS_TRIPLE}/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${MEMSIFT_CROSS_PREFIX}/..")
set(ENV{PKG_CONFIG_PATH} "")
